import type { CloudAccess } from '../../core/registry/kinds.ts';
import { shellQuote } from '../../core/render/shell.ts';
import type { StackContext } from '../../stack/context.ts';
import { gcpSecretId } from './secret.ts';

/** How a server reaches Cloud Storage and Secret Manager: its service account, and metadata attributes. */
export function gcpAccess(ctx: StackContext): CloudAccess {
  return {
    storage: { protocol: 'gcs', bucket: ctx.names.bucket },
    shellConstants: [`SECRET_NAME=${shellQuote(gcpSecretId(ctx))}`, `BUCKET=${shellQuote(ctx.names.bucket)}`],
    shellFunctions: SHELL_FUNCTIONS,
  };
}

const SHELL_FUNCTIONS = `instance_value() { # instance metadata attributes set by Terraform
  curl -fsS -H 'Metadata-Flavor: Google' "http://metadata.google.internal/computeMetadata/v1/instance/attributes/autostack-$1"
}
ensure_cloud_cli() { command -v gcloud >/dev/null 2>&1; } # preinstalled on Google's images; the same with any egress
config_read() { # config_read KEY: an object of the plan's bucket on stdout (JSON API, the service account's token)
  local token object
  token="$(curl -fsS -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
  object="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")"
  curl -fsS -H "Authorization: Bearer $token" "https://storage.googleapis.com/storage/v1/b/$BUCKET/o/$object?alt=media"
}
secret_read() { # secret_read [NAME]: the stack's secret, or secret NAME of the project
  gcloud secrets versions access latest --secret="\${1:-$SECRET_NAME}" 2>/dev/null || true
}
secret_write() { # the value arrives on stdin, never on a command line
  gcloud secrets versions add "$SECRET_NAME" --data-file=- >/dev/null
}
`;
