import { Registry } from 'prom-client';

import { parseClientRegistry } from './client-registry';
import { registerTokenExpiryGauge } from './token-expiry.metrics';

describe('registerTokenExpiryGauge', () => {
  it('reports each expiring token of the current registry at scrape time, by client and label or digest prefix', async () => {
    const parse = (expires: string) =>
      parseClientRegistry(
        `
clients:
  - name: oss
    roles: [operator]
    tokens:
      - { sha256: ${'a'.repeat(64)}, label: q1, expires: ${expires} }
      - { sha256: ${'b'.repeat(64)}, expires: 2027-06-01 }
      - { sha256: ${'c'.repeat(64)} }
`,
        'clients.yaml',
      );
    const provider = { current: parse('2027-03-01') };
    const metrics = new Registry();
    registerTokenExpiryGauge(metrics, provider);
    const values = async () => (await metrics.getMetricsAsJSON()).find((m) => m.name === 'acs_nbi_api_token_expiry_timestamp_seconds')!.values;
    expect(await values()).toEqual([
      { labels: { client: 'oss', token: 'q1' }, value: Date.UTC(2027, 2, 1) / 1000 },
      { labels: { client: 'oss', token: `sha256:${'b'.repeat(12)}` }, value: Date.UTC(2027, 5, 1) / 1000 },
    ]);
    // A reloaded file shows at the next scrape.
    provider.current = parse('2027-04-01');
    expect((await values())[0]).toEqual({ labels: { client: 'oss', token: 'q1' }, value: Date.UTC(2027, 3, 1) / 1000 });
  });
});
