import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CwmpVersion } from '@acs/cwmp';
import { ConfigError, EnvReader } from '@acs/platform';
import type { CpeLockoutConfig } from './auth/cpe-auth-lockout';
import type { CpeAuthMode } from './auth/cpe-authenticator';

/** Everything the gateway reads from its environment, validated once at start. */
export interface GatewayConfig {
  podName: string;
  http: { host: string; port: number };
  /** HTTPS listener, when a certificate and key are configured. */
  https?: { host: string; port: number; certFile: string; keyFile: string };
  auth: {
    mode: CpeAuthMode;
    realm: string;
    username?: string;
    password?: string;
    acceptUnknown: boolean;
    credentialsFile?: string;
    nonceSecret: Buffer;
    nonceSecretIsRandom: boolean;
    nonceTtlMs: number;
    /** Brute-force limits on failed authentications. */
    lockout: CpeLockoutConfig;
  };
  session: {
    /** Time the ACS gives a session before it stops sending RPCs and ends it. */
    deadlineMs: number;
    /** Kept in the store a little longer than the deadline so late requests still find the session. */
    ttlMs: number;
    maxRpcs: number;
    /** A running session of the same device younger than this makes a new Inform wait (503); older is replaced. */
    supersedeAfterMs: number;
    /** How long the ACS turn waits for provisioning's "planned" mark; 0 when no planner runs. */
    planWaitMs: number;
    /**
     * The same wait for a session whose Inform carries `0 BOOTSTRAP` (at least planWaitMs): its plan sets the
     * connection-request credentials and the bootstrap presets, and a session that ends before them leaves the device
     * unreachable by connection request until its next periodic Inform — hours, after a mass bootstrap that made
     * provisioning slower than the plan wait.
     */
    bootstrapPlanWaitMs: number;
    cookieName: string;
  };
  limits: {
    maxBodyBytes: number;
    /** Sessions this pod may have in flight before it sheds new ones with 503. */
    maxSessionsInFlight: number;
    retryAfterSeconds: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /**
     * Connections the kernel holds until the gateway accepts them. A mass wake-up makes thousands of CPEs connect
     * within seconds; when the queue is full the kernel drops their SYNs, and each waits out TCP's retransmission
     * (1 s, 3 s, 7 s…) or fails with a reset.
     */
    listenBacklog: number;
  };
  versions: CwmpVersion[];
  events: {
    /** A publish slower than this is deferred to the outbox, so a slow or dead bus never stalls a CPE. */
    publishTimeoutMs: number;
    relayIntervalMs: number;
  };
}

const ALL_VERSIONS: CwmpVersion[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];

function loadLockoutConfig(e: EnvReader): CpeLockoutConfig {
  const baseLockoutMs = e.int('ACS_CPE_AUTH_LOCKOUT_MS', 60_000, { min: 1000 });
  const maxLockoutMs = e.int('ACS_CPE_AUTH_LOCKOUT_MAX_MS', 3_600_000, { min: 1000 });
  if (maxLockoutMs < baseLockoutMs) throw new ConfigError('ACS_CPE_AUTH_LOCKOUT_MAX_MS', `must be at least ACS_CPE_AUTH_LOCKOUT_MS (${baseLockoutMs})`);
  return {
    enabled: e.bool('ACS_CPE_AUTH_LOCKOUT', true),
    deviceThreshold: e.int('ACS_CPE_AUTH_DEVICE_FAILURES', 10, { min: 1 }),
    sourceThreshold: e.int('ACS_CPE_AUTH_SOURCE_FAILURES', 50, { min: 1 }),
    windowMs: e.int('ACS_CPE_AUTH_FAILURE_WINDOW_MS', 600_000, { min: 1000 }),
    baseLockoutMs,
    maxLockoutMs,
    knownSourceTtlMs: e.int('ACS_CPE_AUTH_KNOWN_SOURCE_TTL_MS', 7 * 86_400_000, { min: 60_000 }),
    knownSourcesPerDevice: e.int('ACS_CPE_AUTH_KNOWN_SOURCES', 4, { min: 1, max: 64 }),
  };
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const e = new EnvReader(env);
  const deadlineMs = e.int('ACS_SESSION_DEADLINE_MS', 120_000, { min: 1000 });
  const certFile = e.optionalString('ACS_CWMP_TLS_CERT');
  const keyFile = e.optionalString('ACS_CWMP_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError('ACS_CWMP_TLS_CERT/ACS_CWMP_TLS_KEY', 'must be set together');
  const secret = e.optionalString('ACS_DIGEST_SECRET');
  const mode = e.oneOf<CpeAuthMode>('ACS_CPE_AUTH', ['none', 'basic', 'digest'], 'none');
  const username = e.optionalString('ACS_CPE_USERNAME');
  const password = e.optionalString('ACS_CPE_PASSWORD');
  if (Boolean(username) !== Boolean(password)) throw new ConfigError('ACS_CPE_USERNAME/ACS_CPE_PASSWORD', 'must be set together');
  const versions = e.list('ACS_CWMP_VERSIONS', ALL_VERSIONS);
  for (const v of versions) if (!ALL_VERSIONS.includes(v as CwmpVersion)) throw new ConfigError('ACS_CWMP_VERSIONS', `has unknown version "${v}"`);
  return {
    podName: e.string('ACS_POD_NAME', hostname()),
    http: { host: e.string('ACS_CWMP_HOST', '0.0.0.0'), port: e.int('ACS_CWMP_PORT', 7547, { min: 0, max: 65535 }) },
    https:
      certFile && keyFile
        ? { host: e.string('ACS_CWMP_HOST', '0.0.0.0'), port: e.int('ACS_CWMP_TLS_PORT', 7548, { min: 0, max: 65535 }), certFile, keyFile }
        : undefined,
    auth: {
      mode,
      realm: e.string('ACS_CPE_AUTH_REALM', 'acs'),
      username,
      password,
      acceptUnknown: e.bool('ACS_ACCEPT_UNKNOWN_DEVICES', true),
      credentialsFile: e.optionalString('ACS_CPE_CREDENTIALS_FILE'),
      nonceSecret: secret ? Buffer.from(secret, 'utf8') : randomBytes(32),
      nonceSecretIsRandom: !secret,
      nonceTtlMs: e.int('ACS_DIGEST_NONCE_TTL_MS', 300_000, { min: 1000 }),
      lockout: loadLockoutConfig(e),
    },
    session: {
      deadlineMs,
      ttlMs: deadlineMs + 30_000,
      maxRpcs: e.int('ACS_SESSION_MAX_RPCS', 256, { min: 1 }),
      supersedeAfterMs: e.int('ACS_SESSION_SUPERSEDE_AFTER_MS', 0, { min: 0 }),
      planWaitMs: e.int('ACS_PLAN_WAIT_MS', 0, { min: 0, max: 10_000 }),
      bootstrapPlanWaitMs: e.int('ACS_BOOTSTRAP_PLAN_WAIT_MS', 10_000, { min: 0, max: 30_000 }),
      cookieName: e.string('ACS_SESSION_COOKIE', 'acs_session'),
    },
    limits: {
      maxBodyBytes: e.int('ACS_MAX_BODY_BYTES', 4 * 1024 * 1024, { min: 1024 }),
      maxSessionsInFlight: e.int('ACS_MAX_SESSIONS_IN_FLIGHT', 10_000, { min: 1 }),
      retryAfterSeconds: e.int('ACS_RETRY_AFTER_SECONDS', 30, { min: 1 }),
      requestTimeoutMs: e.int('ACS_REQUEST_TIMEOUT_MS', 30_000, { min: 1000 }),
      keepAliveTimeoutMs: e.int('ACS_KEEPALIVE_TIMEOUT_MS', 30_000, { min: 1000 }),
      listenBacklog: e.int('ACS_CWMP_LISTEN_BACKLOG', 4096, { min: 1 }),
    },
    versions: versions as CwmpVersion[],
    events: {
      publishTimeoutMs: e.int('ACS_PUBLISH_TIMEOUT_MS', 2000, { min: 50 }),
      relayIntervalMs: e.int('ACS_OUTBOX_RELAY_INTERVAL_MS', 1000, { min: 50 }),
    },
  };
}
