#!/bin/sh
# Removes what scripts/install.sh installed (docs/operations.md, "Uninstall").
#
#   sudo scripts/uninstall.sh               stop plugd; remove the code, unit and command;
#                                           KEEP the state (/var/lib/plugd), the master key and
#                                           settings (/etc/plugd) and the plugd user
#   sudo scripts/uninstall.sh --purge       remove those too (plugins, their data, secrets: gone)
#   sudo scripts/uninstall.sh --root DIR    the same inside DIR (no systemctl)
#
# Idempotent: running it again, or on a host without plugd, changes nothing.
set -eu

ROOT=""
PURGE=no
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2:?"--root needs a folder"}; shift 2 ;;
    --root=*) ROOT=${1#--root=}; shift ;;
    --purge) PURGE=yes; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { echo "uninstall.sh: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "run as root (sudo scripts/uninstall.sh)"; exit 1; }
if [ -n "$ROOT" ]; then ROOT=$(cd "$ROOT" && pwd); fi

if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now --quiet plugd.service 2>/dev/null || true
fi
rm -rf "$ROOT/opt/plugd" "$ROOT/opt/plugd.old" "$ROOT"/opt/.plugd-new.*
rm -f "$ROOT/etc/systemd/system/plugd.service" "$ROOT/usr/local/bin/plugd"
# Not state: links to Deno and its libraries that plugd.service's root step makes at each start.
rm -rf "$ROOT/var/lib/plugd-sandbox-bin"
if [ "$PURGE" = yes ]; then
  rm -rf "$ROOT/var/lib/plugd" "$ROOT/etc/plugd" "$ROOT/etc/systemd/system/plugd.service.d"
  if [ -n "$ROOT" ]; then
    grep -q '^plugd:' "$ROOT/etc/passwd" 2>/dev/null && userdel --prefix "$ROOT" plugd
    grep -q '^plugd:' "$ROOT/etc/group" 2>/dev/null && groupdel --prefix "$ROOT" plugd
  else
    getent passwd plugd >/dev/null && userdel plugd
    getent group plugd >/dev/null && groupdel plugd
  fi
  say "removed plugd, its state, master key, settings and user"
else
  say "removed plugd; kept the state $ROOT/var/lib/plugd, the master key and settings $ROOT/etc/plugd and the user plugd (--purge removes them)"
fi
if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
