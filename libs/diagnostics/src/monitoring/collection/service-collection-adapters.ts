import { status } from '@grpc/grpc-js';
import { createAttemptTask, type GroupingClient, type ProvisioningClient, cancelTaskIfActive, readTaskValues } from '@acs/clients';
import { acsV1 } from '@acs/contracts';
import { filterStringLiteral } from '@acs/filter';

import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import type { MonitoringTarget } from '../domain/monitoring-profile';
import type { CollectionTasks, TargetDevice, TargetMembers, TargetPage, TaskValue } from './collection-ports';
import { monitoringTaskSource } from './collection-entry';

/** The Inform event code of a device's periodic Inform (TR-069 Table 7): reads wait for it. */
export const PERIODIC_EVENT_CODE = '2 PERIODIC';

/** Ids per ListDevices call when a group's members are looked up (the filter grows by one quoted id each). */
const IDS_PER_QUERY = 200;
const RESULT_PAGE_SIZE = 1000;

function rootOf(device: acsV1.Device): DataModelRoot | undefined {
  if (device.rootObject === acsV1.RootObject.ROOT_OBJECT_DEVICE) return 'Device';
  if (device.rootObject === acsV1.RootObject.ROOT_OBJECT_INTERNET_GATEWAY_DEVICE) return 'InternetGatewayDevice';
  return undefined;
}

/**
 * A target's devices: a filter's through provisioning's ListDevices in id order without a total (keyset pages: each
 * page costs the same however far the walk is), a group's through grouping's ListGroupMembers, their data models
 * through ListDevices of their ids. A group that does not exist (deleted) holds no device.
 */
export class ServiceTargetMembers implements TargetMembers {
  constructor(
    private readonly provisioning: Pick<ProvisioningClient, 'devices'>,
    private readonly grouping: Pick<GroupingClient, 'groups'>,
  ) {}

  async page(target: MonitoringTarget, after: string, limit: number): Promise<TargetPage> {
    if ('filter' in target) {
      const response = await this.provisioning.devices.listDevices({ filter: target.filter, projection: [], sort: [], pageSize: limit, pageToken: after, omitTotal: true });
      return { devices: response.devices.map((device) => ({ deviceId: device.id, ...withRoot(rootOf(device)) })), next: response.nextPageToken };
    }
    let members: acsV1.ListGroupMembersResponse;
    try {
      members = await this.grouping.groups.listGroupMembers({ groupId: target.groupId, pageSize: limit, pageToken: after });
    } catch (error) {
      if ((error as { code?: unknown }).code === status.NOT_FOUND) return { devices: [], next: '' };
      throw error;
    }
    const roots = new Map<string, DataModelRoot | undefined>();
    for (let i = 0; i < members.deviceIds.length; i += IDS_PER_QUERY) {
      const chunk = members.deviceIds.slice(i, i + IDS_PER_QUERY);
      const response = await this.provisioning.devices.listDevices({ filter: `id IN (${chunk.map(filterStringLiteral).join(', ')})`, projection: [], sort: [], pageSize: chunk.length, pageToken: '', omitTotal: true });
      for (const device of response.devices) roots.set(device.id, rootOf(device));
    }
    // A member provisioning does not know (deleted meanwhile) is left out.
    const devices: TargetDevice[] = members.deviceIds.filter((id) => roots.has(id)).map((id) => ({ deviceId: id, ...withRoot(roots.get(id)) }));
    return { devices, next: members.nextPageToken };
  }
}

function withRoot(root: DataModelRoot | undefined): { root?: DataModelRoot } {
  return root ? { root } : {};
}

/** The collection's tasks through provisioning's TaskService, filed under the profile's source and tried once. */
export class ProvisioningCollectionTasks implements CollectionTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  createRead(request: { profileId: string; deviceId: string; paths: readonly string[]; expiresAt: number }): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: monitoringTaskSource(request.profileId),
      spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: [...request.paths] } } },
      connectionRequest: false,
      expiresAt: request.expiresAt,
      awaitEventCode: PERIODIC_EVENT_CODE,
    });
  }

  createAddObject(request: { profileId: string; deviceId: string; object: string; values: readonly TaskValue[]; expiresAt: number }): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: monitoringTaskSource(request.profileId),
      spec: { kind: { $case: 'addObject', addObject: { path: request.object, values: request.values.map((v) => ({ name: v.name, value: v.value, type: v.type })) } } },
      // Set-up goes with the device's next session: a connection request to each of a fleet's devices would not scale.
      connectionRequest: false,
      expiresAt: request.expiresAt,
    });
  }

  createSet(request: { profileId: string; deviceId: string; values: ReadonlyArray<{ path: string; value: string; type: TaskValue['type'] }>; expiresAt: number }): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: monitoringTaskSource(request.profileId),
      spec: { kind: { $case: 'setParameterValues', setParameterValues: { values: request.values.map((v) => ({ path: v.path, value: v.value, type: v.type })) } } },
      connectionRequest: false,
      expiresAt: request.expiresAt,
    });
  }

  createDeleteObject(request: { profileId: string; deviceId: string; instance: string; expiresAt: number }): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: monitoringTaskSource(request.profileId),
      spec: { kind: { $case: 'deleteObject', deleteObject: { path: request.instance } } },
      connectionRequest: false,
      expiresAt: request.expiresAt,
    });
  }

  cancel(taskId: string): Promise<void> {
    return cancelTaskIfActive(this.provisioning.tasks, taskId);
  }


  readValues(taskId: string): Promise<Record<string, string>> {
    return readTaskValues(this.provisioning.tasks, taskId, RESULT_PAGE_SIZE);
  }

}
