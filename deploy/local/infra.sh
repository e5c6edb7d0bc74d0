#!/usr/bin/env bash
# Local infrastructure for development and integration tests: Kafka, Redis and a MongoDB-protocol server, all on
# loopback. `up` installs what is missing, starts what is stopped, waits until healthy, and prints the connection
# settings; run again, it changes nothing. `down` stops them and deletes their runtime state (the cache stays).
#
#   infra.sh up|down|status [kafka] [redis] [mongo]      (no service named = all three)
#
# `eval "$(bash deploy/local/infra.sh up)"` exports the printed ACS_* settings; progress goes to stderr.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
infra_service infra

ALL_SERVICES=(kafka redis mongo)

usage() {
  printf 'usage: %s up|down|status [kafka] [redis] [mongo]\n' "$(basename "$0")" >&2
  exit 2
}

print_settings() {
  local service
  for service in "$@"; do
    case "$service" in
      kafka) echo "ACS_KAFKA_BROKERS=$ACS_INFRA_HOST:${ACS_KAFKA_PORT:-9092}" ;;
      redis) echo "ACS_REDIS_URL=redis://$ACS_INFRA_HOST:${ACS_REDIS_PORT:-6379}" ;;
      mongo) echo "ACS_MONGO_URL=mongodb://$ACS_INFRA_HOST:${ACS_MONGO_PORT:-27017}/${ACS_MONGO_DB:-acs}" ;;
    esac
  done
}

main() {
  local action=${1:-}
  [[ -n $action ]] || usage
  shift
  local services=() service
  for service in "$@"; do
    case "$service" in
      kafka | redis | mongo) services+=("$service") ;;
      *) usage ;;
    esac
  done
  ((${#services[@]} > 0)) || services=("${ALL_SERVICES[@]}")

  case "$action" in
    up)
      mkdir -p "$ACS_INFRA_STATE"
      for service in "${services[@]}"; do
        bash "$ACS_LOCAL_DIR/$service.sh" start
      done
      print_settings "${services[@]}"
      ;;
    down)
      for service in "${services[@]}"; do
        bash "$ACS_LOCAL_DIR/$service.sh" stop
        rm -rf "${ACS_INFRA_STATE:?}/$service"
      done
      # Only remove the state dir itself when nothing else is left in it (a partial `down` keeps the others).
      if [[ -d $ACS_INFRA_STATE ]] && [[ -z "$(ls -A "$ACS_INFRA_STATE")" ]]; then
        rmdir "$ACS_INFRA_STATE"
      fi
      infra_log "stopped ${services[*]}; runtime state removed (downloads stay in $ACS_INFRA_CACHE)"
      ;;
    status)
      local failed=0
      for service in "${services[@]}"; do
        bash "$ACS_LOCAL_DIR/$service.sh" status || failed=1
      done
      return "$failed"
      ;;
    *) usage ;;
  esac
}

main "$@"
