# plugd's system-addon runner: the in-sandbox half of the addon contract. plugd mounts it
# read-only and starts it with bash as
#   bash addon.sh <operation> <entry> [arguments...]   run addon_<operation> "$@"
#   bash addon.sh --contract <entry>                   list the addon_* functions, then metadata
# It loads the addon's script (which should only define functions), checks that the function
# exists, and calls it. Its exit status is the function's. Not meant to be run by hand.

plugd_op=$1
plugd_entry=$2
shift 2

# Helpers seed-001 scripts use: human lines on stderr, progress reported to plugd.
log_info() { printf '%s\n' "$*" >&2; }
log_step() { printf '==> %s\n' "$*" >&2; }
log_success() { printf 'ok: %s\n' "$*" >&2; }
log_warn() { printf 'warning: %s\n' "$*" >&2; }
log_error() { printf 'error: %s\n' "$*" >&2; }
# plugd_progress PERCENT MESSAGE: shown as progress by "plugd plugin op --wait" and the console.
plugd_progress() { printf '::plugd-progress::%s::%s\n' "$1" "${*:2}" >&2; }

# The configuration as a private JSON file (the same JSON is on stdin); ADDON_CONFIG_<KEY>
# variables are set by plugd already.
if [[ -n ${PLUGD_ADDON_CONFIG+set} ]]; then
  ADDON_CONFIG_FILE=${TMPDIR:-/tmp}/plugd-addon-config.json
  (umask 077 && printf '%s\n' "$PLUGD_ADDON_CONFIG" >"$ADDON_CONFIG_FILE")
  unset PLUGD_ADDON_CONFIG
  export ADDON_CONFIG_FILE
fi

# Loaded with no arguments, so a dispatcher at its end (case "$1" in ...) does nothing; its
# status is ignored (a last line like [[ ${BASH_SOURCE[0]} == "$0" ]] && main is false here).
plugd_args=("$@")
set --
# shellcheck disable=SC1090
source "$plugd_entry" || true
set -- "${plugd_args[@]}"

if [[ $plugd_op == --contract ]]; then
  compgen -A function addon_
  printf '%s\n' '::plugd-metadata::'
  addon_metadata
  exit $?
fi

plugd_fn=addon_$plugd_op
# Seed 001 calls the health function addon_health_check; both names work.
if [[ $plugd_op == health ]] && ! declare -F addon_health >/dev/null &&
  declare -F addon_health_check >/dev/null; then
  plugd_fn=addon_health_check
fi
if ! declare -F "$plugd_fn" >/dev/null; then
  printf 'plugd: the addon does not define %s\n' "$plugd_fn" >&2
  exit 127
fi
"$plugd_fn" "$@"
