#!/usr/bin/env bash
# The compose stack for real on this machine (issue 9 point 9; `make stack-test`):
#   1. ../shared/tools/container-sandbox prepares Podman, podman-compose and the debian:bookworm-slim base;
#   2. builds kabu-trade:local from the unchanged Dockerfile, and the STAND-INS for Redis and
#      PostgreSQL: no image registry is reachable here, so redis:7-bookworm and postgres:15-bookworm
#      are replaced by deploy/standins/{redis,postgres}/Dockerfile (Debian 12's redis-server and
#      postgresql-15 on the same base), named through KABU_REDIS_IMAGE / KABU_POSTGRES_IMAGE —
#      compose.yaml itself is unchanged and names the official images by default;
#   3. lays out a host folder like /opt/kabu-trade (compose.yaml, deploy.sh, a generated .env) and
#      deploys with deploy/host/deploy.sh: stand-ins up, `compose run --rm migrate`, `up -d`, ready;
#   4. waits for the worker's first demo load, creates an admin inside the api container
#      (`kabu-trade users create … --admin --password-stdin`), signs in, evaluates a stock and
#      screens through the published port; checks api and worker run as non-root (uid 10001);
#   5. measures the api's cold start (container start → 200 from /api/v1/health/live, migrated
#      database) and the image size;
#   6. deploys an image whose `serve` fails on purpose: deploy.sh must exit 1 and roll back to
#      kabu-trade:local, ready again;
#   7. the single-container embedded mode (`run -e KABU_SECRET_KEY=…`, SQLite in /data): health,
#      the web app at /, the demo loaded in the background; a refusal to start without the
#      secret; a database that never answers: retries, then exit 1 naming the host only;
# then tears everything down, volumes included, whatever happened (trap).
#
# Settings: STACK_PORT (18000; the embedded container uses STACK_PORT+1), STACK_PROJECT
# (kabu-stack-test), CONTAINER (podman), STACK_DEMO_SYMBOLS (40: the demo universe's size),
# CONTAINER_SANDBOX (path of the sandbox script; empty to skip it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${STACK_PORT:-18000}
embedded_port=$((port + 1))
project=${STACK_PROJECT:-kabu-stack-test}
engine=${CONTAINER:-podman}
image=kabu-trade:local
broken=localhost/kabu-trade:stack-test-broken
redis_image=localhost/kabu-standin-redis:7-bookworm
postgres_image=localhost/kabu-standin-postgres:15-bookworm
embedded=${project}-embedded
# The workplace's sandbox script sits in ../shared beside the checkout; a clone elsewhere (CI's)
# finds it at the workplace's own path.
if [ -z "${CONTAINER_SANDBOX+set}" ]; then
  CONTAINER_SANDBOX=
  for candidate in "$root/../shared/tools/container-sandbox" /work/shared/tools/container-sandbox; do
    if [ -x "$candidate" ]; then CONTAINER_SANDBOX=$candidate; break; fi
  done
fi
sandbox=$CONTAINER_SANDBOX
work=$(mktemp -d "${TMPDIR:-/tmp}/kabu-stack-test.XXXX")
started=$SECONDS

step() { printf '\n== stack-test: %s (%d s)\n' "$*" "$((SECONDS - started))"; }
fail() { printf '\nstack-test: FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
dc() {
  (cd "$work" && podman-compose -p "$project" -f compose.yaml --profile local "$@")
}

teardown() {
  local status=$?
  step "tearing down (exit $status)"
  if [ "$status" -ne 0 ] && [ -f "$work/compose.yaml" ]; then
    dc logs --tail 30 api worker migrate >&2 2>/dev/null || true
  fi
  if [ -f "$work/compose.yaml" ]; then dc down -v >/dev/null 2>&1 || true; fi
  "$engine" rm -f "$embedded" >/dev/null 2>&1 || true
  "$engine" volume rm -f "${project}_postgres-data" "${project}_kabu-data" "${embedded}-data" >/dev/null 2>&1 || true
  "$engine" rmi -f "$broken" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap teardown EXIT

[ -f "$root/frontend/dist/index.html" ] || fail "no frontend/dist: run 'make web' first (make stack-test does)"
if [ -n "$sandbox" ]; then
  step "container sandbox"
  "$sandbox"
elif ! command -v "$engine" >/dev/null; then
  fail "no $engine and no container-sandbox script (../shared/tools/container-sandbox): set CONTAINER_SANDBOX"
fi

step "building $image from the Dockerfile"
format=()
[ "$(basename "$engine")" = podman ] && format=(--format docker) # OCI images drop HEALTHCHECK
"$engine" build -q "${format[@]}" -t "$image" "$root" >/dev/null
step "building the stand-ins for redis:7-bookworm and postgres:15-bookworm (no registry here)"
"$engine" build -q -t "$redis_image" "$root/deploy/standins/redis" >/dev/null
"$engine" build -q -t "$postgres_image" "$root/deploy/standins/postgres" >/dev/null

step "host folder like /opt/kabu-trade in $work"
cp "$root/compose.yaml" "$root/deploy/host/deploy.sh" "$work/"
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
db_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
user_password="Stack-test-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
cat >"$work/.env" <<EOF
KABU_SECRET_KEY=$secret
KABU_DATABASE_URL=postgresql+psycopg://kabu:$db_password@postgres:5432/kabu
POSTGRES_PASSWORD=$db_password
KABU_IMAGE=$image
KABU_HTTP_PORT=$port
KABU_REDIS_IMAGE=$redis_image
KABU_POSTGRES_IMAGE=$postgres_image
KABU_DEMO_SYMBOLS=${STACK_DEMO_SYMBOLS:-40}
KABU_LOG_LEVEL=WARNING
EOF
chmod 600 "$work/.env"
base="http://127.0.0.1:$port"
deploy_env=(KABU_COMPOSE=podman-compose KABU_COMPOSE_FILES=compose.yaml KABU_COMPOSE_PROFILES=local
  KABU_COMPOSE_PROJECT="$project" KABU_DEPLOY_PULL=0)

step "deploy.sh $image (stand-ins, migrate, up -d, ready)"
env "${deploy_env[@]}" "$work/deploy.sh" "$image"

container_of() {
  "$engine" ps --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1
}
api=$(container_of api)
worker=$(container_of worker)
if [ -z "$api" ] || [ -z "$worker" ]; then fail "api or worker container not running"; fi

step "non-root: api and worker"
for container in "$api" "$worker"; do
  uid=$("$engine" exec "$container" id -u)
  [ "$uid" != 0 ] || fail "$container runs as root"
  echo "$container runs as uid $uid"
done

if [ "$(basename "$engine")" = podman ]; then
  # The image's own HEALTHCHECK command, run once by hand (podman schedules it with systemd timers,
  # which this sandbox lacks; Docker runs it by itself).
  "$engine" healthcheck run "$api" || fail "the image's HEALTHCHECK fails in $api"
  echo "the image's HEALTHCHECK passes in $api"
fi

step "waiting for the worker's first demo load"
deadline=$((SECONDS + 300))
until health=$(curl -sf "$base/api/v1/health") &&
  [ "$(json 'd["data"]["latest_bar_date"] is not None and not d["jobs"]["active"]' <<<"$health")" = True ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the demo was not loaded within 300 s: $health"
  sleep 3
done
json '(d["status"], d["database"]["backend"], d["cache"]["backend"] if "backend" in d["cache"] else d["cache"], d["data"]["latest_bar_date"])' <<<"$health"
[ "$(json 'd["database"]["backend"]' <<<"$health")" = postgresql ] || fail "the api is not on PostgreSQL"

step "admin account inside the api container, sign-in through port $port"
printf '%s\n' "$user_password" | "$engine" exec -i "$api" kabu-trade users create stacktest --admin --password-stdin
token=$(curl -sf -X POST "$base/api/v1/auth/token" --data-urlencode username=stacktest \
  --data-urlencode "password=$user_password" | json 'd["access_token"]')
auth=(-H "Authorization: Bearer $token" -H 'content-type: application/json')

step "evaluate a stock, screen the universe"
policy=$(curl -sf -X POST "${auth[@]}" "$base/api/v1/policies/from-preset/value" | json 'd["id"]')
code=$(curl -sf "${auth[@]}" "$base/api/v1/stocks?limit=1" | json 'd["items"][0]["code"]')
evaluation=$(curl -sf -X POST "${auth[@]}" "$base/api/v1/evaluations" \
  -d "{\"stock_code\": \"$code\", \"policy_id\": $policy}")
json '(d["stock_code"], d["recommendation"], d["buy_score"], d["sell_score"])' <<<"$evaluation"
screen=$(curl -sf -X POST "${auth[@]}" "$base/api/v1/screener" -d "{\"policy_id\": $policy, \"limit\": 5}")
universe=$(json 'd["universe"]' <<<"$screen")
[ "$universe" -gt 0 ] || fail "the screener saw an empty universe: $screen"
echo "screened $universe stocks, $(json 'd["total"]' <<<"$screen") pass the policy"

step "cold start of the api (container start → live health, migrated database)"
"$engine" stop -t 20 "$api" >/dev/null
t0=$(now)
"$engine" start "$api" >/dev/null
until curl -sf -o /dev/null "$base/api/v1/health/live"; do sleep 0.1; done
cold_start=$(elapsed "$t0" "$(now)")
curl -sf -o /dev/null "$base/api/v1/health" || fail "readiness after the restart"
echo "cold start: ${cold_start} s"

step "a deploy that fails: deploy.sh must roll back to $image"
# The same image, except that `kabu-trade serve` exits at once (migrations still work): the new
# containers start, never become ready, and deploy.sh must put $image back.
cat >"$work/Dockerfile.broken" <<EOF
FROM $image
USER root
RUN mv /opt/venv/bin/kabu-trade /opt/venv/bin/kabu-trade-real \\
 && printf '#!/bin/sh\\n[ "\$1" = serve ] && { echo "broken on purpose" >&2; exit 3; }\\nexec kabu-trade-real "\$@"\\n' \\
      > /opt/venv/bin/kabu-trade && chmod 755 /opt/venv/bin/kabu-trade
USER kabu
EOF
"$engine" build -q "${format[@]}" -f "$work/Dockerfile.broken" -t "$broken" "$work" >/dev/null
set +e
env "${deploy_env[@]}" KABU_DEPLOY_WAIT_SECONDS=25 "$work/deploy.sh" "$broken" 2>"$work/deploy.err"
rollback_status=$?
set -e
tail -n 3 "$work/deploy.err"
[ "$rollback_status" = 1 ] || fail "deploy.sh of a broken image exited $rollback_status, not 1 (rolled back)"
grep -q "rolled back to $image, which is ready" "$work/deploy.err" || fail "deploy.sh did not say it rolled back"
grep -qx "KABU_IMAGE=$image" "$work/.env" || fail ".env does not name $image again"
curl -sf -o /dev/null "$base/api/v1/health" || fail "not ready after the rollback"
[ "$("$engine" inspect "$(container_of api)" --format '{{.Image}}')" = "$("$engine" image inspect "$image" --format '{{.Id}}')" ] ||
  fail "the api does not run $image after the rollback"
echo "rolled back: the api runs $image again and is ready"

step "the stack down, volumes included"
dc down -v >/dev/null 2>&1
"$engine" volume rm -f "${project}_postgres-data" "${project}_kabu-data" >/dev/null 2>&1 || true

step "embedded mode: run -e KABU_SECRET_KEY=… (SQLite in /data, demo in the background)"
if "$engine" run --rm "$image" kabu-trade db current >"$work/nosecret.out" 2>&1; then
  fail "the image started without KABU_SECRET_KEY"
fi
grep -q "KABU_SECRET_KEY must be set" "$work/nosecret.out" || fail "no clear refusal: $(cat "$work/nosecret.out")"
echo "without KABU_SECRET_KEY: refused: $(grep -v 'level=' "$work/nosecret.out" | tr -s ' \n' ' ' | head -c 160)"
# A database that never answers: bounded retries, then exit 1 naming the host, not the password.
set +e
"$engine" run --rm -e "KABU_SECRET_KEY=$secret" -e KABU_DB_CONNECT_TIMEOUT_SECONDS=3 \
  -e KABU_DATABASE_URL=postgresql+psycopg://kabu:not-this-pw@127.0.0.1:1/kabu "$image" kabu-trade db upgrade \
  >"$work/nodb.out" 2>&1
nodb_status=$?
set -e
nodb=$(grep -v 'level=' "$work/nodb.out" | tr -s ' \n' ' ')
[ "$nodb_status" = 1 ] || fail "db upgrade without a database exited $nodb_status: $nodb"
grep -q "The database at 127.0.0.1:1/kabu did not answer" <<<"$nodb" || fail "no clear message: $nodb"
if grep -q not-this-pw <<<"$nodb"; then fail "the password was printed: $nodb"; fi
echo "unreachable database: exit 1: $(grep -o 'The database at [^ ]* did not answer after [0-9]* attempt(s) in [0-9]* s' <<<"$nodb")"
t0=$(now)
"$engine" run -d --name "$embedded" -v "${embedded}-data:/data" -e "KABU_SECRET_KEY=$secret" \
  -e KABU_DEMO_SYMBOLS="${STACK_DEMO_SYMBOLS:-40}" -p "127.0.0.1:$embedded_port:8000" "$image" >/dev/null
deadline=$((SECONDS + 60))
until curl -sf -o /dev/null "http://127.0.0.1:$embedded_port/api/v1/health/live"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the embedded container did not answer within 60 s"
  sleep 0.1
done
embedded_cold=$(elapsed "$t0" "$(now)")
embedded_health=$(curl -sf "http://127.0.0.1:$embedded_port/api/v1/health")
json '(d["status"], d["database"]["backend"])' <<<"$embedded_health"
[ "$(json 'd["database"]["backend"]' <<<"$embedded_health")" = sqlite ] || fail "embedded is not on SQLite"
curl -sf "http://127.0.0.1:$embedded_port/" | grep -qi '<div id="root"' || fail "the web app is not served at /"
[ "$("$engine" exec "$embedded" id -u)" = 10001 ] || fail "the embedded container is not uid 10001"
deadline=$((SECONDS + 120))
until [ "$(curl -sf "http://127.0.0.1:$embedded_port/api/v1/health" | json 'd["data"]["latest_bar_date"] is not None')" = True ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the embedded demo load did not finish within 120 s"
  sleep 2
done
echo "embedded: the demo universe loaded in the background ($((SECONDS - started)) s into the test)"

size=$("$engine" image inspect "$image" --format '{{.Size}}')
printf '\n== stack-test: PASSED in %d s\n' "$((SECONDS - started))"
printf '   image %s: %s MB (%s bytes; %s image inspect %s --format {{.Size}})\n' \
  "$image" "$((size / 1000000))" "$size" "$engine" "$image"
printf '   cold start, api on a migrated PostgreSQL: %s s (container start -> 200 from /api/v1/health/live)\n' "$cold_start"
printf '   cold start, embedded on an empty volume: %s s (run -> live; migrates SQLite first)\n' "$embedded_cold"
