import type { ServerUnaryCall, ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import { acsV1, provisioningV1 as internal } from '@acs/contracts';
import { abortSignalOf, serverStream, unary } from '@acs/platform';
import { backendError as backendErrorOf, type ProvisioningBackend } from './provisioning-backend';
import { CLIENT_METADATA_KEY } from '../security/nbi-security.interceptor';
import { relayMessage, type MessageCodec } from './wire-relay';

type InternalMethod = keyof InstanceType<typeof internal.ProvisioningServiceClient>;

/** A public message, its internal counterpart and their full names (for the wire-compatibility spec). */
function pair<P, I>(publicCodec: MessageCodec<P>, internalCodec: MessageCodec<I>, publicName: string, internalName: string) {
  return { publicCodec, internalCodec, names: [`acs.v1.${publicName}`, `acs.internal.provisioning.v1.${internalName}`] as const };
}

/**
 * Fields of internal requests that only the NBI sets, from what it knows of the caller (the client's name the
 * security interceptor put in `x-acs-client`), never from the public request. The wire-compatibility spec accepts
 * them as the only internal fields without a public counterpart.
 */
export const NBI_SET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'acs.internal.provisioning.v1.CreateTaskRequest': ['requested_by'],
};

interface RelayOptions<PReq, IReq> {
  /** Widens the default deadline of calls that wait on purpose (CreateTask with a wait). */
  extraMs?: (request: PReq) => number;
  /** Sets the NBI_SET_FIELDS of the internal request. */
  enrich?: (request: IReq, client: string) => IReq;
}

/** A public unary RPC answered by one internal RPC: messages converted by their wire form, the deadline passed on. */
function relay<PReq, IReq, IRes, PRes>(
  backend: ProvisioningBackend,
  method: InternalMethod,
  request: { publicCodec: MessageCodec<PReq>; internalCodec: MessageCodec<IReq> },
  response: { publicCodec: MessageCodec<PRes>; internalCodec: MessageCodec<IRes> },
  options: RelayOptions<PReq, IReq> = {},
) {
  return unary<PReq, PRes>(async (message: PReq, call: ServerUnaryCall<PReq, PRes>) => {
    let internalRequest = relayMessage(request.publicCodec, request.internalCodec, message);
    if (options.enrich) internalRequest = options.enrich(internalRequest, clientOf(call));
    const answer = await backend.unary<IReq, IRes>(method, internalRequest, call, options.extraMs?.(message) ?? 0);
    return relayMessage(response.internalCodec, response.publicCodec, answer);
  });
}

/** The authenticated client's name (set by the security interceptor; '' on a server without it, e.g. in tests). */
function clientOf(call: Pick<ServerUnaryCall<unknown, unknown>, 'metadata'>): string {
  const [value] = call.metadata.get(CLIENT_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}

const m = {
  listDevicesRequest: pair(acsV1.ListDevicesRequest, internal.QueryDevicesRequest, 'ListDevicesRequest', 'QueryDevicesRequest'),
  listDevicesResponse: pair(acsV1.ListDevicesResponse, internal.QueryDevicesResponse, 'ListDevicesResponse', 'QueryDevicesResponse'),
  getDeviceRequest: pair(acsV1.GetDeviceRequest, internal.GetDeviceRequest, 'GetDeviceRequest', 'GetDeviceRequest'),
  getDeviceResponse: pair(acsV1.GetDeviceResponse, internal.GetDeviceResponse, 'GetDeviceResponse', 'GetDeviceResponse'),
  getParametersRequest: pair(acsV1.GetDeviceParametersRequest, internal.GetParametersRequest, 'GetDeviceParametersRequest', 'GetParametersRequest'),
  getParametersResponse: pair(acsV1.GetDeviceParametersResponse, internal.GetParametersResponse, 'GetDeviceParametersResponse', 'GetParametersResponse'),
  tagDeviceRequest: pair(acsV1.TagDeviceRequest, internal.TagDeviceRequest, 'TagDeviceRequest', 'TagDeviceRequest'),
  tagDeviceResponse: pair(acsV1.TagDeviceResponse, internal.TagDeviceResponse, 'TagDeviceResponse', 'TagDeviceResponse'),
  untagDeviceRequest: pair(acsV1.UntagDeviceRequest, internal.UntagDeviceRequest, 'UntagDeviceRequest', 'UntagDeviceRequest'),
  untagDeviceResponse: pair(acsV1.UntagDeviceResponse, internal.UntagDeviceResponse, 'UntagDeviceResponse', 'UntagDeviceResponse'),
  deleteDeviceRequest: pair(acsV1.DeleteDeviceRequest, internal.DeleteDeviceRequest, 'DeleteDeviceRequest', 'DeleteDeviceRequest'),
  deleteDeviceResponse: pair(acsV1.DeleteDeviceResponse, internal.DeleteDeviceResponse, 'DeleteDeviceResponse', 'DeleteDeviceResponse'),

  createTaskRequest: pair(acsV1.CreateTaskRequest, internal.CreateTaskRequest, 'CreateTaskRequest', 'CreateTaskRequest'),
  createTaskResponse: pair(acsV1.CreateTaskResponse, internal.CreateTaskResponse, 'CreateTaskResponse', 'CreateTaskResponse'),
  getTaskRequest: pair(acsV1.GetTaskRequest, internal.GetTaskRequest, 'GetTaskRequest', 'GetTaskRequest'),
  getTaskResponse: pair(acsV1.GetTaskResponse, internal.GetTaskResponse, 'GetTaskResponse', 'GetTaskResponse'),
  listTasksRequest: pair(acsV1.ListTasksRequest, internal.ListTasksRequest, 'ListTasksRequest', 'ListTasksRequest'),
  listTasksResponse: pair(acsV1.ListTasksResponse, internal.ListTasksResponse, 'ListTasksResponse', 'ListTasksResponse'),
  cancelTaskRequest: pair(acsV1.CancelTaskRequest, internal.CancelTaskRequest, 'CancelTaskRequest', 'CancelTaskRequest'),
  cancelTaskResponse: pair(acsV1.CancelTaskResponse, internal.CancelTaskResponse, 'CancelTaskResponse', 'CancelTaskResponse'),
  retryTaskRequest: pair(acsV1.RetryTaskRequest, internal.RetryTaskRequest, 'RetryTaskRequest', 'RetryTaskRequest'),
  retryTaskResponse: pair(acsV1.RetryTaskResponse, internal.RetryTaskResponse, 'RetryTaskResponse', 'RetryTaskResponse'),
  watchTaskRequest: pair(acsV1.WatchTaskRequest, internal.WatchTaskRequest, 'WatchTaskRequest', 'WatchTaskRequest'),
  watchTaskResponse: pair(acsV1.WatchTaskResponse, internal.WatchTaskResponse, 'WatchTaskResponse', 'WatchTaskResponse'),

  createPresetRequest: pair(acsV1.CreatePresetRequest, internal.CreatePresetRequest, 'CreatePresetRequest', 'CreatePresetRequest'),
  createPresetResponse: pair(acsV1.CreatePresetResponse, internal.CreatePresetResponse, 'CreatePresetResponse', 'CreatePresetResponse'),
  getPresetRequest: pair(acsV1.GetPresetRequest, internal.GetPresetRequest, 'GetPresetRequest', 'GetPresetRequest'),
  getPresetResponse: pair(acsV1.GetPresetResponse, internal.GetPresetResponse, 'GetPresetResponse', 'GetPresetResponse'),
  listPresetsRequest: pair(acsV1.ListPresetsRequest, internal.ListPresetsRequest, 'ListPresetsRequest', 'ListPresetsRequest'),
  listPresetsResponse: pair(acsV1.ListPresetsResponse, internal.ListPresetsResponse, 'ListPresetsResponse', 'ListPresetsResponse'),
  updatePresetRequest: pair(acsV1.UpdatePresetRequest, internal.UpdatePresetRequest, 'UpdatePresetRequest', 'UpdatePresetRequest'),
  updatePresetResponse: pair(acsV1.UpdatePresetResponse, internal.UpdatePresetResponse, 'UpdatePresetResponse', 'UpdatePresetResponse'),
  deletePresetRequest: pair(acsV1.DeletePresetRequest, internal.DeletePresetRequest, 'DeletePresetRequest', 'DeletePresetRequest'),
  deletePresetResponse: pair(acsV1.DeletePresetResponse, internal.DeletePresetResponse, 'DeletePresetResponse', 'DeletePresetResponse'),
  validatePresetRequest: pair(acsV1.ValidatePresetRequest, internal.ValidatePresetRequest, 'ValidatePresetRequest', 'ValidatePresetRequest'),
  validatePresetResponse: pair(acsV1.ValidatePresetResponse, internal.ValidatePresetResponse, 'ValidatePresetResponse', 'ValidatePresetResponse'),

  listFaultsRequest: pair(acsV1.ListFaultsRequest, internal.ListFaultsRequest, 'ListFaultsRequest', 'ListFaultsRequest'),
  listFaultsResponse: pair(acsV1.ListFaultsResponse, internal.ListFaultsResponse, 'ListFaultsResponse', 'ListFaultsResponse'),
  clearFaultRequest: pair(acsV1.ClearFaultRequest, internal.ClearFaultRequest, 'ClearFaultRequest', 'ClearFaultRequest'),
  clearFaultResponse: pair(acsV1.ClearFaultResponse, internal.ClearFaultResponse, 'ClearFaultResponse', 'ClearFaultResponse'),
};

/**
 * Public messages and their internal counterparts, in the pairs the relays convert. The wire-compatibility spec
 * checks every pair field by field, recursively.
 */
export const RELAYED_MESSAGES: ReadonlyArray<readonly [string, string]> = Object.values(m).map((p) => p.names);

export function deviceServiceOf(backend: ProvisioningBackend): acsV1.DeviceServiceServer {
  return {
    listDevices: relay(backend, 'queryDevices', m.listDevicesRequest, m.listDevicesResponse),
    getDevice: relay(backend, 'getDevice', m.getDeviceRequest, m.getDeviceResponse),
    getDeviceParameters: relay(backend, 'getParameters', m.getParametersRequest, m.getParametersResponse),
    tagDevice: relay(backend, 'tagDevice', m.tagDeviceRequest, m.tagDeviceResponse),
    untagDevice: relay(backend, 'untagDevice', m.untagDeviceRequest, m.untagDeviceResponse),
    deleteDevice: relay(backend, 'deleteDevice', m.deleteDeviceRequest, m.deleteDeviceResponse),
  };
}

export function taskServiceOf(backend: ProvisioningBackend): acsV1.TaskServiceServer {
  return {
    createTask: relay(backend, 'createTask', m.createTaskRequest, m.createTaskResponse, {
      extraMs: (request) => request.waitTimeoutMs,
      enrich: (request, client) => ({ ...request, requestedBy: client }),
    }),
    getTask: relay(backend, 'getTask', m.getTaskRequest, m.getTaskResponse),
    listTasks: relay(backend, 'listTasks', m.listTasksRequest, m.listTasksResponse),
    cancelTask: relay(backend, 'cancelTask', m.cancelTaskRequest, m.cancelTaskResponse),
    retryTask: relay(backend, 'retryTask', m.retryTaskRequest, m.retryTaskResponse),
    watchTask: serverStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>((request, call) => relayWatch(backend, request, call)),
  };
}

/** Relays the internal task watch: each update converted and written; the client's cancel cancels the upstream. */
function relayWatch(
  backend: ProvisioningBackend,
  request: acsV1.WatchTaskRequest,
  call: ServerWritableStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>,
): Promise<void> {
  const upstream = backend.watchTask(relayMessage(m.watchTaskRequest.publicCodec, m.watchTaskRequest.internalCodec, request), call);
  const signal = abortSignalOf(call);
  signal.addEventListener('abort', () => upstream.cancel(), { once: true });
  return new Promise<void>((resolve, reject) => {
    upstream.on('data', (update: internal.WatchTaskResponse) => {
      call.write(relayMessage(m.watchTaskResponse.internalCodec, m.watchTaskResponse.publicCodec, update));
    });
    upstream.on('error', (error: ServiceError) => (signal.aborted ? resolve() : reject(backendErrorOf(error))));
    upstream.on('end', () => resolve());
  });
}

export function presetServiceOf(backend: ProvisioningBackend): acsV1.PresetServiceServer {
  return {
    createPreset: relay(backend, 'createPreset', m.createPresetRequest, m.createPresetResponse),
    getPreset: relay(backend, 'getPreset', m.getPresetRequest, m.getPresetResponse),
    listPresets: relay(backend, 'listPresets', m.listPresetsRequest, m.listPresetsResponse),
    updatePreset: relay(backend, 'updatePreset', m.updatePresetRequest, m.updatePresetResponse),
    deletePreset: relay(backend, 'deletePreset', m.deletePresetRequest, m.deletePresetResponse),
    validatePreset: relay(backend, 'validatePreset', m.validatePresetRequest, m.validatePresetResponse),
  };
}

export function faultServiceOf(backend: ProvisioningBackend): acsV1.FaultServiceServer {
  return {
    listFaults: relay(backend, 'listFaults', m.listFaultsRequest, m.listFaultsResponse),
    clearFault: relay(backend, 'clearFault', m.clearFaultRequest, m.clearFaultResponse),
  };
}
