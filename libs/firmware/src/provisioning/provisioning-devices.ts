import { createAttemptTask, findNewestTask, type ProvisioningClient } from '@acs/clients';

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

  createDownload(request: DownloadTaskRequest): Promise<{ taskId: string }> {
    const { fileType, url, username, password, fileSize } = request;
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: request.source,
      spec: { kind: { $case: 'download', download: { fileType, url, username, password, fileSize, targetFileName: '', delaySeconds: 0 } } },
      connectionRequest: request.connectionRequest,
      expiresAt: request.expiresAt,
    });
  }

  async findDownload(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<FoundDownloadTask | null> {
    return findNewestTask(this.provisioning.tasks, query);
  }
}
