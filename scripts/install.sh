#!/bin/sh
# Installs plugd from this checkout as a systemd service (docs/operations.md, "Install").
#   sudo scripts/install.sh            # install or upgrade
# Copies the repo to /opt/plugd (read-only to the service), fills Deno's cache from the
# committed lockfile (deno install --frozen), creates the plugd user and group, the master key
# credential /etc/plugd/master.key (once; never overwritten), and the unit.
set -eu

PREFIX=/opt/plugd
UNIT=/etc/systemd/system/plugd.service
KEY=/etc/plugd/master.key
SRC=$(cd "$(dirname "$0")/.." && pwd)
DENO=/usr/bin/deno

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
[ -x "$DENO" ] || { echo "install.sh: $DENO not found; install Deno 2 there first" >&2; exit 1; }
command -v bwrap >/dev/null || echo "install.sh: WARNING: bubblewrap missing (apt-get install bubblewrap); plugins will not start" >&2

getent group plugd >/dev/null || groupadd --system plugd
getent passwd plugd >/dev/null ||
  useradd --system --gid plugd --home-dir /var/lib/plugd --no-create-home --shell /usr/sbin/nologin plugd

# Code: a fresh copy, owned by root, not writable by the service.
tmp=$(mktemp -d /opt/.plugd-new.XXXXXX)
tar -C "$SRC" --exclude=./.git --exclude=./.plugd --exclude=./node_modules --exclude=./.deno -cf - . |
  tar -C "$tmp" -xf -
(cd "$tmp" && DENO_DIR="$tmp/.deno" "$DENO" install --frozen --entrypoint main.ts)
chown -R root:root "$tmp"
chmod -R go-w,o+rX "$tmp"
if [ -d "$PREFIX" ]; then rm -rf "$PREFIX.old" && mv "$PREFIX" "$PREFIX.old"; fi
mv "$tmp" "$PREFIX"

# Master key credential: 32 random bytes, readable by root only (systemd hands it to the
# service as $CREDENTIALS_DIRECTORY/master.key). BACK IT UP: secrets cannot be decrypted
# without it.
install -d -m 0700 /etc/plugd
if [ ! -e "$KEY" ]; then
  (umask 077 && head -c 32 /dev/urandom > "$KEY")
  echo "install.sh: created $KEY; back it up now" >&2
fi
chmod 0600 "$KEY"

install -m 0644 "$SRC/scripts/plugd.service" "$UNIT"
systemctl daemon-reload
systemctl enable plugd.service
systemctl restart plugd.service
echo "install.sh: plugd installed; the admin token is in /var/lib/plugd/admin.token" >&2
echo "install.sh: add operators to group plugd to use /run/plugd/plugd.sock (root-equivalent over plugins)" >&2
