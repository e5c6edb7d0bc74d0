import type { BusMessage } from './event-bus.port';

/** Messages of one device that could not be published, kept to be published later, in order. */
export interface DeferredBatch {
  /** Unique id of the batch (the relay removes batches by id once published). */
  id: string;
  deviceId: string;
  messages: BusMessage[];
  /** The work item whose result is in `messages`: parked until the batch is published, then acknowledged. */
  parkedItemId?: string;
  deferredAt: number;
}

/**
 * Port: where events wait while the bus is down, so that "Kafka down" never means "CWMP sessions fail" or "results
 * lost". Lives next to the device queue (same Redis hash slot), because deferring a result and parking its work item
 * must be one atomic step. Every gateway pod runs a relay that publishes deferred batches in order once the bus is
 * back, then releases them (which acknowledges their parked items).
 */
export interface EventOutbox {
  /**
   * Appends the batch to the device's outbox; with `parkedItemId`, parks that item in the same step. Throws if the
   * item is not the device's first unparked item (the session's view of the queue is stale).
   */
  defer(batch: DeferredBatch): Promise<void>;
  /** Whether the device has deferred batches: while it does, its new events must be deferred too (ordering). */
  hasPending(deviceId: string): Promise<boolean>;
  /** Devices with deferred batches, at most `limit` of them (the relay's work list). */
  pendingDevices(limit: number): Promise<string[]>;
  /** The device's oldest deferred batches, in order. */
  peek(deviceId: string, limit: number): Promise<DeferredBatch[]>;
  /**
   * Removes the given batches — which must be the oldest ones, in order — and acknowledges their parked items, in
   * one step. Called after they were published.
   */
  release(deviceId: string, batchIds: string[]): Promise<void>;
  /** A short lock so that one relay at a time drains a device (others would only publish duplicates). */
  claim(deviceId: string, owner: string, ttlMs: number): Promise<boolean>;
  unclaim(deviceId: string, owner: string): Promise<void>;
}
