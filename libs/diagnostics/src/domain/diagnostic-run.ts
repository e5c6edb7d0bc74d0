import type { DataModelRoot, DiagnosticsKind } from './diagnostics-catalog';
import type { DiagnosticsSetValue } from './diagnostics-request';
import type { DiagnosticsMeasurement } from './diagnostics-result';

/** Where a run stands: running until the device's results are read, it fails, it times out or it is cancelled. */
export type DiagnosticRunStatus = 'running' | 'complete' | 'failed' | 'timedOut' | 'cancelled';

export const DIAGNOSTIC_RUN_STATUSES: readonly DiagnosticRunStatus[] = ['running', 'complete', 'failed', 'timedOut', 'cancelled'];

/**
 * The `state` of a run that ended without the device's DiagnosticsState: the ACS's own states, beside the device's
 * `Complete` and `Error_*` ones. `Rejected`: the device faulted the SetParameterValues that starts the test (or it
 * could not be sent); `ReadFailed`: the device faulted the read of the results.
 */
export const RunState = {
  timeout: 'Timeout',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  readFailed: 'ReadFailed',
} as const;

/** One on-demand test of one device (a document of `diagnostics.runs`). */
export interface DiagnosticRun {
  id: string;
  deviceId: string;
  kind: DiagnosticsKind;
  /** The device's data model root when the run was asked for. */
  root: DataModelRoot;
  /** The device's test object (`Device.IP.Diagnostics.IPPing.`): one run at a time per device and object. */
  objectPath: string;
  /** The inputs as the caller gave them. */
  inputs: Record<string, string>;
  /** The SetParameterValues sent: inputs with defaults, DiagnosticsState=Requested last. */
  valuesSet: DiagnosticsSetValue[];
  status: DiagnosticRunStatus;
  requestedBy?: string;
  createdAt: number;
  /** The run times out then (createdAt + its timeout). */
  deadline: number;
  /** When the device took the inputs (the SetParameterValues was done). */
  startedAt?: number;
  completedAt?: number;
  /** The SetParameterValues task. */
  setTaskId?: string;
  /** The current read task, waiting for `8 DIAGNOSTICS COMPLETE` (a new one when a read found the test still Requested). */
  readTaskId?: string;
  /** Final runs: the device's DiagnosticsState (`Complete`, `Error_*`), or a RunState. */
  state?: string;
  /** Failed, timed-out and cancelled runs: why, for a person. */
  reason?: string;
  /** Complete runs: what the device measured. */
  measurement?: DiagnosticsMeasurement;
}

/** `tr-181` for a `Device.` root, `tr-098` for `InternetGatewayDevice.`: how events and the API name the model. */
export type DataModelName = 'tr-181' | 'tr-098';

export function dataModelNameOf(root: DataModelRoot): DataModelName {
  return root === 'Device' ? 'tr-181' : 'tr-098';
}

/** Provisioning's task source for a run's tasks: its task events are told apart from every other task's by it. */
export function runTaskSource(runId: string): string {
  return `${RUN_TASK_SOURCE_PREFIX}${runId}`;
}

export const RUN_TASK_SOURCE_PREFIX = 'diagnostics:run:';

/** The run id of a task source of a run, or null for a task that is not a run's. */
export function runIdOfTaskSource(source: string): string | null {
  return source.startsWith(RUN_TASK_SOURCE_PREFIX) && source.length > RUN_TASK_SOURCE_PREFIX.length ? source.slice(RUN_TASK_SOURCE_PREFIX.length) : null;
}
