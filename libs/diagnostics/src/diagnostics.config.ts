import { EnvReader } from '@acs/platform';

import { loadDiagnosticsHttpConfig, type DiagnosticsHttpConfig } from './http/diagnostics-http.config';
import type { RetentionPolicy } from './monitoring/domain/sample-series';

export interface DiagnosticsConfig {
  /** Where a diagnostics pod's gRPC API (DiagnosticsService) listens (ACS_GRPC_HOST, ACS_GRPC_PORT, default 50055). */
  grpc: { host: string; port: number };
  /** Where the standalone keeps `diagnostics.sqlite` (ACS_DATA_DIR). */
  dataDir: string;
  /** The standalone's SQLite settings, shared with the other services' stores (ACS_STORE_CACHE_MIB, ACS_STORE_SYNC). */
  store: { cacheMiB: number; synchronous: 'normal' | 'full' };
  /** Provisioning's gRPC API, for a diagnostics pod (ACS_DIAGNOSTICS_PROVISIONING_ADDRESS); the standalone calls it in process. */
  provisioningAddress: string;
  /** Grouping's gRPC API, whose groups threshold rules may target, for a diagnostics pod (ACS_DIAGNOSTICS_GROUPING_ADDRESS). */
  groupingAddress: string;
  /** The HTTP server of TR-143 test transfers and the BulkData collector (ACS_DIAGNOSTICS_HTTP_*; docs/diagnostics.md). */
  http: DiagnosticsHttpConfig;
  monitoring: {
    /** How long each tier of samples is kept (ACS_DIAGNOSTICS_RAW_DAYS, _HOURLY_DAYS, _DAILY_DAYS; ADR 37). */
    retention: RetentionPolicy;
    /** How often one pod folds finished days into rollups and deletes expired buckets (ACS_DIAGNOSTICS_ROLLUP_MS). */
    rollupMs: number;
    /**
     * Devices whose samples are written at once (ACS_DIAGNOSTICS_INGEST_CONCURRENCY): SQLite takes many; FerretDB
     * answers "database is locked" beyond a few.
     */
    ingestConcurrency: number;
  };
  alarms: {
    /** A gap between two points of a (rule, device) longer than this breaks a duration (ACS_DIAGNOSTICS_ALARM_STALE_S; ADR 36). */
    staleAfterSeconds: number;
    /** Cleared alarms are deleted this many days after they cleared (ACS_DIAGNOSTICS_ALARM_RETENTION_DAYS). */
    retentionDays: number;
    /** How often the retention runs (ACS_DIAGNOSTICS_ALARM_PURGE_MS; any pod may: it is one idempotent delete). */
    purgeMs: number;
  };
  runs: {
    /**
     * How long a run waits for `8 DIAGNOSTICS COMPLETE` when its caller gives no timeout (ACS_DIAGNOSTICS_RUN_TIMEOUT_MS,
     * default 10 min: a download or IP-capacity test of tens of seconds on a device that informs late still fits).
     */
    timeoutMs: number;
    /** How often runs past their deadline are ended timed out (ACS_DIAGNOSTICS_SWEEP_MS). */
    sweepMs: number;
  };
}

export function loadDiagnosticsConfig(env: Record<string, string | undefined> = process.env): DiagnosticsConfig {
  const e = new EnvReader(env);
  return {
    grpc: { host: e.string('ACS_GRPC_HOST', '127.0.0.1'), port: e.int('ACS_GRPC_PORT', 50055, { min: 0, max: 65535 }) },
    dataDir: e.string('ACS_DATA_DIR', './data'),
    store: {
      cacheMiB: e.int('ACS_STORE_CACHE_MIB', 64, { min: 1 }),
      synchronous: e.oneOf('ACS_STORE_SYNC', ['normal', 'full'] as const, 'normal'),
    },
    provisioningAddress: e.string('ACS_DIAGNOSTICS_PROVISIONING_ADDRESS', '127.0.0.1:50051'),
    groupingAddress: e.string('ACS_DIAGNOSTICS_GROUPING_ADDRESS', '127.0.0.1:50054'),
    http: loadDiagnosticsHttpConfig(env),
    monitoring: {
      retention: {
        rawDays: e.int('ACS_DIAGNOSTICS_RAW_DAYS', 7, { min: 1, max: 366 }),
        hourlyDays: e.int('ACS_DIAGNOSTICS_HOURLY_DAYS', 90, { min: 1, max: 3660 }),
        dailyDays: e.int('ACS_DIAGNOSTICS_DAILY_DAYS', 730, { min: 1, max: 36600 }),
      },
      rollupMs: e.int('ACS_DIAGNOSTICS_ROLLUP_MS', 600_000, { min: 1000 }),
      ingestConcurrency: e.int('ACS_DIAGNOSTICS_INGEST_CONCURRENCY', 8, { min: 1, max: 1024 }),
    },
    alarms: {
      staleAfterSeconds: e.int('ACS_DIAGNOSTICS_ALARM_STALE_S', 900, { min: 1, max: 604_800 }),
      retentionDays: e.int('ACS_DIAGNOSTICS_ALARM_RETENTION_DAYS', 90, { min: 1, max: 3650 }),
      purgeMs: e.int('ACS_DIAGNOSTICS_ALARM_PURGE_MS', 3_600_000, { min: 1000 }),
    },
    runs: {
      timeoutMs: e.int('ACS_DIAGNOSTICS_RUN_TIMEOUT_MS', 600_000, { min: 1000, max: 86_400_000 }),
      sweepMs: e.int('ACS_DIAGNOSTICS_SWEEP_MS', 5000, { min: 10 }),
    },
  };
}
