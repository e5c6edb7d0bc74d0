import { internalTaskSourceOf, REQUESTED_BY_METADATA_KEY, TASK_SOURCE_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { InvalidParameterPathError } from '@acs/cwmp';
import { FilterSyntaxError } from '@acs/filter';
import { ConflictError, NotFoundError, ValidationError, abortSignalOf, remainingMs, serverStream, unary, type FieldViolation } from '@acs/platform';
import type { ServerUnaryCall } from '@grpc/grpc-js';

import type { TaskStatus } from '../domain';
import { ConcurrentWriteError, DeviceNotFoundError, InvalidQueryError } from '../repositories/ports';
import { TaskNotFoundError, TaskStateError } from '../tasks/task-lifecycle';
import type { PresetInput, ProvisioningUseCases } from '../usecases';
import { invalid } from '../usecases/violations';
import { DEFAULT_RESULT_PAGE_ENTRIES } from '../usecases/get-task-result.usecase';
import { decodeAfterKeyPageToken, decodePageToken, encodeAfterKeyPageToken, encodePageToken, nextPageToken, pageSizeOf } from '@acs/platform';
import {
  deviceToProto,
  faultToProto,
  fromTimestamp,
  parametersToProto,
  presetInputOf,
  presetIssueField,
  presetToProto,
  resultEntryToProto,
  resultValueToProto,
  taskResultSummaryToProto,
  taskSpecFromProto,
  taskStatusFromProto,
  taskToProto,
} from './provisioning.mappers';

/**
 * Provisioning's gRPC API — the public services acs.v1 DeviceService, TaskService, PresetService and FaultService,
 * served by provisioning itself (the NBI relays them; other services call them through @acs/clients): transport and
 * mapping only. Each RPC maps its request (and the call's metadata and deadline) to a use case's input, runs the use
 * case and maps the answer; `implementation` wraps them in the platform's handlers, which turn typed errors into
 * statuses with details. Errors of the domain code below the use cases (DeviceNotFoundError, TaskStateError,
 * FilterSyntaxError…) become those typed errors once, in `apiErrorOf`.
 *
 *   const { devices, tasks, presets, faults } = new ProvisioningGrpcController(useCases).implementation;
 *   host.addService(acsV1.DeviceServiceService, devices).addService(acsV1.TaskServiceService, tasks)…
 */
export class ProvisioningGrpcController {
  readonly implementation: {
    devices: pb.DeviceServiceServer;
    tasks: pb.TaskServiceServer;
    presets: pb.PresetServiceServer;
    faults: pb.FaultServiceServer;
  };

  constructor(private readonly useCases: ProvisioningUseCases) {
    const u = <Req, Res>(handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
      unary<Req, Res>((request, call) => mapErrors(() => handle.call(this, request, call)));
    this.implementation = {
      tasks: {
        createTask: u(this.createTask),
        getTask: u(this.getTask),
        listTasks: u(this.listTasks),
        cancelTask: u(this.cancelTask),
        retryTask: u(this.retryTask),
        getTaskResult: u(this.getTaskResult),
        watchTask: serverStream<pb.WatchTaskRequest, pb.WatchTaskResponse>((request, call) =>
          mapErrors(async () => {
            for await (const task of this.useCases.watchTask.execute({ taskId: request.taskId }, abortSignalOf(call))) call.write({ task: taskToProto(task) });
          }),
        ),
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
        listDevices: u(this.listDevices),
        getDevice: u(this.getDevice),
        getDeviceParameters: u(this.getDeviceParameters),
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

  // Tasks

  async createTask(request: pb.CreateTaskRequest, call: Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'metadata'>): Promise<pb.CreateTaskResponse> {
    const { task, finished } = await this.useCases.createTask.execute({
      deviceId: request.deviceId,
      spec: taskSpecFromProto(request.spec),
      requestedBy: requestedByOf(call),
      ...taskSourceOf(call),
      connectionRequest: request.connectionRequest,
      maxAttempts: request.maxAttempts,
      expiresAt: fromTimestamp(request.expireTime),
      awaitEventCode: request.awaitEventCode,
      waitTimeoutMs: request.waitTimeoutMs,
      answerWithinMs: remainingMs(call),
    });
    return { task: taskToProto(task), finished };
  }

  async getTask(request: pb.GetTaskRequest): Promise<pb.GetTaskResponse> {
    return { task: taskToProto(await this.useCases.getTask.execute({ taskId: request.taskId })) };
  }

  async listTasks(request: pb.ListTasksRequest): Promise<pb.ListTasksResponse> {
    const statuses = taskStatusesOf(request.statuses);
    const page = pageOf(request);
    const tasks = await this.useCases.listTasks.execute({ deviceId: request.deviceId, statuses, source: request.source, page });
    return { tasks: tasks.items.map((task) => taskToProto(task, { withResult: false })), nextPageToken: nextPageToken(page.skip, tasks.items.length, tasks.total) };
  }

  async getTaskResult(request: pb.GetTaskResultRequest): Promise<pb.GetTaskResultResponse> {
    const skip = decodePageToken(request.pageToken);
    const page = await this.useCases.getTaskResult.execute({ taskId: request.taskId, page: { skip, limit: request.pageSize || DEFAULT_RESULT_PAGE_ENTRIES } });
    const values = page.kind === 'parameter_values';
    return {
      taskId: page.task.id,
      summary: page.summary ? taskResultSummaryToProto(page.summary) : undefined,
      parameterValues: values ? page.entries.map(resultValueToProto) : [],
      entries: values ? [] : page.entries.map(resultEntryToProto),
      nextPageToken: page.nextSkip === undefined ? '' : encodePageToken(page.nextSkip),
    };
  }

  async cancelTask(request: pb.CancelTaskRequest): Promise<pb.CancelTaskResponse> {
    return { task: taskToProto(await this.useCases.cancelTask.execute({ taskId: request.taskId })) };
  }

  async retryTask(request: pb.RetryTaskRequest): Promise<pb.RetryTaskResponse> {
    return { task: taskToProto(await this.useCases.retryTask.execute({ taskId: request.taskId, connectionRequest: request.connectionRequest })) };
  }

  // Presets

  async createPreset(request: pb.CreatePresetRequest): Promise<pb.CreatePresetResponse> {
    return { preset: presetToProto(await this.useCases.savePreset.execute({ preset: presetInput(request.source), mode: 'create' })) };
  }

  async validatePreset(request: pb.ValidatePresetRequest): Promise<pb.ValidatePresetResponse> {
    return { preset: presetToProto(await this.useCases.savePreset.execute({ preset: presetInput(request.source), mode: 'validate' })) };
  }

  async updatePreset(request: pb.UpdatePresetRequest): Promise<pb.UpdatePresetResponse> {
    return { preset: presetToProto(await this.useCases.savePreset.execute({ preset: presetInput(request.source), mode: 'update' })) };
  }

  async getPreset(request: pb.GetPresetRequest): Promise<pb.GetPresetResponse> {
    return { preset: presetToProto(await this.useCases.getPreset.execute({ name: request.name })) };
  }

  async listPresets(request: pb.ListPresetsRequest): Promise<pb.ListPresetsResponse> {
    const page = pageOf(request);
    const presets = await this.useCases.listPresets.execute({ page });
    return { presets: presets.items.map(presetToProto), nextPageToken: nextPageToken(page.skip, presets.items.length, presets.total) };
  }

  async deletePreset(request: pb.DeletePresetRequest): Promise<pb.DeletePresetResponse> {
    await this.useCases.deletePreset.execute({ name: request.name });
    return {};
  }

  // Devices

  async listDevices(request: pb.ListDevicesRequest): Promise<pb.ListDevicesResponse> {
    const query = { filter: request.filter, projection: request.projection, sort: request.sort };
    if (!request.omitTotal) {
      const page = pageOf(request);
      const devices = await this.useCases.queryDevices.execute({ ...query, page });
      const total = devices.total ?? 0;
      return { devices: devices.items.map(deviceToProto), totalSize: total, nextPageToken: nextPageToken(page.skip, devices.items.length, total), warnings: devices.warnings };
    }
    // Uncounted: a full page says another may follow. In id order the token is the last id (keyset), else an offset.
    const limit = pageSizeOf(request.pageSize);
    const byId = request.sort.every((key) => key.field === 'id' && !key.descending);
    // The first page of a walk starts after '' (every id sorts after it), so it is read as a walk too.
    const afterId = byId ? (decodeAfterKeyPageToken(request.pageToken, request.filter) ?? '') : undefined;
    const skip = byId ? 0 : decodePageToken(request.pageToken);
    const devices = await this.useCases.queryDevices.execute({ ...query, page: { skip, limit }, withoutTotal: true, ...(afterId !== undefined ? { afterId } : {}) });
    const full = devices.items.length === limit;
    const last = devices.items[devices.items.length - 1];
    const next = !full ? '' : byId ? encodeAfterKeyPageToken(last.id, request.filter) : encodePageToken(skip + limit);
    return { devices: devices.items.map(deviceToProto), totalSize: 0, nextPageToken: next, warnings: devices.warnings };
  }

  async getDevice(request: pb.GetDeviceRequest): Promise<pb.GetDeviceResponse> {
    return { device: deviceToProto(await this.useCases.getDevice.execute({ deviceId: request.deviceId, parameterPrefix: request.parameterPrefix })) };
  }

  async getDeviceParameters(request: pb.GetDeviceParametersRequest): Promise<pb.GetDeviceParametersResponse> {
    return { parameters: parametersToProto(await this.useCases.getParameters.execute({ deviceId: request.deviceId, path: request.path })) };
  }

  async tagDevice(request: pb.TagDeviceRequest): Promise<pb.TagDeviceResponse> {
    return { tags: await this.useCases.tagDevice.execute({ deviceId: request.deviceId, tags: request.tags, action: 'add' }) };
  }

  async untagDevice(request: pb.UntagDeviceRequest): Promise<pb.UntagDeviceResponse> {
    return { tags: await this.useCases.tagDevice.execute({ deviceId: request.deviceId, tags: request.tags, action: 'remove' }) };
  }

  async deleteDevice(request: pb.DeleteDeviceRequest): Promise<pb.DeleteDeviceResponse> {
    await this.useCases.deleteDevice.execute({ deviceId: request.deviceId });
    return {};
  }

  // Faults

  async listFaults(request: pb.ListFaultsRequest): Promise<pb.ListFaultsResponse> {
    const page = pageOf(request);
    const faults = await this.useCases.listFaults.execute({ deviceId: request.deviceId, channel: request.channel, page });
    return { faults: faults.items.map(faultToProto), nextPageToken: nextPageToken(page.skip, faults.items.length, faults.total) };
  }

  async clearFault(request: pb.ClearFaultRequest): Promise<pb.ClearFaultResponse> {
    await this.useCases.clearFault.execute({ deviceId: request.deviceId, channel: request.channel });
    return {};
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata'>): string {
  const [value] = call.metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}

/** The source another ACS service names for its tasks (`firmware:<campaign>`), in TASK_SOURCE_METADATA_KEY. */
function taskSourceOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata'>): { source?: string } {
  const source = internalTaskSourceOf(call.metadata.get(TASK_SOURCE_METADATA_KEY)[0]);
  return source !== undefined ? { source } : {};
}

/** The skip/limit a request's page token and size stand for (the proto's page rules). */
function pageOf(request: { pageToken: string; pageSize: number }): { skip: number; limit: number } {
  return { skip: decodePageToken(request.pageToken), limit: pageSizeOf(request.pageSize) };
}

/** The domain statuses a ListTasks request names; one it does not know is a violation on its index. */
function taskStatusesOf(statuses: readonly pb.TaskStatus[]): TaskStatus[] {
  const known: TaskStatus[] = [];
  const violations: FieldViolation[] = [];
  statuses.forEach((status, i) => {
    const domain = taskStatusFromProto(status);
    if (domain) known.push(domain);
    else violations.push({ field: `statuses[${i}]`, description: `${pb.taskStatusToJSON(status)} is not a task status to list by`, reason: 'BAD_VALUE' });
  });
  if (violations.length > 0) throw invalid('invalid ListTasks request', violations);
  return known;
}

/** A Create/Update/ValidatePreset request's preset, for SavePreset: violations name the proto's fields. */
function presetInput(source: pb.CreatePresetRequest['source']): PresetInput {
  switch (source?.$case) {
    case undefined:
      return undefined;
    case 'preset':
      return { structured: presetInputOf(source.preset), fieldOf: (path) => presetIssueField(path, source.preset) };
    case 'yaml':
      return { yaml: source.yaml };
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
