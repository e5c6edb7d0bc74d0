import { setTimeout as sleep } from 'node:timers/promises';

import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { InvalidParameterPathError, normalizeParameterPath, parameterPathSegments } from '@acs/cwmp';
import { FilterSyntaxError, compileFilterToMongo, parseFilter } from '@acs/filter';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  abortSignalOf,
  remainingMs,
  serverStream,
  unary,
  type FieldViolation,
  type Logger,
} from '@acs/platform';
import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';

import { API_DEVICE_FIELDS, DEVICE_QUERY_FIELDS, type Preset, type TaskSpec, type TaskStatus } from '../domain';
import { DEVICE_FILTER_SHAPE } from '../filter/storedDeviceShape';
import { PresetValidationError, parsePresetYaml, validatePreset, type PresetIssue } from '../presets';
import {
  ConcurrentWriteError,
  DeviceNotFoundError,
  InvalidQueryError,
  type DeviceQuery,
  type ProjectedDevice,
  type ProvisioningStore,
} from '../repositories/ports';
import { FINAL_STATUSES, TaskConflictError, TaskManager, TaskNotFoundError, TaskStateError } from '../tasks/task-manager';
import { decodePageToken, nextPageToken, pageSizeOf } from './page-token';
import {
  deviceToProto,
  faultToProto,
  parametersToProto,
  presetInputOf,
  presetIssueField,
  presetToProto,
  taskSpecFromProto,
  taskStatusFromProto,
  taskToProto,
} from './provisioning.mappers';
import { validateTaskSpec } from './task-spec.validator';

/** How often WatchTask looks at the task. */
export const WATCH_POLL_MS = 200;
/** The longest CreateTask wait a client may ask for; longer waits belong to WatchTask. */
export const MAX_WAIT_TIMEOUT_MS = 600_000;
/** The most attempts a client may give a task. */
export const MAX_TASK_ATTEMPTS = 100;
/**
 * A waiting CreateTask answers this long before the call's deadline: an answer that arrives after it is dropped by
 * the client, which would see DEADLINE_EXCEEDED instead of the task as it stands.
 */
export const DEADLINE_MARGIN_MS = 100;

/** The preset rules the API applies; by default the ones preset files go through. */
export interface PresetRules {
  /** A preset in the YAML shape → the domain preset, or its issues (paths in that shape). */
  validate(raw: unknown, updatedAt: number): { preset: Preset; issues: [] } | { preset?: undefined; issues: PresetIssue[] };
  /** The presets of a YAML text; throws PresetValidationError. */
  parseYaml(text: string, sourceName: string): Preset[];
}

export interface ProvisioningGrpcServiceDeps {
  store: ProvisioningStore;
  tasks: TaskManager;
  presets?: PresetRules;
  logger: Logger;
  /** Publishes `acs.device.deleted` (the device's last event on the public topic). */
  onDeviceDeleted?: (device: { id: string; oui: string; productClass: string; serialNumber: string }) => Promise<void>;
  now?: () => number;
}

/** A requesting client's name as the NBI passes it (the names of its clients file). */
const REQUESTER_PATTERN = /^[\x21-\x7e]{1,128}$/;

const DEFAULT_PRESET_RULES: PresetRules = {
  validate: validatePreset,
  parseYaml: (text, sourceName) => parsePresetYaml(text, sourceName),
};

/** SortField names → device fields: the proto's names (`last_inform_time`) and the filter language's (`lastInform`). */
const SORT_FIELDS: ReadonlyMap<string, string> = new Map([
  ...DEVICE_QUERY_FIELDS.map((f) => [f, f] as [string, string]),
  ['product_class', 'productClass'],
  ['serial_number', 'serialNumber'],
  ['root_object', 'rootObject'],
  ['software_version', 'softwareVersion'],
  ['hardware_version', 'hardwareVersion'],
  ['register_time', 'registeredAt'],
  ['last_inform_time', 'lastInform'],
  ['last_boot_time', 'lastBoot'],
  ['last_bootstrap_time', 'lastBootstrap'],
]);

/** A tag is one word: filters compare tags whole, and lists of tags are written comma-separated. */
const TAG = /^[^\s,]{1,128}$/;

/**
 * Provisioning's gRPC API — the public services acs.v1 DeviceService, TaskService, PresetService and FaultService,
 * served by provisioning itself (the NBI relays them; other services call them through @acs/clients) — over its
 * store and TaskManager. Each RPC is a method taking the request (and the call, for deadlines and cancellation) and returning
 * the response; `implementation` wraps them in the platform's handlers, which turn the typed errors thrown here
 * into statuses with details. Errors of the domain code (TaskStateError, DeviceNotFoundError, FilterSyntaxError…)
 * are mapped to those typed errors once, in `apiErrorOf`.
 *
 *   const { devices, tasks, presets, faults } = new ProvisioningGrpcService(deps).implementation;
 *   host.addService(acsV1.DeviceServiceService, devices).addService(acsV1.TaskServiceService, tasks)…
 */
export class ProvisioningGrpcService {
  readonly implementation: {
    devices: pb.DeviceServiceServer;
    tasks: pb.TaskServiceServer;
    presets: pb.PresetServiceServer;
    faults: pb.FaultServiceServer;
  };
  private readonly store: ProvisioningStore;
  private readonly tasks: TaskManager;
  private readonly presetRules: PresetRules;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly onDeviceDeleted: NonNullable<ProvisioningGrpcServiceDeps['onDeviceDeleted']>;

  constructor(deps: ProvisioningGrpcServiceDeps) {
    this.onDeviceDeleted = deps.onDeviceDeleted ?? (async () => undefined);
    this.store = deps.store;
    this.tasks = deps.tasks;
    this.presetRules = deps.presets ?? DEFAULT_PRESET_RULES;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    const u = <Req, Res>(handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
      unary<Req, Res>((request, call) => mapErrors(() => handle.call(this, request, call)));
    this.implementation = {
      tasks: {
        createTask: u(this.createTask),
        getTask: u(this.getTask),
        listTasks: u(this.listTasks),
        cancelTask: u(this.cancelTask),
        retryTask: u(this.retryTask),
        watchTask: serverStream<pb.WatchTaskRequest, pb.WatchTaskResponse>((request, call) => mapErrors(() => this.watchTask(request, call))),
      },
      presets: {
        createPreset: u(this.createPreset),
        getPreset: u(this.getPreset),
        listPresets: u(this.listPresets),
        updatePreset: u(this.updatePreset),
        deletePreset: u(this.deletePreset),
        validatePreset: u(this.validatePreset),
      },
      devices: {
        listDevices: u(this.queryDevices),
        getDevice: u(this.getDevice),
        getDeviceParameters: u(this.getParameters),
        tagDevice: u(this.tagDevice),
        untagDevice: u(this.untagDevice),
        deleteDevice: u(this.deleteDevice),
      },
      faults: {
        listFaults: u(this.listFaults),
        clearFault: u(this.clearFault),
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tasks

  async createTask(request: pb.CreateTaskRequest, call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'metadata'>): Promise<pb.CreateTaskResponse> {
    const requestedBy = requestedByOf(call);
    const violations: FieldViolation[] = [];
    if (request.deviceId === '') violations.push(required('device_id'));
    const spec = taskSpecFromProto(request.spec);
    if (!spec) violations.push({ field: 'spec', description: 'a task kind is required', reason: 'REQUIRED' });
    else violations.push(...validateTaskSpec(spec));
    if (request.waitTimeoutMs > MAX_WAIT_TIMEOUT_MS) {
      violations.push({ field: 'wait_timeout_ms', description: `at most ${MAX_WAIT_TIMEOUT_MS} (watch the task for longer)`, reason: 'OUT_OF_RANGE' });
    }
    if (request.maxAttempts > MAX_TASK_ATTEMPTS) violations.push({ field: 'max_attempts', description: `at most ${MAX_TASK_ATTEMPTS}`, reason: 'OUT_OF_RANGE' });
    if (requestedBy !== '' && !REQUESTER_PATTERN.test(requestedBy)) {
      violations.push({ field: 'requested_by', description: 'a client name: 1–128 printable characters without spaces', reason: 'BAD_FORMAT' });
    }
    let expiresInMs: number | undefined;
    if (request.expireTime !== undefined) {
      expiresInMs = request.expireTime.getTime() - this.now();
      if (!(expiresInMs > 0)) violations.push({ field: 'expire_time', description: 'must be in the future', reason: 'OUT_OF_RANGE' });
    }
    if (violations.length > 0 || !spec) throw invalid('invalid CreateTask request', violations);

    const device = await this.store.devices.get(request.deviceId);
    if (!device) throw new NotFoundError('device', request.deviceId);
    let task = await this.tasks.create({
      deviceId: request.deviceId,
      spec: wholeTreeAsRoot(spec, device.rootObject),
      source: requestedBy === '' ? 'api' : `api:${requestedBy}`,
      connectionRequest: request.connectionRequest,
      ...(request.maxAttempts > 0 ? { maxAttempts: request.maxAttempts } : {}),
      ...(expiresInMs !== undefined ? { expiresInMs } : {}),
    });
    this.logger.info({ deviceId: task.deviceId, taskId: task.id, kind: task.spec.kind }, 'task created through the API');
    if (request.waitTimeoutMs > 0) {
      const bound = Math.min(request.waitTimeoutMs, Math.max(0, remainingMs(call) - DEADLINE_MARGIN_MS));
      task = await this.tasks.waitForFinal(task.id, bound);
    }
    return { task: taskToProto(task), finished: FINAL_STATUSES.has(task.status) };
  }

  async getTask(request: pb.GetTaskRequest): Promise<pb.GetTaskResponse> {
    return { task: taskToProto(await this.tasks.get(requireField(request.taskId, 'task_id'))) };
  }

  async listTasks(request: pb.ListTasksRequest): Promise<pb.ListTasksResponse> {
    const statuses: TaskStatus[] = [];
    const violations: FieldViolation[] = [];
    request.statuses.forEach((status, i) => {
      const known = taskStatusFromProto(status);
      if (known) statuses.push(known);
      else violations.push({ field: `statuses[${i}]`, description: `${pb.taskStatusToJSON(status)} is not a task status to list by`, reason: 'BAD_VALUE' });
    });
    if (violations.length > 0) throw invalid('invalid ListTasks request', violations);
    const offset = decodePageToken(request.pageToken);
    const page = await this.store.tasks.list(
      {
        ...(request.deviceId !== '' ? { deviceId: request.deviceId } : {}),
        ...(statuses.length > 0 ? { status: statuses } : {}),
        ...(request.source !== '' ? { source: request.source } : {}),
      },
      { skip: offset, limit: pageSizeOf(request.pageSize) },
    );
    return { tasks: page.items.map(taskToProto), nextPageToken: nextPageToken(offset, page.items.length, page.total) };
  }

  async cancelTask(request: pb.CancelTaskRequest): Promise<pb.CancelTaskResponse> {
    const taskId = requireField(request.taskId, 'task_id');
    const task = await withStateReason(taskId, 'TASK_ALREADY_FINAL', () => this.tasks.cancel(taskId));
    this.logger.info({ deviceId: task.deviceId, taskId }, 'task cancelled through the API');
    return { task: taskToProto(task) };
  }

  async retryTask(request: pb.RetryTaskRequest): Promise<pb.RetryTaskResponse> {
    const taskId = requireField(request.taskId, 'task_id');
    const task = await withStateReason(taskId, 'TASK_NOT_RETRYABLE', () => this.tasks.retry(taskId, { connectionRequest: request.connectionRequest }));
    this.logger.info({ deviceId: task.deviceId, taskId }, 'task retried through the API');
    return { task: taskToProto(task) };
  }

  /**
   * Sends the task, then each new revision of it, until it is final or the client goes away. Polls the store rather
   * than the `acs.task` topic: a revision is bumped on every write, whichever pod made it, and a 200 ms poll of one
   * document per watcher is cheap next to a consumer group per watch.
   */
  async watchTask(request: pb.WatchTaskRequest, call: ServerWritableStream<pb.WatchTaskRequest, pb.WatchTaskResponse>): Promise<void> {
    const taskId = requireField(request.taskId, 'task_id');
    const signal = abortSignalOf(call);
    let task = await this.store.tasks.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    let sentRevision: number | undefined;
    while (!signal.aborted) {
      if (task.revision !== sentRevision) {
        call.write({ task: taskToProto(task) });
        sentRevision = task.revision;
      }
      if (FINAL_STATUSES.has(task.status)) return;
      try {
        await sleep(WATCH_POLL_MS, undefined, { signal });
      } catch {
        return; // aborted: the client cancelled or its deadline passed
      }
      const latest = await this.store.tasks.get(taskId);
      // Deleted while watched (its device was forgotten): nothing more will come.
      if (!latest) throw new NotFoundError('task', taskId);
      task = latest;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Presets

  async createPreset(request: pb.CreatePresetRequest): Promise<pb.CreatePresetResponse> {
    const preset = this.presetOf(request.source);
    if (await this.store.presets.get(preset.name)) {
      throw new ConflictError(`preset ${preset.name} already exists`, { kind: 'already-exists', reason: 'PRESET_EXISTS', subject: `preset ${preset.name}` });
    }
    await this.store.presets.put(preset);
    this.logger.info({ preset: preset.name }, 'preset created through the API');
    return { preset: presetToProto(preset) };
  }

  async validatePreset(request: pb.ValidatePresetRequest): Promise<pb.ValidatePresetResponse> {
    return { preset: presetToProto(this.presetOf(request.source)) };
  }

  async getPreset(request: pb.GetPresetRequest): Promise<pb.GetPresetResponse> {
    const name = requireField(request.name, 'name');
    const preset = await this.store.presets.get(name);
    if (!preset) throw new NotFoundError('preset', name);
    return { preset: presetToProto(preset) };
  }

  async listPresets(request: pb.ListPresetsRequest): Promise<pb.ListPresetsResponse> {
    const offset = decodePageToken(request.pageToken);
    // The repository lists every preset (they are few, and the catalog holds them all anyway); the page is cut here.
    const all = await this.store.presets.list();
    const items = all.slice(offset, offset + pageSizeOf(request.pageSize));
    return { presets: items.map(presetToProto), nextPageToken: nextPageToken(offset, items.length, all.length) };
  }

  async updatePreset(request: pb.UpdatePresetRequest): Promise<pb.UpdatePresetResponse> {
    const preset = this.presetOf(request.source);
    if (!(await this.store.presets.get(preset.name))) throw new NotFoundError('preset', preset.name);
    await this.store.presets.put(preset);
    this.logger.info({ preset: preset.name }, 'preset updated through the API');
    return { preset: presetToProto(preset) };
  }

  async deletePreset(request: pb.DeletePresetRequest): Promise<pb.DeletePresetResponse> {
    const name = requireField(request.name, 'name');
    if (!(await this.store.presets.delete(name, this.now()))) throw new NotFoundError('preset', name);
    this.logger.info({ preset: name }, 'preset deleted through the API');
    return {};
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Devices

  async queryDevices(request: pb.ListDevicesRequest): Promise<pb.ListDevicesResponse> {
    const violations: FieldViolation[] = [];
    let filter: DeviceQuery['filter'] = {};
    try {
      filter = compileFilterToMongo(parseFilter(request.filter, DEVICE_FILTER_SHAPE), DEVICE_FILTER_SHAPE);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError) && !(error instanceof InvalidParameterPathError)) throw error;
      violations.push({ field: 'filter', description: error.message, reason: 'BAD_FILTER' });
    }
    request.projection.forEach((path, i) => {
      const problem = pathProblem(path);
      if (problem) violations.push({ field: `projection[${i}]`, description: problem, reason: 'BAD_FORMAT' });
    });
    const sort: NonNullable<DeviceQuery['sort']> = [];
    request.sort.forEach((key, i) => {
      const field = SORT_FIELDS.get(key.field);
      const problem = field === undefined ? pathProblem(key.field) : undefined;
      if (problem) violations.push({ field: `sort[${i}].field`, description: `neither a device field (id, last_inform_time, software_version, …) nor a parameter path: ${problem}`, reason: 'BAD_FORMAT' });
      else sort.push([field ?? normalizeParameterPath(key.field), key.descending ? -1 : 1]);
    });
    const offset = decodePageToken(request.pageToken);
    if (violations.length > 0) throw invalid('invalid QueryDevices request', violations);

    const page = await this.store.devices.query({
      filter,
      projection: [...API_DEVICE_FIELDS, ...request.projection],
      sort,
      skip: offset,
      limit: pageSizeOf(request.pageSize),
    });
    return { devices: page.items.map(deviceToProto), totalSize: page.total, nextPageToken: nextPageToken(offset, page.items.length, page.total) };
  }

  async getDevice(request: pb.GetDeviceRequest): Promise<pb.GetDeviceResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    const prefix = request.parameterPrefix;
    if (prefix !== '') checkPath(prefix, 'parameter_prefix');
    return { device: deviceToProto(await this.readDevice(deviceId, prefix === '' ? 'all' : [prefix])) };
  }

  async getParameters(request: pb.GetDeviceParametersRequest): Promise<pb.GetDeviceParametersResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    if (request.path !== '') checkPath(request.path, 'path');
    const device = await this.readDevice(deviceId, request.path === '' ? 'all' : [request.path]);
    return { parameters: parametersToProto(device.parameters ?? {}) };
  }

  async tagDevice(request: pb.TagDeviceRequest): Promise<pb.TagDeviceResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    checkTags(request.tags);
    return { tags: await this.store.devices.setTags(deviceId, request.tags, []) };
  }

  async untagDevice(request: pb.UntagDeviceRequest): Promise<pb.UntagDeviceResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    checkTags(request.tags);
    return { tags: await this.store.devices.setTags(deviceId, [], request.tags) };
  }

  /**
   * Forgets a device. Its pending and dispatched tasks are cancelled through the TaskManager, which withdraws their
   * queued work items (the task records stay, as history); its faults are cleared; then the inventory entry goes.
   * Work items that belong to no task are not provisioning's and stay in the device's queue.
   */
  async deleteDevice(request: pb.DeleteDeviceRequest): Promise<pb.DeleteDeviceResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    const device = await this.store.devices.get(deviceId);
    if (!device) throw new NotFoundError('device', deviceId);
    for (const task of await this.store.tasks.activeForDevice(deviceId)) {
      try {
        await this.tasks.cancel(task.id);
      } catch (error) {
        // Finished meanwhile: nothing to withdraw.
        if (!(error instanceof TaskStateError) && !(error instanceof TaskNotFoundError)) throw error;
      }
    }
    for (;;) {
      const { items } = await this.store.faults.list({ deviceId }, { skip: 0, limit: 100 });
      let cleared = 0;
      for (const fault of items) if (await this.store.faults.clear(fault.deviceId, fault.channel)) cleared++;
      if (items.length === 0 || cleared === 0) break;
    }
    if (!(await this.store.devices.delete(deviceId))) throw new NotFoundError('device', deviceId);
    await this.onDeviceDeleted(device);
    this.logger.info({ deviceId }, 'device deleted through the API');
    return {};
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Faults

  async listFaults(request: pb.ListFaultsRequest): Promise<pb.ListFaultsResponse> {
    const offset = decodePageToken(request.pageToken);
    const page = await this.store.faults.list(
      { ...(request.deviceId !== '' ? { deviceId: request.deviceId } : {}), ...(request.channel !== '' ? { channel: request.channel } : {}) },
      { skip: offset, limit: pageSizeOf(request.pageSize) },
    );
    return { faults: page.items.map(faultToProto), nextPageToken: nextPageToken(offset, page.items.length, page.total) };
  }

  async clearFault(request: pb.ClearFaultRequest): Promise<pb.ClearFaultResponse> {
    const deviceId = requireField(request.deviceId, 'device_id');
    const channel = request.channel === '' ? 'default' : request.channel;
    if (!(await this.store.faults.clear(deviceId, channel))) throw new NotFoundError('fault', `${deviceId}/${channel}`);
    this.logger.info({ deviceId, channel }, 'fault cleared through the API');
    return {};
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The preset a Create/UpdatePreset request carries, validated, stamped now. */
  private presetOf(source: pb.CreatePresetRequest['source']): Preset {
    const updatedAt = this.now();
    switch (source?.$case) {
      case undefined:
        throw invalid('a preset is required', [{ field: 'preset', description: 'set preset or yaml', reason: 'REQUIRED' }]);
      case 'preset': {
        const result = this.presetRules.validate(presetInputOf(source.preset), updatedAt);
        if (result.preset) return result.preset;
        throw invalid(
          'invalid preset',
          result.issues.map((issue) => ({ field: presetIssueField(issue.path, source.preset), description: issue.message, reason: 'INVALID_PRESET' })),
        );
      }
      case 'yaml': {
        let presets: Preset[];
        try {
          presets = this.presetRules.parseYaml(source.yaml, 'yaml');
        } catch (error) {
          if (!(error instanceof PresetValidationError)) throw error;
          throw invalid(
            'invalid preset YAML',
            error.issues.map((issue) => ({
              field: 'yaml',
              description: [issue.line !== undefined ? `line ${issue.line}` : '', issue.field, issue.message].filter((part) => part !== '').join(': '),
              reason: 'INVALID_PRESET',
            })),
          );
        }
        if (presets.length !== 1) {
          throw invalid('invalid preset YAML', [{ field: 'yaml', description: `one preset per request, found ${presets.length}`, reason: 'BAD_VALUE' }]);
        }
        return { ...presets[0], updatedAt };
      }
    }
  }

  /** A device with its API fields and the parameters of the given subtrees (or all), read with a projection. */
  private async readDevice(deviceId: string, parameters: readonly string[] | 'all'): Promise<ProjectedDevice> {
    const projection = [...API_DEVICE_FIELDS, ...(parameters === 'all' ? ['parameters'] : parameters)];
    const { items } = await this.store.devices.query({ filter: { _id: deviceId }, projection, skip: 0, limit: 1 });
    if (!items[0]) throw new NotFoundError('device', deviceId);
    return items[0];
  }
}

/**
 * CWMP has no "whole tree" refresh; it asks for the root object. The proto's `""` (whole tree) becomes the device's
 * root object for a refresh and a full GetParameterNames (a next-level GetParameterNames of "" is meaningful as it
 * is: it names the root object).
 */
function wholeTreeAsRoot(spec: TaskSpec, rootObject: string): TaskSpec {
  if (spec.kind === 'refreshObject' && spec.path === '') return { ...spec, path: `${rootObject}.` };
  if (spec.kind === 'getParameterNames' && spec.path === '' && !spec.nextLevel) return { ...spec, path: `${rootObject}.` };
  return spec;
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata'>): string {
  const [value] = call.metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}

function required(field: string): FieldViolation {
  return { field, description: 'required', reason: 'REQUIRED' };
}

function invalid(message: string, violations: FieldViolation[]): ValidationError {
  const first = violations[0];
  return new ValidationError(first ? `${message}: ${first.field}: ${first.description}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}` : message, violations);
}

function requireField(value: string, field: string): string {
  if (value === '') throw ValidationError.forField(field, 'required', 'REQUIRED');
  return value;
}

/** Why `path` is not a parameter path, or undefined when it is one. */
function pathProblem(path: string): string | undefined {
  try {
    parameterPathSegments(path);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidParameterPathError) return error.message;
    throw error;
  }
}

function checkPath(path: string, field: string): void {
  const problem = pathProblem(path);
  if (problem) throw ValidationError.forField(field, problem, 'BAD_FORMAT');
}

function checkTags(tags: readonly string[]): void {
  if (tags.length === 0) throw ValidationError.forField('tags', 'at least one tag is required', 'REQUIRED');
  const violations: FieldViolation[] = [];
  tags.forEach((tag, i) => {
    if (!TAG.test(tag)) {
      violations.push({ field: `tags[${i}]`, description: `"${tag}" is not a tag: 1–128 characters, no spaces or commas`, reason: 'BAD_FORMAT' });
    }
  });
  if (violations.length > 0) throw invalid('invalid tags', violations);
}

/** Runs a TaskManager transition; a TaskStateError becomes FAILED_PRECONDITION with `reason`. */
async function withStateReason<T>(taskId: string, reason: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TaskStateError) throw new ConflictError(error.message, { kind: 'precondition', reason, subject: `task ${taskId}` });
    if (error instanceof TaskConflictError) throw new ConflictError(error.message, { kind: 'concurrent-write', reason: 'TASK_CHANGED', subject: `task ${taskId}` });
    throw error;
  }
}

/** Runs a handler body, turning the errors of provisioning's domain code into the platform's typed errors. */
async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw apiErrorOf(error);
  }
}

export function apiErrorOf(error: unknown): unknown {
  if (error instanceof TaskNotFoundError) return new NotFoundError('task', error.taskId);
  if (error instanceof DeviceNotFoundError) return new NotFoundError('device', error.deviceId);
  if (error instanceof TaskStateError) return new ConflictError(error.message, { kind: 'precondition', reason: 'TASK_STATE' });
  if (error instanceof ConcurrentWriteError) return new ConflictError(error.message, { kind: 'concurrent-write' });
  if (error instanceof FilterSyntaxError) return ValidationError.forField('filter', error.message, 'BAD_FILTER');
  if (error instanceof InvalidParameterPathError || error instanceof InvalidQueryError) return new ValidationError(error.message);
  return error;
}
