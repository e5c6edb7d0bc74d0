#!/usr/bin/env bash
# A MongoDB-protocol server on loopback: FerretDB v1 with its SQLite backend, built from source with Go (MongoDB
# itself is not in Debian and no other download source is reachable here).
#
#   mongo.sh install|start|stop|status
#
# Env: ACS_MONGO_PORT (27017), ACS_MONGO_DB (acs, only used in the printed URL and health check),
#      ACS_MONGO_START_TIMEOUT seconds (60), ACS_INFRA_CACHE, ACS_INFRA_STATE.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
infra_service mongo ferretdb

FERRETDB_VERSION=v1.24.0
FERRETDB_MODULE=github.com/FerretDB/FerretDB
MONGO_PORT="${ACS_MONGO_PORT:-27017}"
MONGO_DB="${ACS_MONGO_DB:-acs}"
MONGO_START_TIMEOUT="${ACS_MONGO_START_TIMEOUT:-60}"
require_port_number ACS_MONGO_PORT "$MONGO_PORT"

FERRETDB_BIN="$ACS_INFRA_CACHE/bin/ferretdb-$FERRETDB_VERSION"
FERRETDB_SRC="$ACS_INFRA_CACHE/src/ferretdb-$FERRETDB_VERSION"
MONGO_STATE="$ACS_INFRA_STATE/mongo"
MONGO_DATA="$MONGO_STATE/data"
MONGO_LOGS="$MONGO_STATE/logs"
MONGO_PID="$MONGO_STATE/ferretdb.pid"
MONGO_URL="mongodb://$ACS_INFRA_HOST:$MONGO_PORT/$MONGO_DB"

svc_install() {
  if [[ -x $FERRETDB_BIN ]]; then
    infra_log "FerretDB $FERRETDB_VERSION already built at $FERRETDB_BIN"
    return 0
  fi
  require_command go "install Go 1.22+ (apt-get install -y golang, or the Go toolchain)"
  mkdir -p "$ACS_INFRA_CACHE/bin" "$ACS_INFRA_CACHE/src" "$ACS_INFRA_CACHE/logs"
  local build_log="$ACS_INFRA_CACHE/logs/ferretdb-$FERRETDB_VERSION-build.log" module_dir commit started=$SECONDS
  infra_log "downloading $FERRETDB_MODULE@$FERRETDB_VERSION from the Go module proxy"
  module_dir="$(go_module_field "$FERRETDB_MODULE" "$FERRETDB_VERSION" Dir)"
  [[ -n $module_dir && -d $module_dir ]] || infra_die "go mod download of $FERRETDB_MODULE@$FERRETDB_VERSION failed"
  commit="$(go_module_field "$FERRETDB_MODULE" "$FERRETDB_VERSION" Hash)"
  # The module zip leaves out build/version/version.txt (FerretDB's release tooling generates it), and the binary
  # refuses to start without it, so build from a writable copy that has it.
  rm -rf "$FERRETDB_SRC"
  cp -R "$module_dir" "$FERRETDB_SRC"
  chmod -R u+w "$FERRETDB_SRC"
  printf '%s\n' "$FERRETDB_VERSION" >"$FERRETDB_SRC/build/version/version.txt"
  [[ -z $commit ]] || printf '%s\n' "$commit" >"$FERRETDB_SRC/build/version/commit.txt"
  printf 'acs-local\n' >"$FERRETDB_SRC/build/version/package.txt"
  infra_log "building FerretDB (a few minutes on 2 cores the first time); log in $build_log"
  if ! (cd "$FERRETDB_SRC" && go_env nice go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) >"$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2
    infra_die "FerretDB build failed; full log in $build_log"
  fi
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  infra_log "built FerretDB $FERRETDB_VERSION in $((SECONDS - started))s"
}

svc_start() {
  local pid
  pid="$(live_pid "$MONGO_PID")"
  if [[ -n $pid ]]; then
    run_node_health mongo-health.js "$MONGO_URL" 10000 >&2 || infra_die "pid $pid is running but not healthy"
    infra_log "already running (pid $pid)"
    return 0
  fi
  [[ -x $FERRETDB_BIN ]] || svc_install
  ensure_port_free "$MONGO_PORT" ACS_MONGO_PORT
  mkdir -p "$MONGO_DATA" "$MONGO_LOGS"
  infra_log "starting FerretDB on $ACS_INFRA_HOST:$MONGO_PORT (SQLite in $MONGO_DATA), logs in $MONGO_LOGS"
  local started=$SECONDS
  # No auth (FerretDB v1 only authenticates when the backend does), no telemetry, no debug HTTP listener.
  spawn_detached "$MONGO_PID" "$MONGO_LOGS/ferretdb.log" \
    "$FERRETDB_BIN" \
    --listen-addr="$ACS_INFRA_HOST:$MONGO_PORT" \
    --handler=sqlite \
    --sqlite-url="file:$MONGO_DATA/" \
    --state-dir="$MONGO_STATE" \
    --debug-addr=- \
    --telemetry=disable \
    --log-level=info
  wait_for_port "$MONGO_PORT" "$MONGO_START_TIMEOUT" "$MONGO_PID" "$MONGO_LOGS/ferretdb.log" ||
    infra_die "FerretDB did not start"
  local remaining=$((MONGO_START_TIMEOUT - (SECONDS - started)))
  ((remaining > 5)) || remaining=5
  run_node_health mongo-health.js "$MONGO_URL" "$((remaining * 1000))" >&2 ||
    infra_die "FerretDB opened its port but does not answer ping; see $MONGO_LOGS/ferretdb.log"
  infra_log "healthy after $((SECONDS - started))s (pid $(live_pid "$MONGO_PID"))"
}

svc_stop() {
  if stop_pid_file "$MONGO_PID" 20; then
    infra_log "stopped"
  else
    infra_log "not running"
  fi
}

svc_status() {
  local pid
  pid="$(live_pid "$MONGO_PID")"
  if [[ -z $pid ]]; then
    echo "mongo: stopped"
    return 3
  fi
  if run_node_health mongo-health.js "$MONGO_URL" 5000 >/dev/null 2>&1; then
    echo "mongo: running (pid $pid) on $MONGO_URL, healthy (FerretDB $FERRETDB_VERSION, SQLite)"
  else
    echo "mongo: running (pid $pid) on $MONGO_URL, NOT healthy"
    return 1
  fi
}

service_main "$@"
