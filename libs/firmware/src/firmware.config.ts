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
  };
}
