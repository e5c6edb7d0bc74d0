import type { AcsRequest } from '@acs/cwmp';
import type { Preset } from './preset';

/** What an operator (or a preset) asks of a device. Each becomes one or more work items (RPCs). */
export type TaskSpec =
  | { kind: 'getParameterValues'; parameterNames: string[] }
  | { kind: 'setParameterValues'; values: Array<{ path: string; value: string | number | boolean; type?: string }> }
  /** GetParameterNames (next level false) of the subtree, then GetParameterValues of what it returned. */
  | { kind: 'refreshObject'; path: string }
  | { kind: 'getParameterNames'; path: string; nextLevel: boolean }
  | { kind: 'addObject'; path: string; values?: Array<{ name: string; value: string | number | boolean; type?: string }> }
  | { kind: 'deleteObject'; path: string }
  | { kind: 'getParameterAttributes'; parameterNames: string[] }
  | { kind: 'setParameterAttributes'; attributes: Array<{ path: string; notification: number; accessList?: string[] }> }
  | { kind: 'reboot' }
  | { kind: 'factoryReset' }
  | { kind: 'download'; fileType: string; url: string; username?: string; password?: string; fileSize?: number; targetFileName?: string; delaySeconds?: number }
  | { kind: 'upload'; fileType: string; url: string; username?: string; password?: string; delaySeconds?: number }
  | { kind: 'scheduleInform'; delaySeconds: number }
  /** One preset's actions, planned in the device's next session and run as this task's RPCs (tasks/preset-run.ts). */
  | { kind: 'applyPreset'; name: string };

export type TaskKind = TaskSpec['kind'];

export type TaskStatus = 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';

export interface TaskFault {
  /** CPE fault code (9xxx), or an ACS-side reason code: `cr-unreachable`, `cr-auth-failed`, `timeout`, `expired`… */
  code: string;
  message: string;
  /** For SetParameterValues faults: the parameters and their own fault codes. */
  parameters?: Array<{ path: string; code: number; message: string }>;
  /** Whether a retry may succeed (transient CPE faults, unreachable devices). */
  transient: boolean;
}

/** What a done task's result holds, without it: small whatever the result's size. */
export interface TaskResultSummary {
  /** `parameter_values`, `names`, `attributes` (the result's list), or `object` (the result is one entry). */
  entryKind: TaskResultEntryKind;
  entryCount: number;
  /** The result as JSON text, in bytes. */
  sizeBytes: number;
  /** Whether the result is small enough to travel in the task itself (INLINE_RESULT_MAX_BYTES). */
  inline: boolean;
  /** GetParameterValues and refresh: the values read. */
  parametersRead: number;
  /** SetParameterValues and AddObject with values: the values set. */
  parametersSet: number;
}

export type TaskResultEntryKind = 'parameter_values' | 'names' | 'attributes' | 'object';

export interface Task {
  id: string;
  deviceId: string;
  spec: TaskSpec;
  status: TaskStatus;
  /** `api`, or `preset:<name>` for work a preset created. */
  source: string;
  /** Preset channel, for faults; `default` for API tasks. */
  channel: string;
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  updatedAt: number;
  /** Pending tasks whose time has not come wait for this (retry back-off). */
  notBefore?: number;
  /** A task not done by then is expired. */
  expiresAt?: number;
  dispatchedAt?: number;
  completedAt?: number;
  /** Wake the device with a connection request when the task is dispatched (and on each retry). */
  connectionRequest?: boolean;
  /**
   * The Inform event code (canonical spelling, e.g. `8 DIAGNOSTICS COMPLETE`) the task waits for: pending with no
   * attempt and queued nowhere until an Inform of the device carries it, then dispatched before that session is marked
   * planned, so the session runs it. Its retries (after a transient fault) are due like any task's: the event came.
   */
  awaitEventCode?: string;
  /** Work items queued for the current attempt, in order. */
  workItemIds: string[];
  /**
   * What the device answered (e.g. the values read), when done — only when it is small (resultSummary.inline); a
   * larger result is kept apart, in pages (TaskResultRepository).
   */
  result?: unknown;
  /** Set when done: what the result holds (task-result.ts). */
  resultSummary?: TaskResultSummary;
  fault?: TaskFault;
  /** An applyPreset task's attempt once its session planned it: the plan's work and how far it got. */
  presetRun?: PresetRun;
  /** Bumped on every write; repositories refuse stale writes. */
  revision: number;
}

/**
 * An applyPreset task's plan under way: the tasks a preset plan would have created, run one after the other as this
 * task's RPCs. Kept in the task, so any pod that receives the next answer moves it on.
 */
export interface PresetRun {
  /** The preset as it was planned: an edit while the run is under way does not change it. */
  preset: Preset;
  /** The plan's work, in run order; `step` is the one whose RPCs are out. */
  specs: TaskSpec[];
  step: number;
  /** 1, or 2 once the preset was planned again after the reads the first plan needed (an instance table not seen). */
  round: number;
  /** What the first plan could not work out yet (planPresets' `unresolved`), by message. */
  unresolved: string[];
  /** Tags the plan changed (applied by the inventory when planned). */
  tags: { add: string[]; remove: string[] };
  /** The answers of the steps done, in order. */
  results: Array<{ kind: TaskKind; result: unknown }>;
}

/** A work item's RPC and the task it belongs to, as provisioning plans it. */
export interface PlannedRpc {
  rpc: AcsRequest;
  taskId: string;
}
