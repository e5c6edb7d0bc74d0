import type { Page, Paged } from '@acs/platform';

import type { DiagnosticsKind } from '../domain/diagnostics-catalog';
import type { DiagnosticRun, DiagnosticRunStatus } from '../domain/diagnostic-run';

export interface RunQuery {
  deviceId?: string;
  kind?: DiagnosticsKind;
  status?: DiagnosticRunStatus;
}

/** The test runs (`diagnostics.runs`). One contract (testing/run-repository.contract.ts) on both stores. */
export interface DiagnosticRunRepository {
  /** ConflictError (already-exists) when the id is taken. */
  insert(run: DiagnosticRun): Promise<void>;
  get(id: string): Promise<DiagnosticRun | null>;
  /** Newest first (by creation, then id). */
  list(query: RunQuery, page: Page): Promise<Paged<DiagnosticRun>>;
  /**
   * Stores a running run's progress (its tasks, when it started): only while it is still running and, when
   * `expectedReadTaskId` is given, still waiting on that read. Whether it was stored.
   */
  updateRunning(id: string, changes: Partial<Pick<DiagnosticRun, 'setTaskId' | 'readTaskId' | 'startedAt'>>, expectedReadTaskId?: string): Promise<boolean>;
  /** Replaces a running run by its ended form; false when it had ended already (of two enders, one wins). */
  finish(run: DiagnosticRun): Promise<boolean>;
  /** Running runs whose deadline is at or before `now`, the earliest first. */
  overdue(now: number, limit: number): Promise<DiagnosticRun[]>;
  /** Deletes a run that never started (its tasks could not be created). */
  delete(id: string): Promise<boolean>;
}

/** Who holds a device's test object: the run going on, and when it times out. */
export interface RunSlot {
  runId: string;
  deadline: number;
}

/** One run at a time per device and test object (`diagnostics.runSlots`). */
export interface RunSlotRepository {
  /** Claims the object for `runId`: null when claimed, else the slot of the run that holds it. */
  claim(deviceId: string, objectPath: string, slot: RunSlot): Promise<RunSlot | null>;
  /** Frees the object when `runId` holds it; whether it did. */
  release(deviceId: string, objectPath: string, runId: string): Promise<boolean>;
}

/** The runs' part of the diagnostics store (the store's other parts add theirs beside it). */
export interface RunStore {
  runs: DiagnosticRunRepository;
  runSlots: RunSlotRepository;
}
