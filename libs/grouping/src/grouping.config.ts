import { hostname } from 'node:os';

import { EnvReader } from '@acs/platform';

export interface GroupingConfig {
  /** Where a grouping pod's gRPC API (GroupService) listens (ACS_GRPC_HOST, ACS_GRPC_PORT, default 50054). */
  grpc: { host: string; port: number };
  /** Where the standalone keeps `grouping.sqlite` (ACS_DATA_DIR). */
  dataDir: string;
  /** The standalone's SQLite settings, shared with the other services' stores (ACS_STORE_CACHE_MIB, ACS_STORE_SYNC). */
  store: { cacheMiB: number; synchronous: 'normal' | 'full' };
  /** Provisioning's gRPC API, for a grouping pod (ACS_GROUPING_PROVISIONING_ADDRESS); the standalone calls it in process. */
  provisioningAddress: string;
  /** The firmware service's gRPC API, for a grouping pod's campaign jobs (ACS_GROUPING_FIRMWARE_ADDRESS); the standalone calls it in process. */
  firmwareAddress: string;
  /** Devices per ListDevices page in a full evaluation (ACS_GROUPING_PAGE_SIZE). */
  pageSize: number;
  /**
   * How often the groups whose filters read what no event reports are re-evaluated fully, by one pod
   * (ACS_GROUPING_REEVALUATE_MS; 0 = never).
   */
  reevaluateMs: number;
  /**
   * This pod's name among the grouping pods (ACS_POD_NAME, default the host name): the re-evaluation lease's owner and
   * the owner of the job runs it drives.
   */
  podName: string;
  jobs: {
    /** How often the jobs' round runs (ACS_GROUPING_JOB_TICK_MS): runs ticked, due runs started. */
    tickMs: number;
    /**
     * How long a pod drives a run without ticking it before another pod takes it over (ACS_GROUPING_JOB_LEASE_MS): how
     * long a killed pod's runs wait.
     */
    leaseMs: number;
  };
}

export function loadGroupingConfig(env: Record<string, string | undefined> = process.env): GroupingConfig {
  const e = new EnvReader(env);
  return {
    grpc: { host: e.string('ACS_GRPC_HOST', '127.0.0.1'), port: e.int('ACS_GRPC_PORT', 50054, { min: 0, max: 65535 }) },
    dataDir: e.string('ACS_DATA_DIR', './data'),
    store: {
      cacheMiB: e.int('ACS_STORE_CACHE_MIB', 64, { min: 1 }),
      synchronous: e.oneOf('ACS_STORE_SYNC', ['normal', 'full'] as const, 'normal'),
    },
    provisioningAddress: e.string('ACS_GROUPING_PROVISIONING_ADDRESS', '127.0.0.1:50051'),
    firmwareAddress: e.string('ACS_GROUPING_FIRMWARE_ADDRESS', '127.0.0.1:50053'),
    pageSize: e.int('ACS_GROUPING_PAGE_SIZE', 1000, { min: 1, max: 10_000 }),
    reevaluateMs: e.int('ACS_GROUPING_REEVALUATE_MS', 600_000, { min: 0 }),
    podName: e.string('ACS_POD_NAME', hostname()),
    jobs: {
      tickMs: e.int('ACS_GROUPING_JOB_TICK_MS', 1000, { min: 10 }),
      leaseMs: e.int('ACS_GROUPING_JOB_LEASE_MS', 30_000, { min: 1000 }),
    },
  };
}
