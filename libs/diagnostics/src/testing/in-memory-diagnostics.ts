import { NotFoundError } from '@acs/platform';
import type { AcsTaskEventData, AcsTaskFault, AcsTaskStatus } from '@acs/contracts';

import type { DataModelRoot } from '../domain/diagnostics-catalog';
import type { DiagnosticsSetValue } from '../domain/diagnostics-request';
import type { ReadValues } from '../domain/diagnostics-values';
import { runTaskSource } from '../domain/diagnostic-run';
import type { DiagnosticsDevices, DiagnosticsTasks } from '../usecases/run-ports';

/** Devices by id with their data model root; unknown ids are NotFoundError, as provisioning's GetDevice answers. */
export class InMemoryDiagnosticsDevices implements DiagnosticsDevices {
  constructor(private readonly roots: Record<string, DataModelRoot>) {}

  async rootOf(deviceId: string): Promise<DataModelRoot> {
    const root = this.roots[deviceId];
    if (!root) throw new NotFoundError('device', deviceId);
    return root;
  }
}

export interface RecordedTask {
  taskId: string;
  runId: string;
  deviceId: string;
  kind: 'getParameterValues' | 'setParameterValues';
  /** The read's object path. */
  objectPath?: string;
  /** The set's values. */
  values?: readonly DiagnosticsSetValue[];
  expiresAt: number;
  status: AcsTaskStatus;
  /** What a done read read. */
  result?: ReadValues;
}

/**
 * Provisioning's tasks as a run sees them, in memory: created pending, cancelled unless final, and finished by the
 * spec (`finish`), which answers the task event provisioning would publish. `failNextCreate` makes the next creation
 * throw, as an unreachable provisioning does.
 */
export class InMemoryDiagnosticsTasks implements DiagnosticsTasks {
  readonly tasks: RecordedTask[] = [];
  failNextCreate: Error | null = null;
  private ids = 0;

  async createRead(request: { runId: string; deviceId: string; objectPath: string; expiresAt: number }): Promise<{ taskId: string }> {
    return this.create({ ...request, kind: 'getParameterValues' });
  }

  async createSet(request: { runId: string; deviceId: string; values: readonly DiagnosticsSetValue[]; expiresAt: number }): Promise<{ taskId: string }> {
    return this.create({ ...request, kind: 'setParameterValues' });
  }

  async cancel(taskId: string): Promise<void> {
    const task = this.get(taskId);
    if (task.status === 'pending' || task.status === 'dispatched') task.status = 'cancelled';
  }

  async readValues(taskId: string): Promise<ReadValues> {
    return this.get(taskId).result ?? {};
  }

  get(taskId: string): RecordedTask {
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (!task) throw new NotFoundError('task', taskId);
    return task;
  }

  /** The tasks of a run, in creation order. */
  of(runId: string): RecordedTask[] {
    return this.tasks.filter((task) => task.runId === runId);
  }

  /**
   * Ends a task as provisioning would and answers its acs.task event: `result` for a done read (inline in the event
   * unless `inline: false`, as a result over 64 KiB is), `fault` for a faulted task.
   */
  finish(taskId: string, status: AcsTaskStatus, options: { result?: ReadValues; inline?: boolean; fault?: AcsTaskFault } = {}): AcsTaskEventData {
    const task = this.get(taskId);
    task.status = status;
    if (options.result) task.result = options.result;
    const values = Object.entries(options.result ?? {}).map(([path, value]) => ({ path, value, type: 'xsd:string' }));
    const inline = options.inline ?? true;
    return {
      taskId,
      deviceId: task.deviceId,
      kind: task.kind,
      status,
      source: runTaskSource(task.runId),
      attempts: 1,
      ...(options.fault ? { fault: options.fault } : {}),
      ...(options.result && inline ? { result: { values } } : {}),
      ...(options.result
        ? { resultSummary: { entryKind: 'parameter_values', entryCount: values.length, sizeBytes: inline ? 1000 : 100_000, inline, parametersRead: values.length, parametersSet: 0, parametersFailed: 0 } }
        : {}),
    };
  }

  private create(task: Omit<RecordedTask, 'taskId' | 'status'>): { taskId: string } {
    if (this.failNextCreate) {
      const error = this.failNextCreate;
      this.failNextCreate = null;
      throw error;
    }
    const taskId = `task-${++this.ids}`;
    this.tasks.push({ ...task, taskId, status: 'pending' });
    return { taskId };
  }
}
