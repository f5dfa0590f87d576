#!/usr/bin/env bash
# The stand-in's version of the official postgres image's entrypoint (see the Dockerfile): on an
# empty PGDATA, initdb with POSTGRES_USER/POSTGRES_PASSWORD, create POSTGRES_DB, accept password
# (scram-sha-256) connections from any address; then run the server in the foreground as PID 1.
set -euo pipefail

if [ "${1:-}" = postgres ]; then
  shift
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo "postgres stand-in: POSTGRES_PASSWORD must be set (as the official image requires)" >&2
      exit 1
    fi
    pwfile=$(mktemp)
    trap 'rm -f "$pwfile"' EXIT
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    printf "host all all all scram-sha-256\n" >> "$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != postgres ]; then
      # A private server on the socket only while the database is made (as the official image does).
      pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait --silent start
      createdb --username="$POSTGRES_USER" --host=/var/run/postgresql "$POSTGRES_DB"
      pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
    fi
    echo "postgres stand-in: initialised $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
  fi
  exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
