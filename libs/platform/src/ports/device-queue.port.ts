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
 *
 * Parked items: when a result cannot be published (the bus is down), the EventOutbox keeps it and parks its item —
 * in the same atomic step. Parked items are always a prefix of the queue (once a device's results are deferred, all
 * its later ones are too, to keep their order); `lease` skips them, and the outbox acknowledges them once their
 * results are published. So a parked item is neither lost nor run twice.
 */
export interface DeviceQueue {
  enqueue(item: WorkItem): Promise<void>;
  /** The first item that is not parked, or null when there is none. Does not remove it. */
  lease(deviceId: string): Promise<WorkItem | null>;
  /**
   * Removes the item if it is the head (parked or not); a no-op when already removed (an ack repeated after a
   * retry) or when it is not the head.
   */
  ack(deviceId: string, itemId: string): Promise<void>;
  /** Items waiting, the leased and the parked ones included. */
  size(deviceId: string): Promise<number>;
  /** All items of a device in order, for inspection. */
  list(deviceId: string): Promise<WorkItem[]>;
  /**
   * Withdraws an item that has not run (a cancelled or failed task): removes it wherever it is, unless it is parked
   * (its result is already waiting in the outbox). Returns whether it was removed.
   */
  remove(deviceId: string, itemId: string): Promise<boolean>;
  /** How many items at the head are parked. */
  parked(deviceId: string): Promise<number>;
  /** Removes every item of the device (device deleted). */
  clear(deviceId: string): Promise<void>;
}
