#!/bin/sh
# Starts the app named by ACS_APP (any app under apps/ that the build compiled) and replaces this shell with node
# (exec), so node is PID 1 and the container's SIGTERM reaches it directly. Arguments are passed on (cpe-sim and
# db-indexes take command-line options).
set -eu

app="${ACS_APP:-standalone}"
main="/app/dist/apps/$app/src/main.js"
case "$app" in
  */* | .*) main="" ;;
esac
if [ -z "$main" ] || [ ! -f "$main" ]; then
  known=""
  for dir in /app/dist/apps/*/; do known="$known $(basename "$dir")"; done
  echo "acs-entrypoint: ACS_APP=\"$app\" is not an app of this image; one of:$known" >&2
  exit 64
fi

exec node "$main" "$@"
