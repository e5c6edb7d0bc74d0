import type { DeviceQueue, WorkItem } from '../ports';

interface DeviceFifo {
  items: WorkItem[];
  /** How many items at the head are parked (their results wait in the outbox). */
  parked: number;
}

/** DeviceQueue for one process: a FIFO per device; lease peeks past the parked prefix, ack removes the head. */
export class InProcessDeviceQueue implements DeviceQueue {
  private readonly queues = new Map<string, DeviceFifo>();

  async enqueue(item: WorkItem): Promise<void> {
    const fifo = this.queues.get(item.deviceId);
    if (fifo) fifo.items.push(structuredClone(item));
    else this.queues.set(item.deviceId, { items: [structuredClone(item)], parked: 0 });
  }

  async lease(deviceId: string): Promise<WorkItem | null> {
    const fifo = this.queues.get(deviceId);
    const next = fifo?.items[fifo.parked];
    return next ? structuredClone(next) : null;
  }

  async ack(deviceId: string, itemId: string): Promise<void> {
    this.ackNow(deviceId, itemId);
  }

  async remove(deviceId: string, itemId: string): Promise<boolean> {
    const fifo = this.queues.get(deviceId);
    if (!fifo) return false;
    const index = fifo.items.findIndex((item, i) => i >= fifo.parked && item.id === itemId);
    if (index < 0) return false;
    fifo.items.splice(index, 1);
    if (fifo.items.length === 0) this.queues.delete(deviceId);
    return true;
  }

  async size(deviceId: string): Promise<number> {
    return this.queues.get(deviceId)?.items.length ?? 0;
  }

  async parked(deviceId: string): Promise<number> {
    return this.queues.get(deviceId)?.parked ?? 0;
  }

  async list(deviceId: string): Promise<WorkItem[]> {
    return structuredClone(this.queues.get(deviceId)?.items ?? []);
  }

  async clear(deviceId: string): Promise<void> {
    this.queues.delete(deviceId);
  }

  /** Synchronous steps for the in-process outbox, which must park and acknowledge atomically with its own writes. */
  parkNow(deviceId: string, itemId: string): void {
    const fifo = this.queues.get(deviceId);
    if (!fifo || fifo.items[fifo.parked]?.id !== itemId) {
      throw new Error(`cannot park ${itemId}: it is not the first unparked item of ${deviceId}`);
    }
    fifo.parked += 1;
  }

  ackNow(deviceId: string, itemId: string): void {
    const fifo = this.queues.get(deviceId);
    if (!fifo || fifo.items[0]?.id !== itemId) return;
    fifo.items.shift();
    if (fifo.parked > 0) fifo.parked -= 1;
    if (fifo.items.length === 0) this.queues.delete(deviceId);
  }
}
