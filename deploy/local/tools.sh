#!/usr/bin/env bash
# Command-line tools the tests drive as an operator would, built from source with Go from the module proxy (their
# release binaries live on GitHub, which is not reachable here) and cached in ACS_INFRA_CACHE/bin.
#
#   tools.sh install NAME...   build what is missing (idempotent)
#   tools.sh path NAME         print the binary's path; exit 1 when it is not built
#   tools.sh run NAME ARGS...  build NAME if missing, then run it with ARGS (`npm run grpcurl -- ARGS` uses this)
#   tools.sh bin-dir           print the directory holding every built tool under its plain name (for PATH)
#
# Tools: grpcurl (the public API's reflection and calls, as operators try them first).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
infra_service tools

# name → module, version, package inside the module.
tool_spec() {
  case "$1" in
    grpcurl) echo "github.com/fullstorydev/grpcurl v1.9.4 ./cmd/grpcurl" ;;
    *) infra_die "unknown tool '$1' (known: grpcurl)" ;;
  esac
}

tool_bin() {
  local module version package
  read -r module version package <<<"$(tool_spec "$1")"
  printf '%s\n' "$ACS_INFRA_CACHE/bin/$1-$version"
}

install_tool() {
  local name=$1 module version package bin module_dir build_log started=$SECONDS
  read -r module version package <<<"$(tool_spec "$name")"
  bin="$(tool_bin "$name")"
  if [[ -x $bin ]]; then
    infra_log "$name $version already built at $bin"
    link_tool "$name"
    return 0
  fi
  require_command go "install Go 1.25+ (the Go toolchain) to build $name"
  mkdir -p "$ACS_INFRA_CACHE/bin" "$ACS_INFRA_CACHE/logs"
  build_log="$ACS_INFRA_CACHE/logs/$name-$version-build.log"
  infra_log "downloading $module@$version from the Go module proxy"
  module_dir="$(go_module_field "$module" "$version" Dir)"
  [[ -n $module_dir && -d $module_dir ]] || infra_die "go mod download of $module@$version failed"
  infra_log "building $name $version; log in $build_log"
  # The module cache is read-only, which `go build` does not mind: it writes only the binary and its build cache.
  if ! (cd "$module_dir" && go_env nice go build -trimpath -o "$bin.tmp" "$package") >"$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2
    infra_die "$name build failed; full log in $build_log"
  fi
  mv "$bin.tmp" "$bin"
  infra_log "built $name $version in $((SECONDS - started))s"
  link_tool "$name"
}

# The plain name beside the versioned binary, so one PATH entry serves whatever version the project pins.
link_tool() {
  ln -sfn "$(basename "$(tool_bin "$1")")" "$ACS_INFRA_CACHE/bin/$1"
}

where_tools() {
  infra_log "tools are in $ACS_INFRA_CACHE/bin; use them as npm run -s grpcurl -- ARGS, or put them on PATH: export PATH=\"$ACS_INFRA_CACHE/bin:\$PATH\""
}

main() {
  local action=${1:-} name
  shift || true
  case "$action" in
    install)
      (($# > 0)) || infra_die "usage: tools.sh install NAME..."
      for name in "$@"; do install_tool "$name"; done
      where_tools
      ;;
    run)
      (($# >= 1)) || infra_die "usage: tools.sh run NAME ARGS..."
      name=$1
      shift
      # Built on first use; the build's progress goes to stderr so the tool's own output stays clean.
      [[ -x "$(tool_bin "$name")" ]] || install_tool "$name" >&2
      exec "$(tool_bin "$name")" "$@"
      ;;
    bin-dir)
      printf '%s\n' "$ACS_INFRA_CACHE/bin"
      ;;
    path)
      (($# == 1)) || infra_die "usage: tools.sh path NAME"
      name=$1
      [[ -x "$(tool_bin "$name")" ]] || infra_die "$name is not built; run: bash deploy/local/tools.sh install $name"
      tool_bin "$name"
      ;;
    *)
      printf 'usage: %s install NAME... | path NAME | run NAME ARGS... | bin-dir\n' "$(basename "$0")" >&2
      exit 2
      ;;
  esac
}

main "$@"
