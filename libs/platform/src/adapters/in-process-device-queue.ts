import type { DeviceQueue, WorkItem } from '../ports';

/** DeviceQueue for one process: a FIFO per device; lease peeks, ack removes the head. */
export class InProcessDeviceQueue implements DeviceQueue {
  private readonly queues = new Map<string, WorkItem[]>();

  async enqueue(item: WorkItem): Promise<void> {
    const queue = this.queues.get(item.deviceId);
    if (queue) queue.push(structuredClone(item));
    else this.queues.set(item.deviceId, [structuredClone(item)]);
  }

  async lease(deviceId: string): Promise<WorkItem | null> {
    const head = this.queues.get(deviceId)?.[0];
    return head ? structuredClone(head) : null;
  }

  async ack(deviceId: string, itemId: string): Promise<void> {
    const queue = this.queues.get(deviceId);
    if (!queue || queue[0]?.id !== itemId) return;
    queue.shift();
    if (queue.length === 0) this.queues.delete(deviceId);
  }

  async size(deviceId: string): Promise<number> {
    return this.queues.get(deviceId)?.length ?? 0;
  }

  async list(deviceId: string): Promise<WorkItem[]> {
    return structuredClone(this.queues.get(deviceId) ?? []);
  }

  async clear(deviceId: string): Promise<void> {
    this.queues.delete(deviceId);
  }
}
