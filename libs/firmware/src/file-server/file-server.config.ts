import { ConfigError, EnvReader } from '@acs/platform';

export interface FileServerConfig {
  http: { host: string; port: number };
  https?: { host: string; port: number; certFile: string; keyFile: string };
  /** The shared signing secret; undefined when ACS_FIRMWARE_URL_SECRET is unset (the standalone then keeps its own). */
  secret?: Buffer;
  /** The base of the URLs put into Download tasks, as CPEs reach the file server. */
  publicUrl?: string;
  auth: { realm: string; nonceTtlMs: number };
  limits: {
    /** Downloads this pod sends at once; beyond, 503 with Retry-After. */
    maxDownloads: number;
    /** Downloads one device may have in flight at once (a CPE retrying over a half-open connection). */
    maxDownloadsPerDevice: number;
    retryAfterSeconds: number;
    /** Time a client has to send its request headers. */
    headersTimeoutMs: number;
    /** How long a download may make no progress (the client reads nothing) before it is cut. */
    sendIdleTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
}

/** The file server's part of the firmware service's configuration (docs/firmware-file-server.md lists it). */
export function loadFileServerConfig(env: Record<string, string | undefined> = process.env): FileServerConfig {
  const e = new EnvReader(env);
  const certFile = e.optionalString('ACS_FIRMWARE_FILES_TLS_CERT');
  const keyFile = e.optionalString('ACS_FIRMWARE_FILES_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError('ACS_FIRMWARE_FILES_TLS_CERT/ACS_FIRMWARE_FILES_TLS_KEY', 'must be set together');
  const host = e.string('ACS_FIRMWARE_FILES_HOST', '0.0.0.0');
  const secret = e.optionalString('ACS_FIRMWARE_URL_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 16) throw new ConfigError('ACS_FIRMWARE_URL_SECRET', 'must be at least 16 bytes');
  const publicUrl = e.optionalString('ACS_FIRMWARE_FILES_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError('ACS_FIRMWARE_FILES_PUBLIC_URL', `must be an http(s) URL, got "${publicUrl}"`);
  }
  return {
    http: { host, port: e.int('ACS_FIRMWARE_FILES_PORT', 7549, { min: 0, max: 65535 }) },
    https: certFile && keyFile ? { host, port: e.int('ACS_FIRMWARE_FILES_TLS_PORT', 7550, { min: 0, max: 65535 }), certFile, keyFile } : undefined,
    secret: secret === undefined ? undefined : Buffer.from(secret, 'utf8'),
    publicUrl,
    auth: {
      realm: e.string('ACS_FIRMWARE_FILES_REALM', 'acs-files'),
      nonceTtlMs: e.int('ACS_FIRMWARE_DIGEST_NONCE_TTL_MS', 300_000, { min: 1000 }),
    },
    limits: {
      maxDownloads: e.int('ACS_FIRMWARE_MAX_DOWNLOADS', 500, { min: 1 }),
      maxDownloadsPerDevice: e.int('ACS_FIRMWARE_MAX_DOWNLOADS_PER_DEVICE', 2, { min: 1 }),
      retryAfterSeconds: e.int('ACS_FIRMWARE_RETRY_AFTER_S', 30, { min: 1 }),
      headersTimeoutMs: e.int('ACS_FIRMWARE_HEADERS_TIMEOUT_MS', 20_000, { min: 1000 }),
      sendIdleTimeoutMs: e.int('ACS_FIRMWARE_SEND_IDLE_TIMEOUT_MS', 60_000, { min: 1000 }),
      keepAliveTimeoutMs: e.int('ACS_FIRMWARE_KEEPALIVE_TIMEOUT_MS', 5_000, { min: 0 }),
    },
  };
}
