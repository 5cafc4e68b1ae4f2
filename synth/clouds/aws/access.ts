import type { CloudAccess } from '../../core/registry/kinds.ts';
import { shellQuote } from '../../core/render/shell.ts';
import type { StackContext } from '../../stack/context.ts';
import { awsSecretName } from './secret.ts';

/**
 * How a server reaches S3 and Secrets Manager: its instance profile, and tags through IMDSv2. The
 * bucket is in the plan's region; a website server of another region (`secretRegion`) reads the
 * secrets from their replicas in its own region (secret.ts), so it does not depend on the plan's
 * region for them.
 */
export function awsAccess(ctx: StackContext, secretRegion?: string): CloudAccess {
  const region = ctx.plan.region;
  const other = secretRegion !== undefined && secretRegion !== region;
  return {
    storage: { protocol: 's3', bucket: ctx.names.bucket, region, endpoint: `s3.${region}.amazonaws.com` },
    shellConstants: [`SECRET_ID=${shellQuote(awsSecretName(ctx))}`, `AWS_REGION=${shellQuote(region)}`, `BUCKET=${shellQuote(ctx.names.bucket)}`, ...(other ? [`SECRET_REGION=${shellQuote(secretRegion)}`] : [])],
    shellFunctions: other ? SHELL_FUNCTIONS.replaceAll('secretsmanager get-secret-value --region "$AWS_REGION"', 'secretsmanager get-secret-value --region "$SECRET_REGION"') : SHELL_FUNCTIONS,
  };
}

const SHELL_FUNCTIONS = `imds_token() {
  curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300'
}
instance_value() { # tags are visible through IMDSv2 (instance_metadata_tags = enabled)
  local token
  token="$(imds_token)"
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/tags/instance/autostack-$1"
}
ensure_cloud_cli() { # ensure_cloud_cli PACKAGE_SOURCE EGRESS: never downloads with egress none
  command -v aws >/dev/null 2>&1 && return 0
  if [ "$2" = none ]; then return 1; fi
  case "$1" in
    deb) apt-get install -y -q awscli || snap install aws-cli --classic ;;
    *) dnf install -y -q awscli2 || dnf install -y -q awscli ;;
  esac
}
config_read() { # config_read KEY: an object of the plan's bucket on stdout
  aws s3 cp --region "$AWS_REGION" --only-show-errors "s3://$BUCKET/$1" -
}
secret_read() { # secret_read [NAME]: the stack's secret, or secret NAME of the stack's region
  aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "\${1:-$SECRET_ID}" --query SecretString --output text 2>/dev/null || true
}
secret_write() { # the value arrives on stdin, never on a command line
  aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$SECRET_ID" --secret-string file:///dev/stdin >/dev/null
}
`;
