#!/usr/bin/env bash
# Deploy one image of kabu-trade on a compose host, or stay on (or go back to) the previous one.
#
#   /opt/kabu-trade/deploy.sh <image-uri>      # e.g. 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/kabu-trade:<sha>
#
# Run by the deploy workflow through SSM Run Command (infra's user data installs this file with
# compose.yaml, compose.aws.yaml and .env under /opt/kabu-trade). Steps:
#   1. pull the image (when refused and the URI is ECR's, log in with the aws CLI and pull again);
#   2. `compose run --rm migrate` with it (a one-shot `kabu-trade db upgrade`): a failure here
#      leaves the running stack untouched;
#   3. record it as KABU_IMAGE in .env (so a reboot or a later `compose up` keeps it), `up -d`;
#   4. wait for readiness, GET /api/v1/health answering 200, at most KABU_DEPLOY_WAIT_SECONDS;
#   5. on failure: put the previous KABU_IMAGE back, first migrating the schema down to what the
#      previous image knows (with the new image, which has the down-migration; the old code refuses a
#      newer schema), `up -d`, wait for health again, and exit non-zero saying what happened.
# Exit codes: 0 deployed; 1 failed, still (or again) on the previous image; 2 failed and the
# rollback did not become healthy either (look at the logs it printed); 64 usage.
#
# Settings (environment): KABU_DEPLOY_DIR (default: this script's folder), KABU_COMPOSE (default:
# `docker compose`, else docker-compose, else podman-compose), KABU_COMPOSE_FILES (default
# compose.yaml plus compose.aws.yaml when present), KABU_COMPOSE_PROFILES (e.g. local),
# KABU_COMPOSE_PROJECT (default kabu-trade), KABU_DEPLOY_PULL (1; 0 for an image built on this
# host), KABU_DEPLOY_WAIT_SECONDS (120), KABU_HTTP_PORT (from .env, default 8000).
set -euo pipefail

log() { printf 'deploy: %s\n' "$*" >&2; }
die() { log "FAILED: $1"; exit "${2:-1}"; }

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <image-uri>" >&2
  exit 64
fi
image=$1
dir=${KABU_DEPLOY_DIR:-$(cd "$(dirname "$0")" && pwd)}
cd "$dir"
[ -f compose.yaml ] || die "no compose.yaml in $dir"
[ -f .env ] || die "no .env in $dir (user data writes it from SSM Parameter Store)"

# The container engine and its compose.
if [ -n "${KABU_COMPOSE:-}" ]; then
  read -r -a compose <<<"$KABU_COMPOSE"
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
elif command -v podman-compose >/dev/null; then
  compose=(podman-compose)
else
  die "neither docker compose, docker-compose nor podman-compose is installed"
fi
engine=docker
[ "${compose[0]}" = podman-compose ] && engine=podman
command -v "$engine" >/dev/null || engine=podman

files=()
for file in ${KABU_COMPOSE_FILES:-compose.yaml $([ -f compose.aws.yaml ] && echo compose.aws.yaml)}; do
  files+=(-f "$file")
done
profiles=()
profile_list=${KABU_COMPOSE_PROFILES:-}
for profile in ${profile_list//,/ }; do profiles+=(--profile "$profile"); done
project=${KABU_COMPOSE_PROJECT:-kabu-trade}
dc() { "${compose[@]}" -p "$project" "${files[@]}" "${profiles[@]}" "$@"; }

env_value() { sed -n "s/^$1=//p" .env | tail -n 1; }
set_image() {
  # KABU_IMAGE in .env: the one place the host's current image is written down.
  local tmp
  tmp=$(mktemp "$dir/.env.XXXX")
  { grep -v '^KABU_IMAGE=' .env || true; printf 'KABU_IMAGE=%s\n' "$1"; } >"$tmp"
  chmod --reference=.env "$tmp" 2>/dev/null || chmod 600 "$tmp"
  mv "$tmp" .env
}
port=$(env_value KABU_HTTP_PORT)
port=${KABU_HTTP_PORT:-${port:-8000}}
ready_url="http://127.0.0.1:$port/api/v1/health"

wait_ready() {
  local deadline=$((SECONDS + ${KABU_DEPLOY_WAIT_SECONDS:-120})) code
  while [ "$SECONDS" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ready_url" || true)
    [ "$code" = 200 ] && return 0
    sleep 2
  done
  log "$ready_url did not answer 200 within ${KABU_DEPLOY_WAIT_SECONDS:-120} s (last: ${code:-none})"
  return 1
}

# The schema revision an image's code expects (read from the image, no database needed).
head_of() {
  "$engine" run --rm --entrypoint python3 "$1" -c \
    'from kabu_trade.core.migrate import head_revision; print(head_revision())' 2>/dev/null
}

previous=$(env_value KABU_IMAGE)
export KABU_IMAGE=$image
log "deploying $image (previous: ${previous:-none}) with ${compose[*]} in $dir"

if [ "${KABU_DEPLOY_PULL:-1}" = 1 ]; then
  # The host's credential helper (infra installs amazon-ecr-credential-helper) usually signs the
  # pull; only when the pull is refused is a login to ECR tried, with the instance role.
  if ! "$engine" pull -q "$image" >/dev/null; then
    registry=${image%%/*}
    if [[ $registry == *.dkr.ecr.*.amazonaws.com ]] && command -v aws >/dev/null; then
      log "pull refused: logging in to $registry"
      aws ecr get-login-password --region "$(cut -d. -f4 <<<"$registry")" |
        "$engine" login --username AWS --password-stdin "$registry" >/dev/null ||
        die "could not log in to $registry; still on ${previous:-nothing}"
      "$engine" pull -q "$image" >/dev/null || die "could not pull $image; still on ${previous:-nothing}"
    else
      die "could not pull $image; still on ${previous:-nothing}"
    fi
  fi
fi
"$engine" image inspect "$image" >/dev/null 2>&1 || die "image $image is not on this host; still on ${previous:-nothing}"

previous_head=""
if [ -n "$previous" ] && [ "$previous" != "$image" ]; then
  previous_head=$(head_of "$previous" || true)
fi

# The services the migration needs first: Redis, and the local profile's PostgreSQL (RDS otherwise).
backing=(redis)
[[ ",$profile_list," == *,local,* ]] && backing+=(postgres)
dc up -d "${backing[@]}" || die "could not start ${backing[*]}; still on ${previous:-nothing}"

log "migrating the database (kabu-trade db upgrade)"
dc run --rm migrate || die "the migration failed with $image; the running stack was not touched (still on ${previous:-nothing})"

set_image "$image"
log "starting the stack"
if dc up -d && wait_ready; then
  log "deployed $image: $ready_url answers 200"
  exit 0
fi

log "the new image did not become ready; its api log:"
dc logs --tail 40 api >&2 || true
if [ -z "$previous" ] || [ "$previous" = "$image" ]; then
  die "deploy of $image failed and there is no previous image to roll back to" 2
fi

if [ -n "$previous_head" ]; then
  log "migrating the schema back to $previous_head (what $previous expects)"
  dc run --rm migrate kabu-trade db downgrade "$previous_head" ||
    log "the down-migration failed: the previous image may refuse the newer schema"
else
  log "could not read the previous image's schema revision: no down-migration"
fi
set_image "$previous"
export KABU_IMAGE=$previous
log "rolling back to $previous"
if dc up -d && wait_ready; then
  die "deploy of $image failed (not ready); rolled back to $previous, which is ready" 1
fi
die "deploy of $image failed and the rollback to $previous is not ready either: see the logs above" 2
