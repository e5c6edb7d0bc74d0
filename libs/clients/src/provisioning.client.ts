import { Metadata, status } from '@grpc/grpc-js';
import { acsV1, TASK_SOURCE_METADATA_KEY } from '@acs/contracts';
import { serviceClient, type ServiceClient, type ServiceTransport } from './service-client';

/**
 * The provisioning service's API: the public services it serves itself (the NBI relays them as they are), under the
 * dependency name its failures and health are reported as. The in-process host is registered under this name too.
 */
export const PROVISIONING_API = {
  dependency: 'provisioning',
  services: {
    devices: acsV1.DeviceServiceService,
    tasks: acsV1.TaskServiceService,
    presets: acsV1.PresetServiceService,
    faults: acsV1.FaultServiceService,
  },
} as const;

type ProvisioningServices = (typeof PROVISIONING_API)['services'];

/** Promise-returning clients of provisioning's services, one per service. */
export type ProvisioningClient = { [K in keyof ProvisioningServices]: ServiceClient<ProvisioningServices[K]> } & { close(): void };

/**
 * Clients of the provisioning service for any other service (firmware, diagnostics, grouping):
 *
 *   const provisioning = provisioningClient({ address: config.provisioningAddress });   // between pods
 *   const provisioning = provisioningClient({ host: () => hosts.get('provisioning') });  // in one process
 *   await provisioning.tasks.createTask({ deviceId, spec, connectionRequest: true, waitTimeoutMs: 0, maxAttempts: 0 });
 */
export function provisioningClient(transport: ServiceTransport): ProvisioningClient {
  const { dependency, services } = PROVISIONING_API;
  const clients = {
    devices: serviceClient(services.devices, transport, dependency),
    tasks: serviceClient(services.tasks, transport, dependency),
    presets: serviceClient(services.presets, transport, dependency),
    faults: serviceClient(services.faults, transport, dependency),
  };
  return { ...clients, close: () => Object.values(clients).forEach((client) => client.close()) };
}

/** A task's status as the services that file tasks (firmware campaigns, grouping's jobs) name it. */
export type TaskStatusName = 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';

const TASK_STATUS_NAMES: Partial<Record<acsV1.TaskStatus, TaskStatusName>> = {
  [acsV1.TaskStatus.TASK_STATUS_PENDING]: 'pending',
  [acsV1.TaskStatus.TASK_STATUS_DISPATCHED]: 'dispatched',
  [acsV1.TaskStatus.TASK_STATUS_DONE]: 'done',
  [acsV1.TaskStatus.TASK_STATUS_FAULTED]: 'faulted',
  [acsV1.TaskStatus.TASK_STATUS_EXPIRED]: 'expired',
  [acsV1.TaskStatus.TASK_STATUS_CANCELLED]: 'cancelled',
};

/** A task's status by name ('pending' for one this client does not know). */
export function taskStatusName(status: acsV1.TaskStatus): TaskStatusName {
  return TASK_STATUS_NAMES[status] ?? 'pending';
}

/** Call metadata filing the created task under another service's source (`firmware:<campaign>`, `job:<id>`). */
function taskSourceMetadata(source: string): Metadata {
  const metadata = new Metadata();
  metadata.set(TASK_SOURCE_METADATA_KEY, source);
  return metadata;
}

/**
 * One attempt of a rollout's target as a provisioning task (a campaign's Download, a job's action): filed under the
 * rollout's `source`, expiring with the attempt, and tried once by provisioning — the rollout's policy retries (with
 * its back-off, counted against its threshold); a task retried by provisioning as well would hide a failing device
 * from both. The created task's id.
 */
export async function createAttemptTask(
  tasks: ProvisioningClient['tasks'],
  request: { deviceId: string; source: string; spec: acsV1.TaskSpec; connectionRequest: boolean; expiresAt: number; awaitEventCode?: string },
): Promise<{ taskId: string }> {
  const response = await tasks.createTask(
    {
      deviceId: request.deviceId,
      spec: request.spec,
      connectionRequest: request.connectionRequest,
      waitTimeoutMs: 0,
      maxAttempts: 1,
      expireTime: new Date(request.expiresAt),
      awaitEventCode: request.awaitEventCode ?? '',
    },
    { metadata: taskSourceMetadata(request.source) },
  );
  if (!response.task) throw new Error(`provisioning created no task for ${request.deviceId}`);
  return { taskId: response.task.id };
}

/**
 * A task of another service's `source` done now, for a caller that answers its own caller with the outcome (the
 * diagnostics service's UDP echo responder): tried once, with a connection request, waiting up to `waitMs` for the
 * device (provisioning's CreateTask wait). The task as it stood when the wait ended: final, or still under way.
 */
export async function runTaskNow(
  tasks: ProvisioningClient['tasks'],
  request: { deviceId: string; source: string; spec: acsV1.TaskSpec; waitMs: number },
): Promise<{ task: acsV1.Task; finished: boolean }> {
  const response = await tasks.createTask(
    {
      deviceId: request.deviceId,
      spec: request.spec,
      connectionRequest: true,
      waitTimeoutMs: request.waitMs,
      maxAttempts: 1,
      expireTime: undefined,
      awaitEventCode: '',
    },
    { metadata: taskSourceMetadata(request.source), deadline: Date.now() + request.waitMs + 5000 },
  );
  if (!response.task) throw new Error(`provisioning created no task for ${request.deviceId}`);
  return { task: response.task, finished: response.finished };
}

/**
 * The newest task of `source` for the device created at or after `createdSince` (epoch ms), other than `except`:
 * whether a start whose pod died got as far as provisioning (a rollout executor's recover). A source gives a device a
 * handful of tasks: one page.
 */
export async function findNewestTask(
  tasks: ProvisioningClient['tasks'],
  query: { deviceId: string; source: string; createdSince: number; except?: string },
): Promise<{ taskId: string; status: TaskStatusName } | null> {
  const { tasks: found } = await tasks.listTasks({ deviceId: query.deviceId, statuses: [], source: query.source, pageSize: 100, pageToken: '' });
  const newest = found
    .filter((task) => task.id !== query.except && task.createTime !== undefined && task.createTime.getTime() >= query.createdSince)
    .sort((a, b) => b.createTime!.getTime() - a.createTime!.getTime())[0];
  return newest ? { taskId: newest.id, status: taskStatusName(newest.status) } : null;
}

/** Cancels a task unless it has ended (done, faulted, expired) or was forgotten with its device: then nothing is left. */
export async function cancelTaskIfActive(tasks: ProvisioningClient['tasks'], taskId: string): Promise<void> {
  try {
    await tasks.cancelTask({ taskId });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === status.FAILED_PRECONDITION || code === status.NOT_FOUND) return;
    throw error;
  }
}

/** Every parameter value a done task read, by path, paged with GetTaskResult (a result too large for its event). */
export async function readTaskValues(tasks: ProvisioningClient['tasks'], taskId: string, pageSize = 1000): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  let pageToken = '';
  do {
    const page = await tasks.getTaskResult({ taskId, pageSize, pageToken });
    for (const value of page.parameterValues) values[value.path] = value.value;
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return values;
}
