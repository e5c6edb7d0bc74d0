import type { AcsRequest } from '@acs/cwmp';

/** One RPC to run on a device, queued by provisioning (or the test/admin API) and run by the gateway. */
export interface WorkItem {
  /** Unique id; results carry it back. */
  id: string;
  deviceId: string;
  rpc: AcsRequest;
  /** The task this item belongs to, when it was created for one. */
  taskId?: string;
  /** Keep the CPE from sending requests while this item runs (HoldRequests=true). */
  holdRequests?: boolean;
  enqueuedAt: number;
}

/**
 * Port: per-device FIFO of work items with at-least-once delivery. `lease` hands out the head without removing it;
 * only `ack` removes it, after the result has been published. A session that dies in between leaves the item at
 * the head, and the device's next session runs it again.
 */
export interface DeviceQueue {
  enqueue(item: WorkItem): Promise<void>;
  /** The head of the device's queue, or null when empty. Does not remove it. */
  lease(deviceId: string): Promise<WorkItem | null>;
  /** Removes the item if it is the head; a no-op when already removed (an ack repeated after a retry). */
  ack(deviceId: string, itemId: string): Promise<void>;
  /** Items waiting, the leased head included. */
  size(deviceId: string): Promise<number>;
  /** All items of a device in order, for inspection. */
  list(deviceId: string): Promise<WorkItem[]>;
  /** Removes every item of the device (device deleted). */
  clear(deviceId: string): Promise<void>;
}
