import { ConfigError } from '@acs/platform';
import { ServerCredentials } from '@grpc/grpc-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createNbiServerCredentials, loadNbiSecurityConfig } from './nbi-security.config';

describe('loadNbiSecurityConfig', () => {
  it('defaults to 50 calls per second, bursts of 100, 20 failed calls per peer then 1/s, plaintext, no client file, 100 open streams per client, a year of audit', () => {
    expect(loadNbiSecurityConfig({})).toEqual({
      rateLimit: { perSecond: 50, burst: 100 },
      unauthenticatedLimit: { perSecond: 1, burst: 20 },
      maxStreamsPerClient: 100,
      auditRetentionDays: 365,
    });
  });

  it('reads every variable', () => {
    expect(
      loadNbiSecurityConfig({
        ACS_NBI_CLIENTS_FILE: '/etc/acs/clients.yaml',
        ACS_NBI_RATE_LIMIT_PER_SECOND: '5',
        ACS_NBI_RATE_LIMIT_BURST: '20',
        ACS_NBI_TLS_CERT: '/tls/tls.crt',
        ACS_NBI_TLS_KEY: '/tls/tls.key',
        ACS_NBI_TLS_CLIENT_CA: '/tls/ca.crt',
        ACS_NBI_AUDIT_RETENTION_DAYS: '0',
        ACS_NBI_MAX_STREAMS_PER_CLIENT: '7',
        ACS_NBI_UNAUTHENTICATED_PER_SECOND: '3',
        ACS_NBI_UNAUTHENTICATED_BURST: '9',
      }),
    ).toEqual({
      clientsFile: '/etc/acs/clients.yaml',
      rateLimit: { perSecond: 5, burst: 20 },
      unauthenticatedLimit: { perSecond: 3, burst: 9 },
      maxStreamsPerClient: 7,
      tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key', clientCaFile: '/tls/ca.crt' },
      auditRetentionDays: 0,
    });
  });

  it('names the variable that is wrong or missing', () => {
    expect(() => loadNbiSecurityConfig({ ACS_NBI_RATE_LIMIT_BURST: '0' })).toThrow('ACS_NBI_RATE_LIMIT_BURST must be >= 1');
    expect(() => loadNbiSecurityConfig({ ACS_NBI_RATE_LIMIT_PER_SECOND: 'fast' })).toThrow(ConfigError);
    expect(() => loadNbiSecurityConfig({ ACS_NBI_AUDIT_RETENTION_DAYS: '-1' })).toThrow('ACS_NBI_AUDIT_RETENTION_DAYS must be >= 0');
    expect(() => loadNbiSecurityConfig({ ACS_NBI_TLS_CERT: '/c' })).toThrow('ACS_NBI_TLS_KEY is required with ACS_NBI_TLS_CERT');
    expect(() => loadNbiSecurityConfig({ ACS_NBI_TLS_KEY: '/k' })).toThrow('ACS_NBI_TLS_CERT is required with ACS_NBI_TLS_KEY');
    expect(() => loadNbiSecurityConfig({ ACS_NBI_TLS_CLIENT_CA: '/ca' })).toThrow('ACS_NBI_TLS_CLIENT_CA needs ACS_NBI_TLS_CERT');
  });
});

describe('createNbiServerCredentials', () => {
  it('is plaintext without TLS settings', async () => {
    expect(await createNbiServerCredentials(undefined)).toEqual(ServerCredentials.createInsecure());
  });

  it('names the variable whose file is missing or not PEM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nbi-tls-'));
    try {
      await writeFile(join(dir, 'not.pem'), 'hello');
      await expect(createNbiServerCredentials({ certFile: join(dir, 'absent.crt'), keyFile: join(dir, 'not.pem') })).rejects.toThrow(
        `ACS_NBI_TLS_CERT names ${join(dir, 'absent.crt')}, which cannot be read`,
      );
      await writeFile(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\n');
      await expect(createNbiServerCredentials({ certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'not.pem') })).rejects.toThrow(
        `ACS_NBI_TLS_KEY names ${join(dir, 'not.pem')}, which is not a PEM file`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
