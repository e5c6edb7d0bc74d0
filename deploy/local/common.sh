# shellcheck shell=bash
# Shared by the local infrastructure scripts (kafka.sh, redis.sh, mongo.sh, infra.sh, tools.sh). Sourced, never run.
#
# Layout:
#   ACS_INFRA_CACHE (default ~/.cache/acs-infra)  downloads and builds, kept across `down` so `up` is fast again
#   ACS_INFRA_STATE (default <repo>/.infra)       data dirs, logs, pid files; `infra.sh down` removes it

ACS_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ACS_REPO_ROOT="$(cd "$ACS_LOCAL_DIR/../.." && pwd)"
ACS_INFRA_CACHE="${ACS_INFRA_CACHE:-$HOME/.cache/acs-infra}"
ACS_INFRA_STATE="${ACS_INFRA_STATE:-$ACS_REPO_ROOT/.infra}"
# Everything listens on loopback only; nothing here is meant to be reachable from another host.
ACS_INFRA_HOST=127.0.0.1

# Names the service in every log line of the calling script, and gives a fragment of its server's command line so
# that a pid file left behind (and the pid since reused by an unrelated process) is never mistaken for our server.
infra_service() {
  INFRA_SERVICE=$1
  INFRA_PROCESS_PATTERN=${2:-}
}

infra_log() {
  printf '[%s] %s\n' "${INFRA_SERVICE:-infra}" "$*" >&2
}

infra_die() {
  infra_log "ERROR: $*"
  exit 1
}

require_command() {
  local cmd=$1 hint=$2
  command -v "$cmd" >/dev/null 2>&1 || infra_die "'$cmd' not found on PATH ($hint)"
}

require_port_number() {
  local name=$1 value=$2
  if ! [[ $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    infra_die "$name must be a TCP port number, got '$value'"
  fi
}

# Prints the pid recorded in a pid file when that process is still alive and is our server; prints nothing otherwise.
live_pid() {
  local pid_file=$1 pid command_line
  [[ -f $pid_file ]] || return 0
  pid="$(tr -dc '0-9' <"$pid_file")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  if [[ -n ${INFRA_PROCESS_PATTERN:-} && -r /proc/$pid/cmdline ]]; then
    command_line="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [[ $command_line == *"$INFRA_PROCESS_PATTERN"* ]] || return 0
  fi
  printf '%s\n' "$pid"
}

port_accepts() {
  local port=$1
  # bash's /dev/tcp keeps this free of nc/ss, which are not always installed.
  (exec 3<>"/dev/tcp/$ACS_INFRA_HOST/$port") 2>/dev/null
}

# Waits until the port accepts connections, failing early if the process behind pid_file dies.
wait_for_port() {
  local port=$1 timeout_s=$2 pid_file=$3 log_file=$4
  local deadline=$((SECONDS + timeout_s))
  until port_accepts "$port"; do
    if [[ -z "$(live_pid "$pid_file")" ]]; then
      infra_log "process exited before opening port $port; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      infra_log "port $port did not open within ${timeout_s}s; see $log_file"
      return 1
    fi
    sleep 0.5
  done
}

# Refuses to start when another program already holds the port: starting anyway would hide the conflict until the
# new server fails to bind, and the health check would then pass against the wrong server.
ensure_port_free() {
  local port=$1 env_name=$2
  if port_accepts "$port"; then
    infra_die "port $port on $ACS_INFRA_HOST is already in use by another process; stop it or set $env_name"
  fi
}

# SIGTERM, then SIGKILL after timeout_s. Only ever signals the pid this tooling recorded.
stop_pid_file() {
  local pid_file=$1 timeout_s=$2 pid deadline
  pid="$(live_pid "$pid_file")"
  if [[ -z $pid ]]; then
    rm -f "$pid_file"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout_s))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      infra_log "pid $pid still alive after ${timeout_s}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  rm -f "$pid_file"
}

# Starts a long-running server detached from the caller's session and process group, so it survives the shell (or
# npm script) that launched it and is not killed along with that job. Records the pid in pid_file.
spawn_detached() {
  local pid_file=$1 log_file=$2
  shift 2
  mkdir -p "$(dirname "$pid_file")" "$(dirname "$log_file")"
  rm -f "$pid_file"
  # setsid forks when the caller is a process-group leader (job control on), so $! is not always the server's pid;
  # the inner shell records its own pid and then becomes the server with exec.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'printf "%s\n" "$$" >"$0"; exec "$@"' "$pid_file" "$@" </dev/null >>"$log_file" 2>&1 &
  local waited=0
  until [[ -s $pid_file ]]; do
    ((waited < 50)) || infra_die "the server process did not record its pid in $pid_file"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Runs a node health script from deploy/local; node resolves kafkajs/mongoose from the repo's node_modules.
run_node_health() {
  local script=$1
  shift
  require_command node "Node 20 is needed for the health checks"
  [[ -d $ACS_REPO_ROOT/node_modules ]] || infra_die "$ACS_REPO_ROOT/node_modules is missing; run 'npm ci' first"
  node "$ACS_LOCAL_DIR/$script" "$@"
}

# Go's module and build caches go under the infra cache, so a rebuild downloads and compiles nothing new.
go_env() {
  env GOMODCACHE="$ACS_INFRA_CACHE/go/mod" GOCACHE="$ACS_INFRA_CACHE/go/build" GOFLAGS=-buildvcs=false \
    GOTOOLCHAIN=local CGO_ENABLED=0 "$@"
}

# Downloads one exact version of a Go module from the module proxy and prints a field of `go mod download -json`
# (Dir: where it is in the module cache; Version; ...). `go install pkg@version` would also ask the proxy for the
# module's version list (to look for a deprecation notice), which may be refused; the exact version's files are not.
go_module_field() {
  local module=$1 version=$2 field=$3
  (cd "$ACS_INFRA_CACHE" && go_env go mod download -json "$module@$version") |
    sed -n "s/^[[:space:]]*\"$field\": \"\\(.*\\)\",*\$/\\1/p"
}

# The usage line and dispatch shared by the per-service scripts. Each defines svc_install/start/stop/status.
service_main() {
  local action=${1:-}
  case "$action" in
    install) svc_install ;;
    start) svc_start ;;
    stop) svc_stop ;;
    status) svc_status ;;
    *)
      printf 'usage: %s install|start|stop|status\n' "$(basename "$0")" >&2
      exit 2
      ;;
  esac
}
