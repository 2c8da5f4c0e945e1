#!/usr/bin/env bash
# __NAME__: a plugd system addon. plugd loads this file and calls one addon_* function per
# operation, inside its sandbox; keep the top level to function definitions.
# $ADDON_DATA is this addon's private folder; config arrives as $ADDON_CONFIG_<KEY>, as JSON in
# $ADDON_CONFIG_FILE and on stdin. See docs/system-addons.md.
set -euo pipefail

conf() { printf '%s/__ID__.conf' "$ADDON_DATA"; }

addon_metadata() {
  cat <<'JSON'
{
  "name": "__ID__",
  "display_name": "__NAME__",
  "version": "0.1.0",
  "description": "__NAME__ system addon for plugd",
  "category": "example",
  "depends": [],
  "provides": [],
  "conflicts": []
}
JSON
}

addon_validate() {
  local valid=true errors=()
  if ! [[ ${ADDON_CONFIG_PORT:-8080} =~ ^[0-9]+$ ]]; then
    valid=false
    errors+=("\"port must be a number\"")
  fi
  printf '{"valid": %s, "errors": [%s], "warnings": []}\n' "$valid" "$(IFS=,; echo "${errors[*]-}")"
}

addon_install() {
  plugd_progress 50 "writing $(basename "$(conf)")"
  addon_configure
  plugd_progress 100 "installed"
}

addon_uninstall() {
  local keep_data=${1:-true}
  rm -f "$(conf)"
  [[ $keep_data == false ]] && rm -rf "${ADDON_DATA:?}"/* || true
}

addon_configure() {
  printf 'port=%s\n' "${ADDON_CONFIG_PORT:-8080}" >"$(conf).new"
  mv "$(conf).new" "$(conf)"
}

addon_status() {
  if [[ -f $(conf) ]]; then
    printf '{"status": "installed", "health": "healthy", "version": "0.1.0", "message": "", '
    printf '"details": {"port": %s}}\n' "$(sed -n 's/^port=//p' "$(conf)")"
  else
    echo '{"status": "not_installed", "health": "unknown", "message": "", "details": {}}'
  fi
}

addon_health() {
  if [[ -s $(conf) ]]; then echo '{"health": "healthy"}'; else echo '{"health": "unhealthy"}'; fi
}
