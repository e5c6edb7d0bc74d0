import { Gauge, type Registry } from 'prom-client';

import type { ClientRegistryProvider } from './client-registry';

/**
 * `acs_nbi_api_token_expiry_timestamp_seconds{client, token}`: when each API token of the clients file expires, read
 * from the current registry at every scrape, for an alert such as
 * `acs_nbi_api_token_expiry_timestamp_seconds - time() < 14 * 86400`. `token` is the token's label, or the first 12
 * hex digits of its digest when it has none. Tokens without an expiry are not listed.
 */
export function registerTokenExpiryGauge(registry: Registry, clients: ClientRegistryProvider): void {
  const name = 'acs_nbi_api_token_expiry_timestamp_seconds';
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'When each API token of the NBI clients file expires (Unix time, seconds); tokens without an expiry are not listed',
    labelNames: ['client', 'token'],
    registers: [registry],
    collect() {
      this.reset();
      for (const token of clients.current.tokens()) {
        if (token.expiresAt === undefined) continue;
        this.set({ client: token.client.name, token: token.label ?? `sha256:${token.sha256.slice(0, 12)}` }, token.expiresAt / 1000);
      }
    },
  });
}
