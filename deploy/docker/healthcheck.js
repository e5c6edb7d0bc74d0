// Container health probe: exit 0 when the app's /health/ready answers 2xx, 1 otherwise. Used by the image's
// HEALTHCHECK and by deploy/docker-compose.yml. Plain Node (global fetch), no dependencies, so it runs in the
// runtime image as it is. It asks 127.0.0.1: the probe runs inside the container, where the management port is
// reachable on loopback whether the app binds 127.0.0.1 (standalone default) or 0.0.0.0 (the pods' default).
'use strict';

// Each app's default management port (the ACS_MGMT_PORT default in apps/<app>/src/main.ts; the pods differ so that
// they can share a host): `-e ACS_APP=nbi` alone must probe the port the app listens on.
// test/deploy/docker-files.spec.ts checks this table against the apps.
const DEFAULT_MGMT_PORTS = {
  standalone: 9464,
  'cwmp-gateway': 9464,
  provisioning: 9465,
  nbi: 9466,
  firmware: 9467,
  grouping: 9468,
  diagnostics: 9469,
};

const app = process.env.ACS_APP || 'standalone';
const port = process.env.ACS_MGMT_PORT || (Object.hasOwn(DEFAULT_MGMT_PORTS, app) ? DEFAULT_MGMT_PORTS[app] : undefined);
if (port === undefined) {
  // cpe-sim, db-indexes, acsctl and the like serve no health endpoint: a probe that cannot succeed says why.
  process.stderr.write(`ACS_APP=${app} has no management port; run it with --no-healthcheck or set ACS_MGMT_PORT\n`);
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => {
    if (!response.ok) process.stderr.write(`/health/ready answered ${response.status}\n`);
    process.exit(response.ok ? 0 : 1);
  },
  (error) => {
    process.stderr.write(`/health/ready unreachable: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
