import type { RunStore } from './run-ports';

/**
 * The diagnostics service's persistence, as the module and the use cases take it: one store (`diagnostics.sqlite` in
 * the standalone, the `diagnostics.*` collections on MongoDB) whose parts each open their own repositories on it —
 * the test runs (RunStore) here; monitoring and alarms add theirs to this interface and to the two openers.
 */
export interface DiagnosticsStore extends RunStore {
  close(): Promise<void>;
}
