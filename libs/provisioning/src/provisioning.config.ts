import { EnvReader } from '@acs/platform';

import type { DevicePresencePolicy } from './domain/device-presence';

export interface ProvisioningConfig {
  tasks: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number; defaultExpiryMs: number };
  /** How long the "planned" mark lives (longer than the gateway waits for it). */
  planMarkTtlMs: number;
  /** A directory of preset YAML files, loaded at start and when a file changes. */
  presetsDir?: string;
  presetPollMs: number;
  manageConnectionRequestCredentials: boolean;
  /** How often due retries are dispatched and overdue tasks expired. */
  tickMs: number;
  /** Where the embedded store keeps its files (standalone). */
  dataDir: string;
  /** The standalone's store (docs/adr/0013-embedded-store-sqlite.md): SQLite by default; nedb while it exists. */
  store: EmbeddedStoreConfig;
  grpc: { host: string; port: number };
  /** When a device counts as online (domain/device-presence.ts). */
  presence: DevicePresencePolicy;
}

export interface EmbeddedStoreConfig {
  kind: 'sqlite' | 'nedb';
  /** SQLite page cache, MiB: the store's memory bound. */
  cacheMiB: number;
  /** `normal`: a commit survives the process being killed; `full`: also a power cut (fsync per commit). */
  synchronous: 'normal' | 'full';
}

export function loadProvisioningConfig(env: Record<string, string | undefined> = process.env): ProvisioningConfig {
  const e = new EnvReader(env);
  return {
    tasks: {
      maxAttempts: e.int('ACS_TASK_MAX_ATTEMPTS', 5, { min: 1 }),
      retryBaseMs: e.int('ACS_TASK_RETRY_BASE_MS', 30_000, { min: 10 }),
      retryMaxMs: e.int('ACS_TASK_RETRY_MAX_MS', 3_600_000, { min: 10 }),
      defaultExpiryMs: e.int('ACS_TASK_EXPIRY_MS', 7 * 24 * 3_600_000, { min: 1000 }),
    },
    planMarkTtlMs: e.int('ACS_PLAN_MARK_TTL_MS', 60_000, { min: 1000 }),
    presetsDir: e.optionalString('ACS_PRESETS_DIR'),
    presetPollMs: e.int('ACS_PRESETS_POLL_MS', 2000, { min: 100 }),
    manageConnectionRequestCredentials: e.bool('ACS_MANAGE_CR_CREDENTIALS', true),
    tickMs: e.int('ACS_TASK_TICK_MS', 1000, { min: 50 }),
    dataDir: e.string('ACS_DATA_DIR', './data'),
    store: {
      kind: e.oneOf('ACS_STORE', ['sqlite', 'nedb'] as const, 'sqlite'),
      cacheMiB: e.int('ACS_STORE_CACHE_MIB', 64, { min: 1 }),
      synchronous: e.oneOf('ACS_STORE_SYNC', ['normal', 'full'] as const, 'normal'),
    },
    grpc: { host: e.string('ACS_GRPC_HOST', '127.0.0.1'), port: e.int('ACS_GRPC_PORT', 50051, { min: 0, max: 65535 }) },
    presence: {
      defaultIntervalSeconds: e.int('ACS_ONLINE_DEFAULT_INTERVAL_SECONDS', 3600, { min: 1 }),
      marginSeconds: e.int('ACS_ONLINE_MARGIN_SECONDS', 120, { min: 0 }),
      fixedWindowSeconds: e.int('ACS_ONLINE_WINDOW_SECONDS', 0, { min: 0 }),
    },
  };
}
