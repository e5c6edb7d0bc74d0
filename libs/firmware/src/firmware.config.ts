import { hostname } from 'node:os';

import { EnvReader } from '@acs/platform';

export interface FirmwareConfig {
  /** The largest file an upload may bring (ACS_FIRMWARE_MAX_FILE_BYTES); larger ones are refused, nothing kept. */
  maxFileBytes: number;
  /** Where the standalone keeps `firmware.sqlite` and `files/` (ACS_DATA_DIR). */
  dataDir: string;
  /** The standalone's SQLite settings, shared with provisioning's store (ACS_STORE_CACHE_MIB, ACS_STORE_SYNC). */
  store: { cacheMiB: number; synchronous: 'normal' | 'full' };
  /** The firmware pod's gRPC API (ACS_GRPC_HOST, ACS_GRPC_PORT); the standalone serves it in-process only. */
  grpc: { host: string; port: number };
  campaigns: {
    /** This pod's name among the firmware pods (ACS_POD_NAME, default the host name): the rollout engine's owner. */
    podName: string;
    /** How often running campaigns are ticked (ACS_FIRMWARE_TICK_MS). */
    tickMs: number;
    /**
     * How long a pod drives a campaign without ticking it before another pod takes it over (ACS_FIRMWARE_LEASE_MS):
     * how long a killed pod's campaigns wait, and a claimed but unstarted device with them.
     */
    leaseMs: number;
    /** How long a Download's signed URL, credentials and task stay valid (ACS_FIRMWARE_DOWNLOAD_VALID_MS). */
    downloadValidForMs: number;
    /** Provisioning's gRPC API, for a firmware pod (ACS_FIRMWARE_PROVISIONING_ADDRESS); the standalone calls it in process. */
    provisioningAddress: string;
    /**
     * The grouping service's gRPC API, whose group members campaigns over a group select (ACS_FIRMWARE_GROUPING_ADDRESS);
     * the standalone calls the grouping core in process.
     */
    groupingAddress: string;
  };
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

export function loadFirmwareConfig(env: Record<string, string | undefined> = process.env): FirmwareConfig {
  const e = new EnvReader(env);
  return {
    maxFileBytes: e.int('ACS_FIRMWARE_MAX_FILE_BYTES', DEFAULT_MAX_FILE_BYTES, { min: 1 }),
    dataDir: e.string('ACS_DATA_DIR', './data'),
    store: {
      cacheMiB: e.int('ACS_STORE_CACHE_MIB', 64, { min: 1 }),
      synchronous: e.oneOf('ACS_STORE_SYNC', ['normal', 'full'] as const, 'normal'),
    },
    grpc: { host: e.string('ACS_GRPC_HOST', '127.0.0.1'), port: e.int('ACS_GRPC_PORT', 50053, { min: 0, max: 65535 }) },
    campaigns: {
      podName: e.string('ACS_POD_NAME', hostname()),
      tickMs: e.int('ACS_FIRMWARE_TICK_MS', 1000, { min: 10 }),
      leaseMs: e.int('ACS_FIRMWARE_LEASE_MS', 30_000, { min: 1000 }),
      downloadValidForMs: e.int('ACS_FIRMWARE_DOWNLOAD_VALID_MS', 86_400_000, { min: 60_000 }),
      provisioningAddress: e.string('ACS_FIRMWARE_PROVISIONING_ADDRESS', '127.0.0.1:50051'),
      groupingAddress: e.string('ACS_FIRMWARE_GROUPING_ADDRESS', '127.0.0.1:50054'),
    },
  };
}
