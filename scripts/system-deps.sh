#!/usr/bin/env bash
# The system packages the tests exercise for real, in ONE list (scripts/system-deps.list), used by both
# .ci/run and `npm test`; test/tools.ts reads the same list to skip (outside CI) or fail (under CI) a test
# whose tool is missing.
#
#   bash scripts/system-deps.sh            probe; install what is missing when it can (root + apt-get),
#                                          otherwise print the one command to run and carry on: the tests
#                                          that need a missing tool skip saying so, and the closing summary
#                                          line counts them (exit 1 instead when CI is set: there they fail)
#   bash scripts/system-deps.sh --strict   the same, but exit 1 whenever something is still missing (.ci/run)
#   bash scripts/system-deps.sh --print    probe only: never install, print the command (exit 1 if missing)
#
# terraform (not a Debian package) is explained, never installed; it counts as missing for --strict,
# --print and CI. actionlint is only mentioned: its test skips everywhere.
#
# AUTOSTACK_NO_INSTALL=1 keeps the default mode from running apt-get (say, as root on a shared machine
# where npm test should install nothing); it still prints the command and carries on.
set -uo pipefail

# The list, one line per tool (probe|source|under CI|what needs it), is scripts/system-deps.list:
# test/tools.ts reads the same file, so a test skips or fails naming exactly what this script installs.
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
LIST="$here/system-deps.list"
DEPS=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*) continue ;; esac
  DEPS+=("$line")
done <"$LIST"
if [ ${#DEPS[@]} -eq 0 ]; then
  echo "system-deps: $LIST lists no tool (is the checkout complete?)" >&2
  exit 2
fi

mode=install
strict=
for arg in "$@"; do
  case "$arg" in
    --print) mode=print ;;
    --strict) strict=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  others=()
  local line probe src ci what
  for line in "${DEPS[@]}"; do
    IFS='|' read -r probe src ci what <<<"$line"
    present "$probe" && continue
    case "$src" in
      apt:*)
        local pkg=${src#apt:}
        # One package can serve several probes: name it once.
        [[ " ${missing[*]:-} " == *" $pkg "* ]] || missing+=("$pkg")
        why+=("  $pkg ($probe): $what") ;;
      *) others+=("$probe|$src|$ci|$what") ;;
    esac
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

# Tools Debian does not package (terraform, actionlint): probed and explained here, never installed.
# A CI run needs those marked "fail" in the list; those marked "skip" are skipped everywhere, saying so.
required_other=0
for line in "${others[@]:-}"; do
  [ -n "$line" ] || continue
  IFS='|' read -r probe src ci what <<<"$line"
  if [ "$ci" = skip ]; then
    echo "system-deps: $probe is not on PATH, so its check in $what is skipped (under CI too) and counted as skipped. It is not a Debian package: install it from $src"
  else
    required_other=1
    echo "system-deps: $probe is not on PATH, so the tests that need it ($what) will be skipped and counted as skipped (under CI they fail). It is not a Debian package: install it from $src"
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all system packages are present"
  if [ "$required_other" = 1 ] && { [ -n "$strict" ] || [ "$mode" = print ]; }; then
    exit 1
  fi
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
