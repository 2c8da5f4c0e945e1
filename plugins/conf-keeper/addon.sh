#!/usr/bin/env bash
# conf-keeper: a plugd system addon (unprivileged). It installs a service launcher and renders its
# config file under the granted folder $ADDON_CONFIG_ROOT, keeps backups in its private
# $ADDON_DATA, and reports status, health and metrics. See docs/system-addons.md.
set -euo pipefail

root() { printf '%s' "${ADDON_CONFIG_ROOT:-/srv/conf-keeper}"; }
conf() { printf '%s/etc/keeper.conf' "$(root)"; }
launcher() { printf '%s/bin/keeper.sh' "$(root)"; }
backups() { printf '%s/backups' "$ADDON_DATA"; }

addon_metadata() {
  cat <<'JSON'
{
  "name": "conf-keeper",
  "display_name": "Conf Keeper",
  "version": "1.0.0",
  "description": "Keeps a small service's config file and launcher under a granted folder, with backups",
  "category": "example",
  "maintainer": "plugd examples",
  "depends": [],
  "provides": ["keeper-service"],
  "conflicts": []
}
JSON
}

addon_validate() {
  local errors=()
  [[ -d $(root) ]] || errors+=("\"$(root) does not exist: create it and grant it (write)\"")
  [[ -d $(root) && ! -w $(root) ]] && errors+=("\"$(root) is not writable by this addon\"")
  local valid=true
  ((${#errors[@]} == 0)) || valid=false
  printf '{"valid": %s, "errors": [%s], "warnings": []}\n' "$valid" "$(IFS=,; echo "${errors[*]-}")"
}

render() {
  mkdir -p "$(root)/etc"
  # Written next to the file, then moved over it: a reader never sees half a config.
  {
    echo "# written by conf-keeper $ADDON_VERSION; change it with: plugd plugin config $ADDON_ID"
    echo "port=${ADDON_CONFIG_PORT:-8080}"
    echo "greeting=${ADDON_CONFIG_GREETING:-hello}"
    echo "api_key=${ADDON_CONFIG_API_KEY:-}"
  } >"$(conf).new"
  chmod 600 "$(conf).new"
  "$(launcher)" check "$(conf).new"
  if [[ -f $(conf) ]]; then cp -p "$(conf)" "$(conf).previous"; fi
  mv "$(conf).new" "$(conf)"
}

addon_install() {
  plugd_progress 10 "checking $(root)"
  mkdir -p "$(root)/bin" "$(root)/var" "$(backups)"
  plugd_progress 40 "installing the launcher"
  install -m 0755 "$ADDON_PLUGIN/files/keeper.sh" "$(launcher)"
  plugd_progress 70 "rendering the config"
  render
  log_success "installed under $(root): $("$(launcher)" show "$(conf)")"
  plugd_progress 100 "installed"
}

addon_configure() {
  [[ -x $(launcher) ]] || { log_error "not installed; run install first"; return 1; }
  render
  log_success "configured: $("$(launcher)" show "$(conf)")"
}

addon_upgrade() {
  install -m 0755 "$ADDON_PLUGIN/files/keeper.sh" "$(launcher)"
  render
}

addon_uninstall() {
  local keep_data=${1:-true}
  rm -f "$(launcher)" "$(conf)" "$(conf).previous" "$(conf).new"
  rmdir "$(root)/bin" "$(root)/etc" 2>/dev/null || true
  if [[ $keep_data == false ]]; then rm -rf "$(root)/var" "$(backups)"; fi
  log_info "uninstalled (keep_data=$keep_data)"
}

addon_status() {
  if [[ -x $(launcher) && -f $(conf) ]]; then
    local port
    port=$(sed -n 's/^port=//p' "$(conf)")
    printf '{"status": "installed", "health": "%s", "version": "1.0.0", "message": "", ' "$(health_word)"
    printf '"details": {"root": "%s", "port": %s}}\n' "$(root)" "${port:-0}"
  else
    echo '{"status": "not_installed", "health": "unknown", "message": "", "details": {}}'
  fi
}

health_word() {
  if "$(launcher)" check "$(conf)" 2>/dev/null; then echo healthy; else echo unhealthy; fi
}

addon_health() {
  local why
  if why=$("$(launcher)" check "$(conf)" 2>&1); then
    echo '{"health": "healthy", "message": ""}'
  else
    printf '{"health": "unhealthy", "message": "%s"}\n' "${why//\"/\'}"
  fi
}

addon_metrics() {
  local count=0 size=0
  [[ -d $(backups) ]] && count=$(find "$(backups)" -name '*.tgz' | wc -l)
  [[ -f $(conf) ]] && size=$(stat -c %s "$(conf)")
  printf '{"backups": %s, "config_bytes": %s}\n' "$count" "$size"
}

addon_backup() {
  local name=${1:-$(date -u +%Y%m%dT%H%M%SZ)}
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { log_error "bad backup name: $name"; return 2; }
  mkdir -p "$(backups)"
  tar -czf "$(backups)/$name.tgz" -C "$(root)" etc var
  echo "$(backups)/$name.tgz"
}

addon_restore() {
  local name=${1:-}
  if [[ -z $name ]]; then
    name=$(find "$(backups)" -name '*.tgz' -printf '%f\n' 2>/dev/null | sort | tail -n 1)
    name=${name%.tgz}
  fi
  [[ -n $name && -f $(backups)/$name.tgz ]] || { log_error "no backup named ${name:-(any)}"; return 2; }
  tar -xzf "$(backups)/$name.tgz" -C "$(root)"
  echo "restored $name"
}
