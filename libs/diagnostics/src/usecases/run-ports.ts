import type { DataModelRoot } from '../domain/diagnostics-catalog';
import type { DiagnosticsSetValue } from '../domain/diagnostics-request';
import type { ReadValues } from '../domain/diagnostics-values';
import type { DiagnosticRun } from '../domain/diagnostic-run';

/** The inventory as runs need it: which data model a device has. */
export interface DiagnosticsDevices {
  /** The device's root object; NotFoundError when the device is unknown. */
  rootOf(deviceId: string): Promise<DataModelRoot>;
}

/**
 * The provisioning tasks of a run (adapter: provisioning/provisioning-diagnostics-tasks.ts over @acs/clients), each
 * filed under the run's source (`diagnostics:run:<runId>`) and tried once: the run's deadline bounds them.
 */
export interface DiagnosticsTasks {
  /**
   * The read of the results: a GetParameterValues of the test object that waits, neither queued nor with a
   * connection request, for an Inform carrying `8 DIAGNOSTICS COMPLETE`, and runs in that session; it expires at
   * `expiresAt`.
   */
  createRead(request: { runId: string; deviceId: string; objectPath: string; expiresAt: number }): Promise<{ taskId: string }>;
  /** The SetParameterValues that starts the test, with a connection request; it expires at `expiresAt`. */
  createSet(request: { runId: string; deviceId: string; values: readonly DiagnosticsSetValue[]; expiresAt: number }): Promise<{ taskId: string }>;
  /** Cancels a task unless it is final already (then nothing happens). */
  cancel(taskId: string): Promise<void>;
  /** Every value a done read task read, by path (paged from provisioning when the result is too large to travel inline). */
  readValues(taskId: string): Promise<ReadValues>;
}

/** The runs' news on `acs.diagnostics` (service/run-event.publisher.ts). */
export interface DiagnosticsRunEvents {
  completed(run: DiagnosticRun): Promise<void>;
  failed(run: DiagnosticRun): Promise<void>;
}

/**
 * The ACS's own TR-143 test endpoint (http/DiagnosticsHttpServer): URLs signed for one run, valid until its deadline,
 * for a payload (download) or a body (upload) of a given size.
 */
export interface DiagnosticsTestUrls {
  /** The largest payload a URL is issued for (ACS_DIAGNOSTICS_HTTP_MAX_BYTES). */
  readonly maxBytes: number;
  issueDownloadUrl(grant: { runId: string; bytes: number; expiresAt: number }): string;
  issueUploadUrl(grant: { runId: string; maxBytes: number; expiresAt: number }): string;
}

/** What became of a task done now (provisioning's CreateTask wait): final, or still under way when the wait ended. */
export interface TaskNowOutcome {
  taskId: string;
  status: 'done' | 'faulted' | 'expired' | 'cancelled' | 'pending' | 'dispatched';
  /** Faulted: the CPE's fault (or the ACS's reason: unreachable…), as `code: message`. */
  fault?: string;
  /** Done reads: the values read, by path. */
  values?: ReadValues;
}

/**
 * Tasks done at once for an operator waiting on the answer (the UDP echo responder): with a connection request, tried
 * once, filed under the diagnostics service's source, waiting up to `waitMs` for the device.
 */
export interface DiagnosticsTasksNow {
  set(request: { deviceId: string; values: readonly DiagnosticsSetValue[]; waitMs: number }): Promise<TaskNowOutcome>;
  read(request: { deviceId: string; path: string; waitMs: number }): Promise<TaskNowOutcome>;
}
