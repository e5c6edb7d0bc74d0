import { parseEventCode } from '@acs/cwmp';
import { NotFoundError, type FieldViolation, type Logger } from '@acs/platform';

import type { DeviceRecord } from '../domain/device';
import type { Task, TaskSpec } from '../domain/task';
import type { DeviceRepository, PresetRepository } from '../repositories/ports';
import { FINAL_STATUSES, type TaskLifecycle } from '../tasks/task-lifecycle';
import { validateTaskSpec } from '../tasks/task-spec.validator';
import { invalid, required } from './violations';

/** The longest wait for a task's end a caller may ask for; longer waits belong to WatchTask. */
export const MAX_WAIT_TIMEOUT_MS = 600_000;
/** The most attempts a caller may give a task. */
export const MAX_TASK_ATTEMPTS = 100;
/**
 * A waiting caller is answered this long before it stops listening: an answer that arrives after its deadline is
 * dropped, and the caller would see a timeout instead of the task as it stands.
 */
export const DEADLINE_MARGIN_MS = 100;

/** A requesting client's name as the NBI passes it (the names of its clients file). */
const REQUESTER_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface CreateTaskCommand {
  deviceId: string;
  /** Absent when the caller sent none (refused: a task kind is required). */
  spec: TaskSpec | undefined;
  /** The API client asking (the NBI's name for it); the task's source becomes `api:<name>`, or `api` without one. */
  requestedBy?: string;
  /** In-process callers name the task's source themselves (`preset:<names>`, `acs:…`); it wins over requestedBy. */
  source?: string;
  /** The fault channel; `default` unless a preset names one. */
  channel?: string;
  connectionRequest?: boolean;
  /**
   * Hold the task until an Inform of the device carries this event code (`8 DIAGNOSTICS COMPLETE`, `2 PERIODIC`,
   * `M Reboot`, `X <OUI> <event>`; case and spacing as CPEs send them): that session runs it. Absent or "": now.
   */
  awaitEventCode?: string;
  /** 0 or absent: the configured default. */
  maxAttempts?: number;
  /** Epoch ms; absent: the configured expiry. */
  expiresAt?: number;
  /** Wait up to this long for the task to end before answering (0: answer at once). */
  waitTimeoutMs?: number;
  /** How long the caller still listens (its call's deadline); bounds the wait. */
  answerWithinMs?: number;
  /** The device as the caller just read it (an Inform's), to spare reading it again. */
  device?: Pick<DeviceRecord, 'rootObject'>;
}

export interface CreateTaskResult {
  task: Task;
  /** Whether the task had ended (done, faulted, expired, cancelled) when answered. */
  finished: boolean;
}

export interface CreateTaskDeps {
  devices: Pick<DeviceRepository, 'get'>;
  /** An applyPreset task must name a preset that exists. */
  presets: Pick<PresetRepository, 'get'>;
  lifecycle: TaskLifecycle;
  logger: Logger;
  now?: () => number;
}

/**
 * Creates a task on a known device and dispatches it; optionally waits for its end. Every caller goes through here
 * (the API, and presets and the connection-request credentials through ApplyInform), so every task spec is
 * validated before it is queued.
 */
export class CreateTask {
  private readonly now: () => number;

  constructor(private readonly deps: CreateTaskDeps) {
    this.now = deps.now ?? Date.now;
  }

  async execute(command: CreateTaskCommand): Promise<CreateTaskResult> {
    const { spec, expiresInMs, awaitEventCode } = this.validate(command);
    if (spec.kind === 'applyPreset' && !(await this.deps.presets.get(spec.name))) {
      throw invalid('invalid CreateTask request', [{ field: 'spec.apply_preset.name', description: `no preset is named ${spec.name}`, reason: 'NOT_FOUND' }]);
    }
    const device = command.device ?? (await this.deps.devices.get(command.deviceId));
    if (!device) throw new NotFoundError('device', command.deviceId);
    const source = command.source ?? (command.requestedBy ? `api:${command.requestedBy}` : 'api');
    let task = await this.deps.lifecycle.create({
      deviceId: command.deviceId,
      spec: wholeTreeAsRoot(spec, device.rootObject),
      source,
      ...(command.channel !== undefined ? { channel: command.channel } : {}),
      connectionRequest: command.connectionRequest,
      ...(command.maxAttempts ? { maxAttempts: command.maxAttempts } : {}),
      ...(expiresInMs !== undefined ? { expiresInMs } : {}),
      ...(awaitEventCode !== undefined ? { awaitEventCode } : {}),
    });
    if (command.source === undefined) this.deps.logger.info({ deviceId: task.deviceId, taskId: task.id, kind: task.spec.kind }, 'task created through the API');
    const waitMs = command.waitTimeoutMs ?? 0;
    if (waitMs > 0) {
      const bound = Math.min(waitMs, Math.max(0, (command.answerWithinMs ?? Infinity) - DEADLINE_MARGIN_MS));
      task = await this.deps.lifecycle.waitForFinal(task.id, bound);
    }
    return { task, finished: FINAL_STATUSES.has(task.status) };
  }

  private validate(command: CreateTaskCommand): { spec: TaskSpec; expiresInMs?: number; awaitEventCode?: string } {
    const violations: FieldViolation[] = [];
    if (command.deviceId === '') violations.push(required('device_id'));
    const { spec } = command;
    if (!spec) violations.push({ field: 'spec', description: 'a task kind is required', reason: 'REQUIRED' });
    else violations.push(...validateTaskSpec(spec));
    if ((command.waitTimeoutMs ?? 0) > MAX_WAIT_TIMEOUT_MS) {
      violations.push({ field: 'wait_timeout_ms', description: `at most ${MAX_WAIT_TIMEOUT_MS} (watch the task for longer)`, reason: 'OUT_OF_RANGE' });
    }
    if ((command.maxAttempts ?? 0) > MAX_TASK_ATTEMPTS) violations.push({ field: 'max_attempts', description: `at most ${MAX_TASK_ATTEMPTS}`, reason: 'OUT_OF_RANGE' });
    if (command.requestedBy && !REQUESTER_PATTERN.test(command.requestedBy)) {
      violations.push({ field: 'requested_by', description: 'a client name: 1–128 printable characters without spaces', reason: 'BAD_FORMAT' });
    }
    let expiresInMs: number | undefined;
    if (command.expiresAt !== undefined) {
      expiresInMs = command.expiresAt - this.now();
      if (!(expiresInMs > 0)) violations.push({ field: 'expire_time', description: 'must be in the future', reason: 'OUT_OF_RANGE' });
    }
    const awaitEventCode = command.awaitEventCode ? awaitableEventCode(command.awaitEventCode, command, violations) : undefined;
    if (violations.length > 0 || !spec) throw invalid('invalid CreateTask request', violations);
    return { spec, expiresInMs, awaitEventCode };
  }
}

/** The canonical spelling of an event code a task may wait for, or a violation. */
function awaitableEventCode(raw: string, command: CreateTaskCommand, violations: FieldViolation[]): string | undefined {
  const field = 'await_event_code';
  const parsed = parseEventCode(raw);
  if (parsed.type === 'unknown') {
    violations.push({ field, description: `${JSON.stringify(raw)} is not an Inform event code ("N NAME" of TR-069, "M <method>" or "X <OUI> <event>")`, reason: 'BAD_FORMAT' });
    return undefined;
  }
  if (command.connectionRequest) violations.push({ field: 'connection_request', description: 'a task awaiting an Inform event waits for the device; it cannot also wake it', reason: 'NOT_ALLOWED' });
  return parsed.code;
}

/**
 * CWMP has no "whole tree" refresh; it asks for the root object. The API's `""` (whole tree) becomes the device's
 * root object for a refresh and a full GetParameterNames (a next-level GetParameterNames of "" is meaningful as it
 * is: it names the root object).
 */
function wholeTreeAsRoot(spec: TaskSpec, rootObject: string): TaskSpec {
  if (spec.kind === 'refreshObject' && spec.path === '') return { ...spec, path: `${rootObject}.` };
  if (spec.kind === 'getParameterNames' && spec.path === '' && !spec.nextLevel) return { ...spec, path: `${rootObject}.` };
  return spec;
}
