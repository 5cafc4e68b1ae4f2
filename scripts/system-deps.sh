#!/usr/bin/env bash
# The system packages the tests exercise for real, in ONE list, used by both .ci/run and `npm test`.
#
#   bash scripts/system-deps.sh            probe; install what is missing when it can (root + apt-get),
#                                          otherwise print the one command to run and carry on: the tests
#                                          that need a missing tool skip or fail saying so, and the closing
#                                          summary line counts them (exit 1 instead when CI is set)
#   bash scripts/system-deps.sh --strict   the same, but exit 1 whenever something is still missing (.ci/run)
#   bash scripts/system-deps.sh --print    probe only: never install, print the command (exit 1 if missing)
#
# AUTOSTACK_NO_INSTALL=1 keeps the default mode from running apt-get (say, as root on a shared machine
# where npm test should install nothing); it still prints the command and carries on.
set -uo pipefail

# One line per need: probe|Debian package|what needs it. A probe is a command name (looked up on PATH)
# or an absolute path (must exist: a program, or a file of a package without one; SYSTEM_DEPS_PREFIX,
# for tests of this script, is put in front of it). Adding a package is one line here.
DEPS=(
  "shellcheck|shellcheck|test/bootstrap.test.ts lints the generated shell scripts"
  "git|git|local mode, autostack plan and their tests"
  # The browser tests drive Debian's Chromium through playwright-core (never `playwright install`).
  "/usr/bin/chromium|chromium|test/site*.browser.test.ts"
  # test/postgres-real.test.ts runs the generated server configuration on Debian's PostgreSQL 15 and
  # pgBackRest (as the postgres user, on loopback); cloud-init's `schema` command checks user data.
  "/usr/lib/postgresql/15/bin/postgres|postgresql-15|test/postgres-real.test.ts"
  "pgbackrest|pgbackrest|test/postgres-real.test.ts"
  "cloud-init|cloud-init|test/user-data.test.ts (cloud-init schema)"
  "python3|python3|test/postgres-real.test.ts"
  "openssl|openssl|test/postgres-real.test.ts (TLS certificates)"
  # test/wordpress-real.test.ts runs the generated nginx site and PHP-FPM pool with Debian's WordPress
  # on MariaDB (on loopback); test/wordpress-boot.test.ts checks the generated configs with nginx -t and php-fpm -t.
  "/usr/sbin/mariadbd|mariadb-server|test/wordpress-real.test.ts"
  "/usr/sbin/php-fpm8.2|php-fpm|test/wordpress-real.test.ts, test/wordpress-boot.test.ts (php-fpm8.2 -t)"
  "/etc/php/8.2/mods-available/mysqli.ini|php-mysql|test/wordpress-real.test.ts"
  "/usr/sbin/nginx|nginx|test/wordpress-real.test.ts, test/wordpress-boot.test.ts (nginx -t)"
  "/usr/share/wordpress/wp-settings.php|wordpress|test/wordpress-real.test.ts"
  "/usr/share/wordpress/wp-content/themes/twentytwentythree/theme.json|wordpress-theme-twentytwentythree|test/wordpress-real.test.ts"
)

mode=install
strict=
for arg in "$@"; do
  case "$arg" in
    --print) mode=print ;;
    --strict) strict=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "system-deps: unknown option $arg (use --print or --strict)" >&2; exit 2 ;;
  esac
done
[ -n "${CI:-}" ] && [ "${CI}" != "false" ] && strict=1
noinstall=${AUTOSTACK_NO_INSTALL:-}

present() {
  case "$1" in
    /*) [ -e "${SYSTEM_DEPS_PREFIX:-}$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

probe() {
  missing=()
  why=()
  local line probe pkg what
  for line in "${DEPS[@]}"; do
    IFS='|' read -r probe pkg what <<<"$line"
    if ! present "$probe"; then
      # One package can serve several probes: name it once.
      [[ " ${missing[*]:-} " == *" $pkg "* ]] || missing+=("$pkg")
      why+=("  $pkg ($probe): $what")
    fi
  done
}

probe
if [ ${#missing[@]} -gt 0 ] && [ "$mode" = install ] && [ -z "$noinstall" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]} (apt-get as root)"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    probe
  else
    echo "system-deps: apt-get failed (above)" >&2
  fi
fi

# Terraform does not come from Debian's archive: CI images have it preinstalled. It is probed and
# explained here, never installed.
if ! command -v terraform >/dev/null 2>&1; then
  echo "system-deps: terraform is not on PATH, so the real-terraform tests (test/action.test.ts, test/synth.test.ts) will be skipped and counted as skipped. It is not a Debian package: install it from https://developer.hashicorp.com/terraform/install"
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all system packages are present"
  exit 0
fi

sudo=
[ "$(id -u)" = 0 ] || sudo='sudo '
echo "system-deps: missing system packages, so the tests that need them cannot run:"
printf '%s\n' "${why[@]}"
echo "Install them with:"
echo "  ${sudo}apt-get update && ${sudo}apt-get install -y ${missing[*]}"
if [ -n "$strict" ] || [ "$mode" = print ]; then
  exit 1
fi
echo "Carrying on: those tests skip or fail naming the missing tool, and the closing summary line counts them."
exit 0
