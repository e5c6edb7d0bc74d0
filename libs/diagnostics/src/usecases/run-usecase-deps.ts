import type { Logger } from '@acs/platform';

import type { RunStore } from '../repositories/run-ports';
import type { DiagnosticsDevices, DiagnosticsRunEvents, DiagnosticsTasks, DiagnosticsTasksNow, DiagnosticsTestUrls } from './run-ports';

/** What the run use cases are built on: the store, the ports, a clock and ids. */
export interface RunUseCaseDeps {
  store: RunStore;
  devices: DiagnosticsDevices;
  tasks: DiagnosticsTasks;
  events: DiagnosticsRunEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  newId: () => string;
  /** A run's timeout when the caller gives none (ACS_DIAGNOSTICS_RUN_TIMEOUT_MS). */
  defaultTimeoutMs: number;
  /** The ACS's own test endpoint, for download/upload runs that ask for it (absent: such runs are refused). */
  testUrls?: DiagnosticsTestUrls;
  /** Tasks done at once for a waiting operator (the UDP echo responder). */
  tasksNow?: DiagnosticsTasksNow;
}
