#!/bin/sh
# Installs plugd from this checkout as a systemd service (docs/operations.md, "Install").
#
#   sudo scripts/install.sh               install or upgrade, then (re)start the service
#   sudo scripts/install.sh --no-start    install or upgrade only
#   sudo scripts/install.sh --root DIR    install into DIR as if it were / (images, tests);
#                                         no packages, no systemctl
#
# What it does, in order (each step is idempotent; run it again to upgrade):
#   1. installs bubblewrap (the plugin sandbox) with apt-get when it is missing;
#   2. creates the system user and group "plugd";
#   3. copies the committed files of this checkout (git archive: never untracked files such as
#      a stray private key) and the running Deno binary to /opt/plugd, owned by root and
#      read-only to the service, fills its Deno cache from the committed lockfile and builds
#      the daemon's bundle (dist/plugd.js); the previous install is kept as /opt/plugd.old;
#   4. creates /etc/plugd/master.key (32 random bytes, 0600) and /etc/plugd/plugd.yaml once;
#      both are never overwritten;
#   5. installs the unit /etc/systemd/system/plugd.service and the command /usr/local/bin/plugd;
#   6. enables and (re)starts plugd.service; "systemctl restart" returns once plugd is ready.
# Remove with scripts/uninstall.sh (keeps the state unless --purge).
set -eu
umask 022

ROOT=""
START=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2:?"--root needs a folder"}; START=no; shift 2 ;;
    --root=*) ROOT=${1#--root=}; START=no; shift ;;
    --no-start) START=no; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "install.sh: $*" >&2; }
die() { say "$*"; exit 1; }

SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX="$ROOT/opt/plugd"
ETC="$ROOT/etc/plugd"
UNIT="$ROOT/etc/systemd/system/plugd.service"
BIN="$ROOT/usr/local/bin/plugd"

[ "$(id -u)" = 0 ] || die "run as root (sudo scripts/install.sh)"
if [ -n "$ROOT" ]; then
  [ -d "$ROOT" ] || die "--root $ROOT is not a folder"
  ROOT=$(cd "$ROOT" && pwd)
  PREFIX="$ROOT/opt/plugd" ETC="$ROOT/etc/plugd" BIN="$ROOT/usr/local/bin/plugd"
  UNIT="$ROOT/etc/systemd/system/plugd.service"
fi

# Deno: the binary running this install becomes the service's, next to the cache it fills.
DENO_FOUND=${DENO:-$(command -v deno || true)}
[ -n "$DENO_FOUND" ] || die "Deno not found; install Deno $(cat "$SRC/.deno-version") first (npm install -g deno@$(cat "$SRC/.deno-version"))"
DENO_REAL=$(readlink -f "$DENO_FOUND")
WANT=$(cat "$SRC/.deno-version")
HAVE=$("$DENO_REAL" --version | sed -n 's/^deno \([0-9.]*\).*/\1/p')
[ "$HAVE" = "$WANT" ] || say "WARNING: Deno $HAVE at $DENO_REAL; plugd is tested with $WANT (.deno-version)"

# 1. The sandbox.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ -z "$ROOT" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing bubblewrap, the sandbox every plugin runs in: apt-get install -y bubblewrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null ||
      die "apt-get install bubblewrap failed; install it, then run install.sh again"
  else
    say "WARNING: bubblewrap is missing; plugins will not start until it is installed (apt-get install bubblewrap)"
  fi
fi

# 2. The service user. With --root the account goes into DIR/etc (useradd --prefix).
if [ -n "$ROOT" ]; then
  mkdir -p "$ROOT/etc"
  for f in passwd group shadow gshadow; do [ -e "$ROOT/etc/$f" ] || : >"$ROOT/etc/$f"; done
  grep -q '^plugd:' "$ROOT/etc/group" || groupadd --prefix "$ROOT" --system plugd
  grep -q '^plugd:' "$ROOT/etc/passwd" ||
    useradd --prefix "$ROOT" --system --gid plugd --home-dir /var/lib/plugd --no-create-home \
      --shell /usr/sbin/nologin plugd
else
  getent group plugd >/dev/null || groupadd --system plugd
  getent passwd plugd >/dev/null ||
    useradd --system --gid plugd --home-dir /var/lib/plugd --no-create-home \
      --shell /usr/sbin/nologin plugd
fi

# 3. Code: the committed tree (plus uncommitted edits of tracked files, via "git stash create"),
# never untracked files. safe.directory: root installing a checkout owned by another user.
git="git -c safe.directory=$SRC -C $SRC"
$git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
  die "$SRC is not a git checkout; install from a clone so that only committed files are installed"
REV=$($git stash create 2>/dev/null || true)
REV=${REV:-HEAD}
mkdir -p "$(dirname "$PREFIX")"
tmp=$(mktemp -d "$(dirname "$PREFIX")/.plugd-new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
$git archive --format=tar "$REV" | tar -C "$tmp" -xf -
mkdir -p "$tmp/bin"
cp "$DENO_REAL" "$tmp/bin/deno"
(cd "$tmp" && DENO_DIR="$tmp/.deno" DENO_NO_UPDATE_CHECK=1 "$tmp/bin/deno" install --frozen \
  --entrypoint main.ts scripts/build_daemon.ts >"$tmp/.install.log" 2>&1) ||
  { cat "$tmp/.install.log" >&2; die "deno install --frozen failed (above)"; }
# The daemon and the command run one bundle of plugd's modules (dist/plugd.js, deno task build):
# less memory and a faster start than hundreds of TypeScript modules. npm packages stay in the
# cache filled above; the bundle finds sdk/ and the rest relative to itself.
(cd "$tmp" && DENO_DIR="$tmp/.deno" DENO_NO_UPDATE_CHECK=1 "$tmp/bin/deno" run --quiet \
  --cached-only --frozen --no-prompt --allow-all scripts/build_daemon.ts >"$tmp/.install.log" 2>&1) ||
  { cat "$tmp/.install.log" >&2; die "building dist/plugd.js failed (above)"; }
rm -f "$tmp/.install.log"
chown -R root:root "$tmp"
chmod -R go-w "$tmp"
chmod 0755 "$tmp"
if [ -d "$PREFIX" ]; then rm -rf "$PREFIX.old" && mv "$PREFIX" "$PREFIX.old"; fi
mv "$tmp" "$PREFIX"
trap - EXIT
# Warm the transpile cache at the final paths, so every plugd command starts without compiling
# (the service user cannot write the cache). Not for --root: the paths differ at run time.
if [ -z "$ROOT" ]; then
  DENO_DIR="$PREFIX/.deno" DENO_NO_UPDATE_CHECK=1 "$PREFIX/bin/deno" run --quiet --cached-only \
    --frozen --no-prompt --allow-all --unstable-net "$PREFIX/dist/plugd.js" version >/dev/null ||
    say "WARNING: the installed plugd did not run (see above)"
  chmod -R go-w "$PREFIX/.deno"
fi
say "installed $($git rev-parse --short HEAD)$([ "$REV" = HEAD ] || echo ' with uncommitted changes') to $PREFIX"

# 4. Master key credential (systemd hands it to the service as $CREDENTIALS_DIRECTORY/master.key)
# and the settings file. BACK THE KEY UP: stored secrets cannot be decrypted without it.
install -d -m 0755 "$ETC"
if [ ! -e "$ETC/master.key" ]; then
  (umask 077 && head -c 32 /dev/urandom >"$ETC/master.key")
  say "created $ETC/master.key; back it up now (without it, stored plugin secrets are lost)"
fi
chown root:root "$ETC/master.key"
chmod 0600 "$ETC/master.key"
if [ ! -e "$ETC/plugd.yaml" ]; then
  cat >"$ETC/plugd.yaml" <<'EOF'
# plugd settings (docs/configuration.md). After a change: systemctl reload plugd
# (the log says which settings need a restart instead).
# The state dir (/var/lib/plugd), the socket (/run/plugd/plugd.sock) and the master key come
# from the systemd unit.
http: 127.0.0.1:7420
# registries: [https://plugins.example.com/index.json]
# webhooks:
#   allow_private: false
# idle_stop_ms: 0
EOF
  chmod 0644 "$ETC/plugd.yaml"
fi

# 5. Unit and command.
install -d -m 0755 "$(dirname "$UNIT")" "$(dirname "$BIN")"
install -m 0644 "$SRC/scripts/plugd.service" "$UNIT"
cat >"$BIN.new" <<'EOF'
#!/bin/sh
# The plugd command (installed by plugd's scripts/install.sh; docs/cli.md). It talks to the
# daemon on /run/plugd/plugd.sock unless --socket/--url, PLUGD_SOCKET/PLUGD_URL or
# /etc/plugd/plugd.yaml say otherwise.
: "${PLUGD_CONFIG=/etc/plugd/plugd.yaml}"
export PLUGD_CONFIG
# The bundle install.sh built (dist/plugd.js); main.ts should it be missing.
entry=/opt/plugd/dist/plugd.js
[ -e "$entry" ] || entry=/opt/plugd/main.ts
DENO_DIR=/opt/plugd/.deno DENO_NO_UPDATE_CHECK=1 exec /opt/plugd/bin/deno run --quiet \
  --cached-only --frozen --no-prompt --allow-all --unstable-net "$entry" "$@"
EOF
chmod 0755 "$BIN.new"
mv "$BIN.new" "$BIN"

# 6. Start.
if [ "$START" = yes ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --quiet plugd.service
  systemctl restart plugd.service
  say "plugd is running: plugd status; logs: journalctl -u plugd -f"
elif [ -z "$ROOT" ]; then
  say "not started ($([ "$START" = yes ] && echo 'systemd is not running here' || echo '--no-start')); start it with: systemctl daemon-reload && systemctl enable --now plugd"
fi
[ -n "$ROOT" ] || say "the first admin token is /var/lib/plugd/admin.token (root only); members of group plugd use the socket (root-equivalent over plugins: add only administrators)"
