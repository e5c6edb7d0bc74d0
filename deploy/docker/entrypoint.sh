#!/bin/sh
# Starts the app named by ACS_APP and replaces this shell with node (exec), so node is PID 1 and the container's
# SIGTERM reaches it directly. Arguments are passed on (cpe-sim takes command-line options).
set -eu

app="${ACS_APP:-standalone}"
case "$app" in
  standalone | cwmp-gateway | cpe-sim) ;;
  *)
    echo "acs-entrypoint: ACS_APP must be standalone, cwmp-gateway or cpe-sim (got \"$app\")" >&2
    exit 64
    ;;
esac

exec node "/app/dist/apps/$app/src/main.js" "$@"
