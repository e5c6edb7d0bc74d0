import type { DeviceFacts } from '../domain';

/** One page of the devices a filter selects. */
export interface DevicePage {
  devices: DeviceFacts[];
  /** '' after the last page. */
  nextPageToken: string;
}

/** The device inventory the campaigns select from: provisioning's ListDevices (provisioning/provisioning-devices.ts). */
export interface DeviceInventory {
  /** ValidationError-like failures (a bad filter) come back as the inventory's own errors, passed to the caller. */
  page(filter: string, pageToken: string, pageSize: number): Promise<DevicePage>;
}

/** One page of a group's members. */
export interface GroupMemberPage {
  /** Device ids, in the order the grouping service pages them (by id). */
  deviceIds: string[];
  /** '' after the last page. */
  nextPageToken: string;
}

/**
 * The grouping service's members of a group, which campaigns select from (grouping/group-members.ts): in the
 * standalone the grouping core's ListGroupMembers in process, in a pod its gRPC GroupService.ListGroupMembers.
 */
export interface GroupMembers {
  /** A NotFoundError (@acs/platform) when there is no such group. */
  page(groupId: string, pageToken: string, pageSize: number): Promise<GroupMemberPage>;
}

/** A Download task as the campaign asks for it. */
export interface DownloadTaskRequest {
  deviceId: string;
  /** `firmware:<campaign>` (campaignTaskSource). */
  source: string;
  fileType: string;
  url: string;
  username: string;
  password: string;
  fileSize: number;
  /** Ask the device to connect now (active mode) rather than at its next inform (passive). */
  connectionRequest: boolean;
  /** The task expires then if the device has not taken it (epoch ms). */
  expiresAt: number;
}

/** Device work through provisioning's internal API (the same CreateTask the NBI relays). */
export interface DeviceTasks {
  createDownload(request: DownloadTaskRequest): Promise<{ taskId: string }>;
  /**
   * The newest Download task of `source` for the device created at or after `createdSince` (epoch ms), other than
   * `except`: whether a start whose pod died got as far as provisioning.
   */
  findDownload(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<FoundDownloadTask | null>;
}

export interface FoundDownloadTask {
  taskId: string;
  status: 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';
}
