// Container health probe: exit 0 when the app's /health/ready answers 2xx, 1 otherwise. Used by the image's
// HEALTHCHECK and by deploy/docker-compose.yml. Plain Node (global fetch), no dependencies, so it runs in the
// runtime image as it is. It asks 127.0.0.1: the probe runs inside the container, where the management port is
// reachable on loopback whether the app binds 127.0.0.1 (standalone default) or 0.0.0.0 (gateway default).
'use strict';

const port = process.env.ACS_MGMT_PORT || '9464';
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
