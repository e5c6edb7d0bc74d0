import { findNewestTask, taskSourceMetadata, type ProvisioningClient } from '@acs/clients';

import type { DeviceInventory, DevicePage, DeviceTasks, DownloadTaskRequest, FoundDownloadTask } from '../usecases/campaign-ports';

/** The campaigns' device selection through provisioning's ListDevices (the device's own fields only: no projection). */
export class ProvisioningDeviceInventory implements DeviceInventory {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'devices'>) {}

  async page(filter: string, pageToken: string, pageSize: number): Promise<DevicePage> {
    // Uncounted and in id order: keyset pages, each an index range rather than an OFFSET over the pages before it.
    const response = await this.provisioning.devices.listDevices({ filter, projection: [], sort: [], pageSize, pageToken, omitTotal: true });
    return {
      devices: response.devices.map((device) => ({
        id: device.id,
        oui: device.oui,
        productClass: device.productClass,
        hardwareVersion: device.hardwareVersion,
        softwareVersion: device.softwareVersion,
      })),
      nextPageToken: response.nextPageToken,
    };
  }
}

/** The campaigns' Download tasks through provisioning's CreateTask, filed under the campaign's source. */
export class ProvisioningDeviceTasks implements DeviceTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  async createDownload(request: DownloadTaskRequest): Promise<{ taskId: string }> {
    const metadata = taskSourceMetadata(request.source);
    const response = await this.provisioning.tasks.createTask(
      {
        deviceId: request.deviceId,
        spec: {
          kind: {
            $case: 'download',
            download: {
              fileType: request.fileType,
              url: request.url,
              username: request.username,
              password: request.password,
              fileSize: request.fileSize,
              targetFileName: '',
              delaySeconds: 0,
            },
          },
        },
        connectionRequest: request.connectionRequest,
        waitTimeoutMs: 0,
        // The campaign's rollout policy retries (with its back-off, counted against its threshold); a task retried by
        // provisioning as well would hide a failing device from both.
        maxAttempts: 1,
        expireTime: new Date(request.expiresAt),
      },
      { metadata },
    );
    if (!response.task) throw new Error(`provisioning created no task for ${request.deviceId}`);
    return { taskId: response.task.id };
  }

  async findDownload(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<FoundDownloadTask | null> {
    return findNewestTask(this.provisioning.tasks, query);
  }
}
