import { readFile } from 'node:fs/promises';

import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError, EnvReader } from '@acs/platform';

import type { RateLimit } from './client-rate-limiter';

export interface NbiTlsConfig {
  /** PEM server certificate chain (ACS_NBI_TLS_CERT). */
  certFile: string;
  /** PEM private key (ACS_NBI_TLS_KEY). */
  keyFile: string;
  /** PEM CA bundle that client certificates must chain to (ACS_NBI_TLS_CLIENT_CA); set = mTLS, certificates required. */
  clientCaFile?: string;
}

export interface NbiSecurityConfig {
  /** The client registry (ACS_NBI_CLIENTS_FILE); unset lets the app decide (the standalone bootstraps one). */
  clientsFile?: string;
  /** Per client and per process, unless the client's entry says otherwise. */
  rateLimit: RateLimit;
  /** Calls failing authentication allowed per peer address and process, before the peer is throttled. */
  unauthenticatedLimit: RateLimit;
  /** Server streams (watches) one client may hold open per process (ACS_NBI_MAX_STREAMS_PER_CLIENT, default 100). */
  maxStreamsPerClient: number;
  /** Unset: plaintext (behind a TLS-terminating mesh or on a laptop). */
  tls?: NbiTlsConfig;
  /** Audit entries older than this are deleted (ACS_NBI_AUDIT_RETENTION_DAYS, default 365); 0 keeps them for ever. */
  auditRetentionDays: number;
}

/** Reads the NBI's security settings; a bad or incomplete value throws ConfigError naming the variable. */
export function loadNbiSecurityConfig(env: Record<string, string | undefined> = process.env): NbiSecurityConfig {
  const read = new EnvReader(env);
  const clientsFile = read.optionalString('ACS_NBI_CLIENTS_FILE');
  const rateLimit = {
    perSecond: read.int('ACS_NBI_RATE_LIMIT_PER_SECOND', 50, { min: 1, max: 1_000_000 }),
    burst: read.int('ACS_NBI_RATE_LIMIT_BURST', 100, { min: 1, max: 1_000_000 }),
  };
  const certFile = read.optionalString('ACS_NBI_TLS_CERT');
  const keyFile = read.optionalString('ACS_NBI_TLS_KEY');
  const clientCaFile = read.optionalString('ACS_NBI_TLS_CLIENT_CA');
  if (certFile && !keyFile) throw new ConfigError('ACS_NBI_TLS_KEY', 'is required with ACS_NBI_TLS_CERT (the PEM private key of that certificate)');
  if (keyFile && !certFile) throw new ConfigError('ACS_NBI_TLS_CERT', 'is required with ACS_NBI_TLS_KEY (the PEM certificate chain of that key)');
  if (clientCaFile && !certFile) {
    throw new ConfigError('ACS_NBI_TLS_CLIENT_CA', 'needs ACS_NBI_TLS_CERT and ACS_NBI_TLS_KEY: client certificates are only asked for over TLS');
  }
  return {
    ...(clientsFile ? { clientsFile } : {}),
    rateLimit,
    unauthenticatedLimit: {
      perSecond: read.int('ACS_NBI_UNAUTHENTICATED_PER_SECOND', 1, { min: 1, max: 1_000_000 }),
      burst: read.int('ACS_NBI_UNAUTHENTICATED_BURST', 20, { min: 1, max: 1_000_000 }),
    },
    maxStreamsPerClient: read.int('ACS_NBI_MAX_STREAMS_PER_CLIENT', 100, { min: 1, max: 100_000 }),
    ...(certFile && keyFile ? { tls: { certFile, keyFile, ...(clientCaFile ? { clientCaFile } : {}) } } : {}),
    auditRetentionDays: read.int('ACS_NBI_AUDIT_RETENTION_DAYS', 365, { min: 0, max: 36_500 }),
  };
}

/**
 * The gRPC server credentials for the NBI: plaintext without TLS settings; TLS with a certificate and key; mTLS
 * (client certificate required and verified against the CA) when a client CA is set too. Verified certificates
 * reach the interceptor as `call.getAuthContext().sslPeerCertificate`.
 */
export async function createNbiServerCredentials(tls: NbiTlsConfig | undefined): Promise<ServerCredentials> {
  if (!tls) return ServerCredentials.createInsecure();
  const [cert, key, ca] = await Promise.all([
    readPem('ACS_NBI_TLS_CERT', tls.certFile),
    readPem('ACS_NBI_TLS_KEY', tls.keyFile),
    tls.clientCaFile === undefined ? Promise.resolve(null) : readPem('ACS_NBI_TLS_CLIENT_CA', tls.clientCaFile),
  ]);
  return ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], ca !== null);
}

async function readPem(variable: string, file: string): Promise<Buffer> {
  let pem: Buffer;
  try {
    pem = await readFile(file);
  } catch (error) {
    throw new ConfigError(variable, `names ${file}, which cannot be read: ${(error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN ')) throw new ConfigError(variable, `names ${file}, which is not a PEM file`);
  return pem;
}
