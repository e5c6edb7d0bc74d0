import type { DeviceView } from '../domain/device-view';
import type { Group, MembershipChange } from '../domain/group';

/** Provisioning's inventory as grouping reads it (provisioning/provisioning-inventory.ts over @acs/clients). */
export interface DeviceInventory {
  /** One page of the ids of the devices matching a filter ('' = every device), in id order. */
  matchingIds(filter: string, pageToken: string, pageSize: number): Promise<{ ids: string[]; nextPageToken: string }>;
  /** The device's fields, tags and the given parameters' values; null when provisioning does not know it. */
  device(id: string, parameterPaths: readonly string[]): Promise<DeviceView | null>;
}

/** Where grouping's facts go: acs.group events (service/group-event.publisher.ts). */
export interface GroupEvents {
  groupCreated(group: Group): Promise<void>;
  groupChanged(group: Group): Promise<void>;
  groupDeleted(group: Group): Promise<void>;
  /** Joins and leaves, in the order they happened. */
  membershipChanged(changes: readonly MembershipChange[]): Promise<void>;
}
