import type { LeaseRepository } from '@acs/platform';

import type { AlarmStore } from '../alarms/repositories/ports';
import type { MonitoringStore } from '../monitoring/repositories/ports';
import type { RunStore } from './run-ports';

/**
 * The diagnostics service's persistence, as the module and the use cases take it: one store (`diagnostics.sqlite` in
 * the standalone, the `diagnostics.*` collections on MongoDB) whose parts each open their own repositories on it —
 * the test runs (RunStore) here, the threshold rules and alarms under `alarms`, the samples and profiles under
 * `monitoring`, and the leases of the service's periodic work.
 */
export interface DiagnosticsStore extends RunStore {
  alarms: AlarmStore;
  monitoring: MonitoringStore;
  leases: LeaseRepository;
  close(): Promise<void>;
}
