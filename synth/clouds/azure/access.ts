import type { CloudAccess } from '../../core/registry/kinds.ts';
import { shellQuote } from '../../core/render/shell.ts';
import type { StackContext } from '../../stack/context.ts';
import { azureBackupContainer, AZURE_CONFIG_CONTAINER } from './bucket.ts';
import { azureSiteSecretName } from './secret.ts';

/** How a server reaches Blob storage and Key Vault: its system-assigned identity, and tags through the metadata service. */
export function azureAccess(ctx: StackContext): CloudAccess {
  return {
    storage: { protocol: 'azure-blob', account: ctx.names.storageAccount, container: azureBackupContainer(ctx) },
    shellConstants: [
      `VAULT_NAME=${shellQuote(ctx.names.keyVault)}`,
      `SECRET_NAME=${shellQuote(azureSiteSecretName(ctx))}`,
      `STORAGE_ACCOUNT=${shellQuote(ctx.names.storageAccount)}`,
      `CONTAINER=${shellQuote(AZURE_CONFIG_CONTAINER)}`,
    ],
    shellFunctions: SHELL_FUNCTIONS,
  };
}

const SHELL_FUNCTIONS = `instance_value() { # tags through the instance metadata service
  curl -fsS -H Metadata:true 'http://169.254.169.254/metadata/instance/compute/tagsList?api-version=2021-02-01' |
    python3 -c 'import json,sys; print(next((t["value"] for t in json.load(sys.stdin) if t["name"] == "autostack-" + sys.argv[1]), ""))' "$1"
}
ensure_cloud_cli() { command -v curl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; } # no CLI: curl and the metadata service
identity_token() { # identity_token RESOURCE: a token of the VM's system-assigned identity
  curl -fsS -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
vault_token() { identity_token https%3A%2F%2Fvault.azure.net; }
config_read() { # config_read KEY: a blob of the plan's configuration container on stdout
  local token
  token="$(identity_token https%3A%2F%2Fstorage.azure.com%2F)"
  curl -fsS -H "Authorization: Bearer $token" -H 'x-ms-version: 2021-08-06' "https://$STORAGE_ACCOUNT.blob.core.windows.net/$CONTAINER/$1"
}
secret_read() { # secret_read [NAME]: the stack's secret, or secret NAME of the stack's vault
  local token
  token="$(vault_token)"
  curl -fsS -H "Authorization: Bearer $token" "https://$VAULT_NAME.vault.azure.net/secrets/\${1:-$SECRET_NAME}?api-version=7.4" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])' 2>/dev/null || true
}
secret_write() { # the value arrives on stdin, never on a command line
  local token
  token="$(vault_token)"
  python3 -c 'import json,sys; print(json.dumps({"value": sys.stdin.read(), "contentType": "application/json"}))' |
    curl -fsS -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data @- \\
      "https://$VAULT_NAME.vault.azure.net/secrets/$SECRET_NAME?api-version=7.4" >/dev/null
}
`;
