import { ConfigError, EnvReader } from '@acs/platform';

export interface DiagnosticsHttpConfig {
  http: { host: string; port: number };
  https?: { host: string; port: number; certFile: string; keyFile: string };
  /** The base of the URLs CPEs are given (test transfers, the BulkData collector); unset: this server's own address. */
  publicUrl?: string;
  /** The signing secret shared by every diagnostics pod; unset: the process draws one and warns (DiagnosticsHttpSecret). */
  secret?: Buffer;
  realm: string;
  transfers: {
    /** The largest download or upload a URL may be issued for, and served. */
    maxBytes: number;
    /** Transfers this pod carries at once; beyond, 503 with Retry-After. */
    maxConcurrent: number;
    /** Transfers one client address (IPv6: its /64) may have at once. */
    maxConcurrentPerClient: number;
    /** All transfers together, bytes per second; 0: unlimited. */
    bandwidthBytesPerSecond: number;
    /** One transfer, bytes per second; 0: unlimited. */
    perTransferBytesPerSecond: number;
    /** How long a transfer may move no byte before it is cut. */
    idleTimeoutMs: number;
    /** How long one transfer may take in all, so a client trickling bytes cannot hold a slot for ever. */
    maxDurationMs: number;
  };
  bulkData: {
    /** The largest report body, before and after decompression; beyond, 413. */
    maxReportBytes: number;
    /** How long the sink may take to accept a report before the CPE is told to retry (503). */
    sinkTimeoutMs: number;
  };
  retryAfterSeconds: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

const GiB = 1024 * 1024 * 1024;

/** The diagnostics service's HTTP server (TR-143 test endpoints, BulkData collector); docs/diagnostics.md lists it. */
export function loadDiagnosticsHttpConfig(env: Record<string, string | undefined> = process.env): DiagnosticsHttpConfig {
  const e = new EnvReader(env);
  const host = e.string('ACS_DIAGNOSTICS_HTTP_HOST', '0.0.0.0');
  const certFile = e.optionalString('ACS_DIAGNOSTICS_HTTP_TLS_CERT');
  const keyFile = e.optionalString('ACS_DIAGNOSTICS_HTTP_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError('ACS_DIAGNOSTICS_HTTP_TLS_CERT/ACS_DIAGNOSTICS_HTTP_TLS_KEY', 'must be set together');
  const secret = e.optionalString('ACS_DIAGNOSTICS_HTTP_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 16) throw new ConfigError('ACS_DIAGNOSTICS_HTTP_SECRET', 'must be at least 16 bytes');
  const publicUrl = e.optionalString('ACS_DIAGNOSTICS_HTTP_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(publicUrl)) {
    throw new ConfigError('ACS_DIAGNOSTICS_HTTP_URL', `must be an http(s) URL without a path, got "${publicUrl}"`);
  }
  return {
    http: { host, port: e.int('ACS_DIAGNOSTICS_HTTP_PORT', 7551, { min: 0, max: 65535 }) },
    https: certFile && keyFile ? { host, port: e.int('ACS_DIAGNOSTICS_HTTP_TLS_PORT', 7552, { min: 0, max: 65535 }), certFile, keyFile } : undefined,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    secret: secret === undefined ? undefined : Buffer.from(secret, 'utf8'),
    realm: e.string('ACS_DIAGNOSTICS_HTTP_REALM', 'acs-diagnostics'),
    transfers: {
      maxBytes: e.int('ACS_DIAGNOSTICS_HTTP_MAX_BYTES', GiB, { min: 1 }),
      maxConcurrent: e.int('ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS', 64, { min: 1 }),
      maxConcurrentPerClient: e.int('ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS_PER_CLIENT', 4, { min: 1 }),
      bandwidthBytesPerSecond: e.int('ACS_DIAGNOSTICS_HTTP_BANDWIDTH_BPS', 0, { min: 0 }),
      perTransferBytesPerSecond: e.int('ACS_DIAGNOSTICS_HTTP_TRANSFER_BPS', 0, { min: 0 }),
      idleTimeoutMs: e.int('ACS_DIAGNOSTICS_HTTP_IDLE_TIMEOUT_MS', 30_000, { min: 1 }),
      maxDurationMs: e.int('ACS_DIAGNOSTICS_HTTP_MAX_DURATION_MS', 600_000, { min: 1 }),
    },
    bulkData: {
      maxReportBytes: e.int('ACS_DIAGNOSTICS_BULKDATA_MAX_BYTES', 4 * 1024 * 1024, { min: 1 }),
      sinkTimeoutMs: e.int('ACS_DIAGNOSTICS_BULKDATA_SINK_TIMEOUT_MS', 10_000, { min: 1 }),
    },
    retryAfterSeconds: e.int('ACS_DIAGNOSTICS_HTTP_RETRY_AFTER_S', 30, { min: 1 }),
    headersTimeoutMs: e.int('ACS_DIAGNOSTICS_HTTP_HEADERS_TIMEOUT_MS', 20_000, { min: 1 }),
    keepAliveTimeoutMs: e.int('ACS_DIAGNOSTICS_HTTP_KEEPALIVE_TIMEOUT_MS', 5_000, { min: 0 }),
  };
}
