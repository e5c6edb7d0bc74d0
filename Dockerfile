# The ACS image: one image for every app, chosen by APP at build time (ACS_APP at run time).
#   docker build -t acs .                                  # the standalone ACS
#   docker build -t acs-gateway --build-arg APP=cwmp-gateway .
# Stages: deps (all dependencies, for the build) → build (SWC → dist/) → prod-deps (runtime dependencies only)
# → runtime (dist/ + production node_modules, non-root). See deploy/README.md.

# A full version tag rather than node:20-bookworm-slim so a rebuild gets the Node the repo was tested with; bump it
# with the engines field of package.json.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change, not on every source edit.
COPY package.json package-lock.json ./
# --ignore-scripts: the repo denies install scripts (package.json "allowScripts"); SWC's native binary arrives as a
# platform-specific optional dependency, which needs no script.
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG APP=standalone
# NODE_ENV=production turns Mongo's autoIndex off: indexes are built by the one-shot db-indexes app instead.
# ACS_DATA_DIR: the standalone's embedded store and NBI clients. /app is read-only for the app's user, and the base
# image's node home is the one directory that user owns, which a volume mounted on /home/node inherits on first use.
ENV NODE_ENV=production \
    ACS_APP=${APP} \
    ACS_DATA_DIR=/home/node/data
WORKDIR /app
# Everything under /app stays owned by root: the node user can read and run the code but not change it.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker/entrypoint.sh /usr/local/bin/acs-entrypoint
COPY deploy/docker/healthcheck.js /usr/local/lib/acs/healthcheck.js
# The official image's unprivileged `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
# Every port is above 1024, so no capability is needed.
USER 1000:1000
# 7547 CWMP over HTTP, 7548 CWMP over HTTPS (when ACS_CWMP_TLS_CERT/KEY are set), 9464 metrics and health of the
# gateway and the standalone (9465 provisioning, 9466 nbi), 50051 provisioning's internal gRPC API, 50052 the public
# gRPC API (nbi, standalone).
EXPOSE 7547 7548 9464 9465 9466 50051 50052
# /health/ready checks what the app depends on (session store, event bus, CWMP listener, provisioning's API…). The
# probe knows each app's default management port and asks loopback, where the standalone binds it by default.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "/usr/local/lib/acs/healthcheck.js"]
# The entrypoint execs node, so node is PID 1 and receives SIGTERM itself: the apps drain on SIGTERM
# (ACS_SHUTDOWN_TIMEOUT_MS) and exit 0. No init process: the apps start no child processes to reap.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/acs-entrypoint"]
