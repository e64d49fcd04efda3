#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the tests: `start DIR PORT` (installs the server from
# Debian's packages when missing) and `stop DIR`. Prints nothing but errors; exits non-zero on failure.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
port=${3:-55432}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/postgres" ]; then
      echo "installing PostgreSQL from Debian's packages" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq postgresql >/dev/null
    fi
    bin=$(pg_bin)
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    chmod 700 "$dir"
    as_postgres "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    ;;
  stop)
    bin=$(pg_bin)
    as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
