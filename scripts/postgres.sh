#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the tests and print its URL on stdout.
#
#   export SYNTHTAB_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
#
# As root it installs Debian's postgresql package when missing, then runs a cluster from a
# data folder under /tmp as the postgres user (trust auth, loopback only) and creates the
# database synthtab_test. Running it again reuses a server it started. When it cannot (not
# root, no package), it prints nothing and exits 0: the PostgreSQL tests then skip.
set -uo pipefail

PORT="${SYNTHTAB_PG_PORT:-54329}"
DATA="/tmp/synthtab-postgres-$PORT"
DB=synthtab_test
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"

log() { echo "postgres.sh: $*" >&2; }
server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { runuser -u postgres -- "$@"; }

if [ "$(id -u)" != 0 ]; then
    log "not root, so no server is started; the PostgreSQL tests will skip."
    exit 0
fi
BIN="$(server_bin)"
if [ -z "$BIN" ]; then
    log "installing postgresql from Debian's packages ..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2; then
        log "could not install postgresql; the PostgreSQL tests will skip."
        exit 0
    fi
    BIN="$(server_bin)"
fi

if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    rm -rf "$DATA"
    install -d -o postgres -g postgres -m 700 "$DATA"
    if ! as_postgres "$BIN/initdb" -D "$DATA" -U postgres -A trust >/dev/null 2>&1 \
        || ! as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA" start >/dev/null; then
        log "could not start PostgreSQL (see $DATA/server.log); the PostgreSQL tests will skip."
        exit 0
    fi
fi
as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" 2>/dev/null || true
log "PostgreSQL on 127.0.0.1:$PORT (data in $DATA; stop: runuser -u postgres -- $BIN/pg_ctl -D $DATA stop)"
echo "$URL"
