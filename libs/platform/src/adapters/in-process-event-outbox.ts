import type { DeferredBatch, EventOutbox } from '../ports';
import type { InProcessDeviceQueue } from './in-process-device-queue';

/** EventOutbox for one process, beside its InProcessDeviceQueue so parking and release are atomic with it. */
export class InProcessEventOutbox implements EventOutbox {
  private readonly batches = new Map<string, DeferredBatch[]>();
  private readonly claims = new Map<string, { owner: string; until: number }>();

  constructor(
    private readonly queue: InProcessDeviceQueue,
    private readonly now: () => number = Date.now,
  ) {}

  async defer(batch: DeferredBatch): Promise<void> {
    if (batch.parkedItemId !== undefined) this.queue.parkNow(batch.deviceId, batch.parkedItemId);
    const list = this.batches.get(batch.deviceId);
    const copy = JSON.parse(JSON.stringify(batch)) as DeferredBatch;
    if (list) list.push(copy);
    else this.batches.set(batch.deviceId, [copy]);
  }

  async hasPending(deviceId: string): Promise<boolean> {
    return (this.batches.get(deviceId)?.length ?? 0) > 0;
  }

  async pendingDevices(limit: number): Promise<string[]> {
    return [...this.batches.keys()].slice(0, limit);
  }

  async peek(deviceId: string, limit: number): Promise<DeferredBatch[]> {
    return JSON.parse(JSON.stringify((this.batches.get(deviceId) ?? []).slice(0, limit))) as DeferredBatch[];
  }

  async release(deviceId: string, batchIds: string[]): Promise<void> {
    const list = this.batches.get(deviceId) ?? [];
    for (const id of batchIds) {
      if (list[0]?.id !== id) break;
      const batch = list.shift()!;
      if (batch.parkedItemId !== undefined) this.queue.ackNow(deviceId, batch.parkedItemId);
    }
    if (list.length === 0) this.batches.delete(deviceId);
  }

  async claim(deviceId: string, owner: string, ttlMs: number): Promise<boolean> {
    const current = this.claims.get(deviceId);
    if (current && current.owner !== owner && current.until > this.now()) return false;
    this.claims.set(deviceId, { owner, until: this.now() + ttlMs });
    return true;
  }

  async unclaim(deviceId: string, owner: string): Promise<void> {
    if (this.claims.get(deviceId)?.owner === owner) this.claims.delete(deviceId);
  }
}
