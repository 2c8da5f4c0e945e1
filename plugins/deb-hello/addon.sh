#!/usr/bin/env bash
# deb-hello: a privileged plugd system addon. It builds a tiny Debian package from the templates
# in its own folder (dpkg-deb, no network), installs it with dpkg -i, configures it through
# /etc/<package>.conf and removes it with dpkg -r (dpkg -P with keep_data=false).
set -euo pipefail

pkg() { printf '%s' "${ADDON_CONFIG_PACKAGE:-plugd-hello}"; }
hello() { printf '/usr/share/%s/hello.sh' "$(pkg)"; }

addon_metadata() {
  cat <<'JSON'
{
  "name": "deb-hello",
  "display_name": "Debian Hello",
  "version": "1.0.0",
  "description": "Installs and removes a tiny Debian package it builds from its own files, offline",
  "category": "packages",
  "maintainer": "plugd examples",
  "depends": [],
  "provides": [],
  "conflicts": []
}
JSON
}

addon_validate() {
  local errors=()
  for tool in dpkg dpkg-deb dpkg-query; do
    command -v "$tool" >/dev/null || errors+=("\"$tool is missing: this addon needs Debian's dpkg\"")
  done
  [[ $(id -u) == 0 ]] || errors+=("\"dpkg needs root: grant privileged\"")
  local valid=true
  ((${#errors[@]} == 0)) || valid=false
  printf '{"valid": %s, "errors": [%s], "warnings": []}\n' "$valid" "$(IFS=,; echo "${errors[*]-}")"
}

# dpkg refuses to run while another dpkg or apt holds its lock: wait for it, as apt does.
dpkg_locked() {
  local tries=0 out
  until out=$(dpkg "$@" 2>&1); do
    if [[ $out == *"lock"* ]] && ((tries++ < 120)); then sleep 1; continue; fi
    printf '%s\n' "$out" >&2
    return 1
  done
  printf '%s\n' "$out"
}

installed_version() {
  # Not installed: dpkg-query fails, which is an answer here, not an error.
  { dpkg-query -W -f='${Status} ${Version}' "$(pkg)" 2>/dev/null || true; } |
    sed -n 's/^install ok installed //p'
}

addon_install() {
  plugd_progress 10 "building $(pkg)_1.0.0_all.deb"
  local build="$TMPDIR/build" name
  name=$(pkg)
  rm -rf "$build" && mkdir -p "$build/DEBIAN" "$build/usr/share/$name"
  sed "s/@PACKAGE@/$name/g" "$ADDON_PLUGIN/package/control.in" >"$build/DEBIAN/control"
  sed "s/@PACKAGE@/$name/g" "$ADDON_PLUGIN/package/hello.sh.in" >"$build$(hello)"
  chmod 0755 "$build/DEBIAN" "$build$(hello)"
  dpkg-deb --build --root-owner-group "$build" "$TMPDIR/$name.deb" >/dev/null
  plugd_progress 50 "dpkg -i $name.deb"
  dpkg_locked -i "$TMPDIR/$name.deb"
  plugd_progress 80 "configuring"
  addon_configure
  [[ -n $(installed_version) ]] || { log_error "dpkg did not install $name"; return 1; }
  plugd_progress 100 "installed $name $(installed_version)"
}

addon_configure() {
  printf 'greeting=%s\n' "${ADDON_CONFIG_GREETING:-Hello from plugd}" >"/etc/$(pkg).conf"
}

addon_uninstall() {
  local keep_data=${1:-true}
  if [[ -n $(installed_version) ]]; then
    if [[ $keep_data == false ]]; then dpkg_locked -P "$(pkg)"; else dpkg_locked -r "$(pkg)"; fi
  fi
  rm -f "/etc/$(pkg).conf"
}

addon_status() {
  local version
  version=$(installed_version)
  if [[ -n $version ]]; then
    printf '{"status": "installed", "health": "%s", "version": "%s", "message": "", "details": {"package": "%s"}}\n' \
      "$(health_word)" "$version" "$(pkg)"
  else
    printf '{"status": "not_installed", "health": "unknown", "message": "", "details": {"package": "%s"}}\n' "$(pkg)"
  fi
}

health_word() { if [[ -x $(hello) ]] && "$(hello)" >/dev/null; then echo healthy; else echo unhealthy; fi; }

addon_health() {
  if [[ -x $(hello) ]]; then
    printf '{"health": "healthy", "message": "%s"}\n' "$("$(hello)")"
  else
    printf '{"health": "unhealthy", "message": "%s is missing"}\n' "$(hello)"
  fi
}
