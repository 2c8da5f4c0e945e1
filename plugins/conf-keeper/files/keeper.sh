#!/usr/bin/env bash
# keeper.sh: the small service conf-keeper manages. "check CONF" validates a config file;
# "show CONF" prints what the service would serve.
set -euo pipefail
cmd=${1:-}
conf=${2:-}
[[ -f $conf ]] || { echo "keeper: no config at $conf" >&2; exit 2; }
port=$(sed -n 's/^port=//p' "$conf")
greeting=$(sed -n 's/^greeting=//p' "$conf")
case $cmd in
  check)
    [[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || {
      echo "keeper: port \"$port\" is not a port" >&2
      exit 1
    }
    [[ -n $greeting ]] || { echo "keeper: greeting is empty" >&2; exit 1; }
    ;;
  show) echo "$greeting on port $port" ;;
  *) echo "usage: keeper.sh check|show CONF" >&2; exit 64 ;;
esac
