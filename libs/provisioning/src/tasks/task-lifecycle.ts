import { randomUUID } from 'node:crypto';
import { isTransientFault, type AcsRequest, type TransferComplete } from '@acs/cwmp';
import type { ConnectionRequestEventData, RpcFaultEventData, RpcResultEventData } from '@acs/contracts';
import type { DeviceQueue, Logger, WorkItem } from '@acs/platform';
import type { DeviceRecord } from '../domain/device';
import type { Task, TaskFault, TaskSpec, TaskStatus } from '../domain/task';
import { summarizeTaskResult, taskResultEntries } from '../domain/task-result';
import type { DeviceRepository, FaultRepository, TaskRepository, TaskResultRepository } from '../repositories/ports';
import type { DeviceWaker } from './device-waker';
import type { TaskEventPublisher } from './task-event-publisher';
import type { Preset } from '../domain/preset';
import type { PresetPlan } from '../presets';
import { advancePresetRun, presetRunSpecs, startPresetRun, type PresetRunStep } from './preset-run';
import { firstRpcs, nextStep } from './task-rpcs';

export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['done', 'faulted', 'expired', 'cancelled']);

export interface TaskLifecycleConfig {
  /** Attempts before a task with transient faults is given up. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A task not done after this long is expired (its queued work withdrawn). */
  defaultExpiryMs: number;
}

export interface CreateTaskInput {
  deviceId: string;
  spec: TaskSpec;
  source?: string;
  channel?: string;
  connectionRequest?: boolean;
  expiresInMs?: number;
  maxAttempts?: number;
  /** Hold the task pending, unqueued, until an Inform carries this (canonical) event code: dispatchAwaited. */
  awaitEventCode?: string;
}

export interface TaskLifecycleDeps {
  tasks: TaskRepository;
  /** Where a result too large for the task's document goes. */
  results: Pick<TaskResultRepository, 'save' | 'delete'>;
  /** Read only: a task's first RPCs use the types the device reported. The inventory writes devices. */
  devices: Pick<DeviceRepository, 'get'>;
  faults: FaultRepository;
  queue: DeviceQueue;
  waker: DeviceWaker;
  events: TaskEventPublisher;
  logger: Logger;
  config: TaskLifecycleConfig;
  now?: () => number;
}

export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} not found`);
    this.name = 'TaskNotFoundError';
  }
}

export class TaskStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskStateError';
  }
}

/** Another writer kept changing the task while we tried to: the caller may try again. */
export class TaskConflictError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} keeps changing under us`);
    this.name = 'TaskConflictError';
  }
}

/**
 * The lifecycle of tasks: created dispatched → done / faulted / expired / cancelled, back to pending between the
 * attempts of a transient fault and dispatched again by the tick. Dispatching turns the task's
 * spec into work items on the device queue (and has the DeviceWaker wake the device); the gateway's results and
 * faults move the task on, multi-step tasks queue their next RPCs, transient faults retry with back-off; every step
 * is published on `acs.task` by the TaskEventPublisher. What an answer teaches about the device is the inventory's
 * (DeviceInventory.learn), not this class's. Inputs are trusted: the use cases (usecases/) validate them.
 * Every write is a compare-and-set on the task's revision, so two provisioning pods racing on one task cannot both
 * advance it; the loser re-reads and re-applies.
 */
export class TaskLifecycle {
  private readonly now: () => number;

  constructor(private readonly deps: TaskLifecycleDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Creates the task already dispatched: its first attempt's items are named in the insert that creates it, so no
   * other party ever sees it pending. Were it created pending and then dispatched, the periodic tick would find it due
   * in between and dispatch it too; only the compare-and-set on its revision then kept the two from both queueing the
   * attempt, and FerretDB does not isolate one (ADR 6): its CPE got the task's RPC twice (ADR 24).
   */
  async create(input: CreateTaskInput): Promise<Task> {
    if (input.awaitEventCode !== undefined) return this.createAwaiting(input, input.awaitEventCode);
    const now = this.now();
    const id = randomUUID();
    const device = await this.deps.devices.get(input.deviceId);
    const items = this.workItems({ id, deviceId: input.deviceId }, firstRpcs(input.spec, id, device));
    const task: Task = {
      id,
      deviceId: input.deviceId,
      spec: input.spec,
      status: 'dispatched',
      source: input.source ?? 'api',
      channel: input.channel ?? 'default',
      attempts: 1,
      maxAttempts: input.maxAttempts ?? this.deps.config.maxAttempts,
      createdAt: now,
      updatedAt: now,
      dispatchedAt: now,
      expiresAt: now + (input.expiresInMs ?? this.deps.config.defaultExpiryMs),
      connectionRequest: input.connectionRequest,
      workItemIds: items.map((item) => item.id),
      revision: 1,
    };
    await this.deps.tasks.create(task);
    await this.startAttempt(task, items, device);
    return task;
  }

  /**
   * A task waiting for an Inform event: pending with no attempt and no work items. The tick's `due` never returns it
   * (the repository gives it no due time), so only dispatchAwaited starts it — or expiry ends it.
   */
  private async createAwaiting(input: CreateTaskInput, awaitEventCode: string): Promise<Task> {
    const now = this.now();
    const task: Task = {
      id: randomUUID(),
      deviceId: input.deviceId,
      spec: input.spec,
      status: 'pending',
      source: input.source ?? 'api',
      channel: input.channel ?? 'default',
      attempts: 0,
      maxAttempts: input.maxAttempts ?? this.deps.config.maxAttempts,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + (input.expiresInMs ?? this.deps.config.defaultExpiryMs),
      awaitEventCode,
      workItemIds: [],
      revision: 1,
    };
    await this.deps.tasks.create(task);
    return task;
  }

  /**
   * Starts the first attempt of tasks that waited for one of an Inform's event codes (canonical spellings), during
   * that Inform's planning, so its session runs them. The dispatch is a compare-and-set: should the Inform be
   * redelivered to another pod, only one queues the work.
   */
  async dispatchAwaited(active: Task[], eventCodes: readonly string[]): Promise<Task[]> {
    const codes = new Set(eventCodes);
    const dispatched: Task[] = [];
    for (const task of active) {
      if (task.status !== 'pending' || task.attempts !== 0 || task.awaitEventCode === undefined || !codes.has(task.awaitEventCode)) continue;
      const started = await this.dispatch(task);
      if (started.status === 'dispatched' && started.attempts === 1) dispatched.push(started);
    }
    return dispatched;
  }

  async get(taskId: string): Promise<Task> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new TaskNotFoundError(taskId);
    return task;
  }

  /**
   * Starts the next attempt of a pending task (a retry after a transient fault, once due): queues its first RPCs and
   * wakes the device if the task asks for it. Only the tick calls it; should two ticks (two pods) race, only the first
   * dispatch of an attempt queues work, or the device would run the task twice.
   */
  async dispatch(task: Task): Promise<Task> {
    const device = await this.deps.devices.get(task.deviceId);
    const items = this.workItems(task, firstRpcs(task.spec, task.id, device));
    const dispatched = await this.write(
      task,
      // An applyPreset task's new attempt is planned afresh in the device's next session.
      { status: 'dispatched', attempts: task.attempts + 1, dispatchedAt: this.now(), workItemIds: items.map((i) => i.id), notBefore: undefined, presetRun: undefined },
      (current) => current.status === task.status && current.attempts === task.attempts,
    );
    if (!dispatched) return this.get(task.id);
    await this.startAttempt(dispatched, items, device);
    return dispatched;
  }

  /**
   * Starts an applyPreset task's attempt on the plan its device's session made (ApplyInform): the plan's first RPCs
   * queued, or the task ended at once when the device needs nothing. Only a dispatched attempt not planned yet is
   * started, once: a redelivered Inform, or a second pod, finds it planned and leaves it.
   */
  async runPreset(task: Task, preset: Preset, plan: PresetPlan, device: DeviceRecord | null): Promise<void> {
    const unplanned = (current: Task) => current.status === 'dispatched' && current.attempts === task.attempts && current.presetRun === undefined;
    if (!unplanned(task)) return;
    await this.applyPresetStep(task, startPresetRun(preset, plan, task.id, device), task.workItemIds, unplanned);
  }

  /**
   * Ends an applyPreset attempt its session could not plan (the preset is gone, the device does not match its
   * precondition): final, and not a fault of the device's, so nothing is raised on its channel.
   */
  async refusePreset(task: Task, fault: TaskFault): Promise<void> {
    if (task.status !== 'dispatched' || task.presetRun !== undefined) return;
    await this.fail(task, fault, { final: true, onDevice: false });
  }

  /** An answer to one of a task's RPCs: queue the next step, or complete the task. */
  async onRpcResult(data: RpcResultEventData): Promise<void> {
    const task = await this.outstanding(data.taskId, data.itemId);
    if (!task) return;
    const remaining = task.workItemIds.filter((id) => id !== data.itemId);
    if (task.presetRun) {
      // Planning again after reads, and an AddObject's follow-up SPV, need the device as it now stands.
      const device = await this.deps.devices.get(task.deviceId);
      const answered = { request: data.request, response: data.response, outstanding: remaining.length };
      await this.applyPresetStep(task, advancePresetRun(task.presetRun, task.id, answered, device, this.now()), remaining);
      return;
    }
    // Only an AddObject's follow-up SPV reads the device (for known value types): no whole-document read per answer.
    const device = task.spec.kind === 'addObject' ? await this.deps.devices.get(task.deviceId) : null;
    const step = nextStep(task.spec, task.id, data.request, data.response, device);
    if ('next' in step) {
      const items = this.workItems(task, step.next);
      await this.write(task, { workItemIds: [...remaining, ...items.map((i) => i.id)] });
      for (const item of items) await this.deps.queue.enqueue(item);
    } else if ('awaitTransfer' in step || remaining.length > 0) {
      await this.write(task, { workItemIds: remaining });
    } else {
      await this.complete(task, step.done);
    }
  }

  async onRpcFault(data: RpcFaultEventData): Promise<void> {
    const task = await this.outstanding(data.taskId, data.itemId);
    if (!task) return;
    const { fault } = data;
    await this.fail(task, {
      code: String(fault.faultCode),
      message: fault.faultString,
      parameters: fault.setParameterValuesFault.length
        ? fault.setParameterValuesFault.map((f) => ({ path: f.parameterName, code: f.faultCode, message: f.faultString }))
        : undefined,
      transient: isTransientFault(fault.faultCode),
    });
  }

  /** A Download or Upload ended: TransferComplete names its task by CommandKey. */
  async onTransferComplete(deviceId: string, request: TransferComplete): Promise<void> {
    const task = await this.active(request.commandKey);
    // An applyPreset task moved on when the CPE accepted the Download (preset-run.ts); the transfer's end is the
    // device's, not the task's next step.
    if (!task || task.deviceId !== deviceId || task.spec.kind === 'applyPreset') return;
    if (request.fault.faultCode === 0) {
      await this.complete(task, { startTime: request.startTime, completeTime: request.completeTime });
    } else {
      await this.fail(task, { code: String(request.fault.faultCode), message: request.fault.faultString, transient: isTransientFault(request.fault.faultCode) });
    }
  }

  /** A connection request that did not wake the device fails the tasks that asked for it, saying why. */
  async onConnectionRequest(data: ConnectionRequestEventData): Promise<void> {
    if (data.result === 'woke' || data.result === 'sent' || data.result === 'rate-limited') return;
    const reasons: Record<string, string> = {
      'auth-failed': 'the device refused the connection request credentials',
      unreachable: 'the device could not be reached for a connection request',
      timeout: 'the device did not answer the connection request in time',
      'no-address': 'the device has reported no connection request URL',
    };
    for (const taskId of data.taskIds) {
      const task = await this.active(taskId);
      // Only tasks still waiting for their first RPC to run: a task the device already started stays.
      if (!task || task.status !== 'dispatched') continue;
      // Final rather than left waiting for a session that may be days away: whoever asked to wake the device now learns
      // at once that it could not be woken. The message says so, since `transient` alone reads as "will be retried".
      const message = `${reasons[data.result] ?? data.result}: ${data.message}; the task is not retried by the ACS: retry it (RetryTask), or create it without a connection request to run at the device's next session`;
      await this.fail(task, { code: `cr-${data.result}`, message, transient: true }, { final: true });
    }
  }

  async cancel(taskId: string): Promise<Task> {
    const task = await this.get(taskId);
    if (FINAL_STATUSES.has(task.status)) throw new TaskStateError(`task ${taskId} is already ${task.status}`);
    await this.withdraw(task);
    return this.finish(task, 'cancelled', {});
  }

  /**
   * Runs a faulted, expired or cancelled task again, from the start. `connectionRequest`, when given, replaces the
   * task's own choice of waking the device (the API's RetryTask carries one).
   */
  async retry(taskId: string, options: { connectionRequest?: boolean } = {}): Promise<Task> {
    const task = await this.get(taskId);
    if (!FINAL_STATUSES.has(task.status) || task.status === 'done') throw new TaskStateError(`task ${taskId} is ${task.status}: only faulted, expired or cancelled tasks can be retried`);
    const device = await this.deps.devices.get(task.deviceId);
    const items = this.workItems(task, firstRpcs(task.spec, task.id, device));
    // Straight from its final state to its first attempt, never pending on the way: the tick dispatches pending tasks
    // that are due, and a reset task is due at once (see create).
    const retried = await this.write(
      task,
      {
        status: 'dispatched',
        attempts: 1,
        dispatchedAt: this.now(),
        workItemIds: items.map((item) => item.id),
        notBefore: undefined,
        fault: undefined,
        result: undefined,
        resultSummary: undefined,
        completedAt: undefined,
        presetRun: undefined,
        expiresAt: this.now() + this.deps.config.defaultExpiryMs,
        ...(options.connectionRequest !== undefined ? { connectionRequest: options.connectionRequest } : {}),
      },
      // A retry asked twice at once runs once: the second finds the task under way.
      (current) => current.status === task.status,
    );
    if (!retried) return this.get(task.id);
    await this.startAttempt(retried, items, device);
    return retried;
  }

  /** Periodic work: dispatch retries that are due, expire what is overdue. */
  async tick(): Promise<void> {
    for (const task of await this.deps.tasks.due(this.now(), 200)) {
      try {
        await this.dispatch(task);
      } catch (error) {
        this.deps.logger.warn({ taskId: task.id, err: error }, 'could not dispatch a due task');
      }
    }
    for (const task of await this.deps.tasks.expire(this.now())) {
      await this.withdraw(task);
      await this.deps.events.publish(task, 'expired');
    }
  }

  /**
   * A dispatched task some of whose work items left the device queue without their results reaching the task: the
   * process stopped (kill -9, power cut) after the gateway acknowledged an item and before provisioning consumed its
   * result from an in-memory bus. Nothing would ever move such a task on, so its attempt is ended like one that met a
   * transient fault — what is left of it withdrawn, the task back to pending — except that it is due at once rather
   * than after a back-off (the device did nothing wrong). The next tick dispatches it as a new attempt, counted, so
   * a task whose work keeps being lost (a result that crashes the process every time) runs out of attempts and
   * faults with `work-lost` instead of looping. Going through pending rather than dispatching here keeps one path
   * that queues work (dispatch, guarded against running an attempt twice) and keeps a start with many such tasks
   * quick: one write each, the tick dispatches them in its batches and wakes the devices that asked for it.
   */
  async redispatchLostWork(task: Task): Promise<Task> {
    const fault: TaskFault = { code: 'work-lost', message: "the ACS stopped while this attempt's RPCs were under way, and their work or results were lost", transient: true };
    return this.fail(task, fault, { retryAfterMs: 0 });
  }

  /** Resolves with the task once it is final, or as it is when `timeoutMs` runs out. */
  async waitForFinal(taskId: string, timeoutMs: number, signal?: AbortSignal): Promise<Task> {
    const until = this.now() + timeoutMs;
    for (;;) {
      const task = await this.get(taskId);
      if (FINAL_STATUSES.has(task.status) || this.now() >= until || signal?.aborted) return task;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(1, until - this.now()))));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async active(taskId: string | undefined): Promise<Task | null> {
    if (!taskId) return null;
    const task = await this.deps.tasks.get(taskId);
    return task && !FINAL_STATUSES.has(task.status) ? task : null;
  }

  /**
   * The active task still waiting for the answer to `itemId`, or null. An answer already applied (the bus delivers at
   * least once: a redelivered result would queue a multi-step task's next RPCs a second time, an AddObject's
   * SetParameterValues run twice) or one to an earlier attempt's item (a late result relayed from the gateway's
   * outbox) is not applied again.
   */
  private async outstanding(taskId: string | undefined, itemId: string): Promise<Task | null> {
    const task = await this.active(taskId);
    return task?.workItemIds.includes(itemId) ? task : null;
  }

  private workItems(task: Pick<Task, 'id' | 'deviceId'>, rpcs: AcsRequest[]): WorkItem[] {
    return rpcs.map((rpc) => ({ id: randomUUID(), deviceId: task.deviceId, rpc, taskId: task.id, enqueuedAt: this.now() }));
  }

  /** Records a preset run's next step: its RPCs queued after the task names them, or the task's end. */
  private async applyPresetStep(task: Task, step: PresetRunStep, remaining: string[], still?: (current: Task) => boolean): Promise<void> {
    if ('fault' in step) {
      await this.fail(task, step.fault);
    } else if ('done' in step) {
      await this.complete(task, step.done);
    } else {
      const items = this.workItems(task, step.next);
      const changes = { presetRun: step.run, workItemIds: [...remaining, ...items.map((i) => i.id)] };
      const written = still ? await this.write(task, changes, still) : await this.write(task, changes);
      if (!written) return;
      for (const item of items) await this.deps.queue.enqueue(item);
    }
  }

  /** An attempt recorded as dispatched: its items queued, `dispatched` published, the device woken if asked. */
  private async startAttempt(task: Task, items: WorkItem[], device: DeviceRecord | null): Promise<void> {
    // The task is saved before its items are queued, so a result can never arrive for a task we do not know.
    for (const item of items) await this.deps.queue.enqueue(item);
    await this.deps.events.publish(task, 'dispatched');
    if (task.connectionRequest) await this.deps.waker.wake(device ?? { id: task.deviceId }, [task.id]);
  }

  /**
   * A large result is written apart before the task says it is done, so whoever sees the task done can page it; the
   * task (and its `acs.task.done` event) then carries the summary alone.
   */
  private async complete(task: Task, result: unknown): Promise<void> {
    // Cleared first, for the same reason the fault is raised first.
    await this.deps.faults.clear(task.deviceId, task.channel);
    const resultSummary = summarizeTaskResult(task.spec, result, presetRunSpecs(task.presetRun));
    if (resultSummary.inline) {
      await this.finish(task, 'done', { result, resultSummary });
      return;
    }
    const { kind, entries } = taskResultEntries(result);
    await this.deps.results.save(task.id, kind, entries);
    try {
      await this.finish(task, 'done', { result: undefined, resultSummary });
    } catch (error) {
      // Not recorded as done (the task kept changing under us): its result would never be read.
      await this.deps.results.delete(task.id);
      throw error;
    }
  }

  /**
   * Ends the attempt: a transient fault with attempts left goes back to pending (due after the back-off, or after
   * `retryAfterMs` when given), anything else faults the task for good.
   */
  private async fail(task: Task, fault: TaskFault, options: { final?: boolean; retryAfterMs?: number; onDevice?: boolean } = {}): Promise<Task> {
    await this.withdraw(task);
    if (fault.transient && !options.final && task.attempts < task.maxAttempts) {
      const delay = options.retryAfterMs ?? Math.min(this.deps.config.retryMaxMs, this.deps.config.retryBaseMs * 2 ** (task.attempts - 1));
      const retrying = await this.write(task, { status: 'pending', fault, notBefore: this.now() + delay, workItemIds: [] });
      await this.deps.events.publish(retrying, 'retrying');
      return retrying;
    }
    // The device fault first: whoever sees the task faulted finds the fault on record.
    if (options.onDevice !== false) await this.deps.faults.raise({ deviceId: task.deviceId, channel: task.channel, code: fault.code, message: fault.message, detail: { taskId: task.id, parameters: fault.parameters }, at: this.now() });
    return this.finish(task, 'faulted', { fault });
  }

  private async finish(task: Task, status: Extract<TaskStatus, 'done' | 'faulted' | 'cancelled' | 'expired'>, changes: Partial<Task>): Promise<Task> {
    const final = await this.write(task, { ...changes, status, completedAt: this.now(), workItemIds: [] });
    await this.deps.events.publish(final, status);
    return final;
  }

  /** Withdraws the task's items that have not run yet. */
  private async withdraw(task: Task): Promise<void> {
    for (const itemId of task.workItemIds) await this.deps.queue.remove(task.deviceId, itemId);
  }

  /** Applies `changes` on the latest revision; with `still`, only while it holds (else null: someone else moved it). */
  private async write(task: Task, changes: Partial<Task>): Promise<Task>;
  private async write(task: Task, changes: Partial<Task>, still: (current: Task) => boolean): Promise<Task | null>;
  private async write(task: Task, changes: Partial<Task>, still?: (current: Task) => boolean): Promise<Task | null> {
    let current = task;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (still && !still(current)) return null;
      const next: Task = { ...current, ...changes, updatedAt: this.now(), revision: current.revision + 1 };
      if (await this.deps.tasks.update(next)) return next;
      const fresh = await this.deps.tasks.get(task.id);
      if (!fresh) throw new TaskNotFoundError(task.id);
      current = fresh;
    }
    throw new TaskConflictError(task.id);
  }
}
