import type { DeferredBatch, EventOutbox } from '@acs/platform';

import type { SqliteDeviceQueue } from './sqlite-device-queue';

/** One row per deferred batch; `seq` (the rowid) orders a device's batches as they were deferred. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS event_outbox (
  seq INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  parked_item_id TEXT,
  batch TEXT NOT NULL
);
-- peek, release, hasPending: one device's batches oldest first; pendingDevices: the distinct devices, read off it.
CREATE INDEX IF NOT EXISTS event_outbox_by_device ON event_outbox (device_id, seq);
`;

interface HeadRow {
  seq: number;
  batch_id: string;
  parked_item_id: string | null;
}

export interface SqliteEventOutboxOptions {
  /** The clock of relay claims. */
  now?: () => number;
}

/**
 * EventOutbox on SQLite, in the same database as its SqliteDeviceQueue and through its group commit: deferring a
 * result and parking its item, and releasing batches and acknowledging their items, are one savepoint each inside one
 * commit, so a kill between the two halves is not possible. Deferred batches survive the process like the queue
 * does. Relay claims stay in memory: they keep several relays from draining one device at once, and this process is
 * the only one on its data directory.
 */
export class SqliteEventOutbox implements EventOutbox {
  private readonly statements;
  private readonly claims = new Map<string, { owner: string; until: number }>();
  private readonly now: () => number;

  constructor(
    private readonly queue: SqliteDeviceQueue,
    options: SqliteEventOutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const database = queue.database;
    database.exec(SCHEMA);
    this.statements = {
      insert: database.prepare<[string, string, string | null, string]>(
        'INSERT INTO event_outbox (device_id, batch_id, parked_item_id, batch) VALUES (?, ?, ?, ?)',
      ),
      any: database.prepare<[string], { one: number }>('SELECT 1 AS one FROM event_outbox WHERE device_id = ? LIMIT 1'),
      devices: database.prepare<[number], { device_id: string }>('SELECT DISTINCT device_id FROM event_outbox ORDER BY device_id LIMIT ?'),
      oldest: database.prepare<[string, number], { batch: string }>('SELECT batch FROM event_outbox WHERE device_id = ? ORDER BY seq LIMIT ?'),
      head: database.prepare<[string], HeadRow>('SELECT seq, batch_id, parked_item_id FROM event_outbox WHERE device_id = ? ORDER BY seq LIMIT 1'),
      deleteSeq: database.prepare<[number]>('DELETE FROM event_outbox WHERE seq = ?'),
    };
  }

  async defer(batch: DeferredBatch): Promise<void> {
    await this.queue.writes.write(() => this.deferStep(batch));
  }

  async hasPending(deviceId: string): Promise<boolean> {
    return this.statements.any.get(deviceId) !== undefined;
  }

  async pendingDevices(limit: number): Promise<string[]> {
    return this.statements.devices.all(Math.max(0, Math.floor(limit))).map((row) => row.device_id);
  }

  async peek(deviceId: string, limit: number): Promise<DeferredBatch[]> {
    return this.statements.oldest.all(deviceId, Math.max(0, Math.floor(limit))).map((row) => JSON.parse(row.batch) as DeferredBatch);
  }

  async release(deviceId: string, batchIds: string[]): Promise<void> {
    await this.queue.writes.write(() => this.releaseStep(deviceId, batchIds));
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

  // The steps below run inside the batcher's savepoint, which makes their statements one step: a throw undoes them.

  /** Parks first: when the item is not the first unparked one it throws, and nothing is stored. */
  private deferStep(batch: DeferredBatch): void {
    if (batch.parkedItemId !== undefined) this.queue.parkNow(batch.deviceId, batch.parkedItemId);
    this.statements.insert.run(batch.deviceId, batch.id, batch.parkedItemId ?? null, JSON.stringify(batch));
  }

  /** Stops at the first id that is not the oldest batch: a stale relay cannot skip batches. */
  private releaseStep(deviceId: string, batchIds: string[]): void {
    for (const id of batchIds) {
      const head = this.statements.head.get(deviceId);
      if (head?.batch_id !== id) break;
      this.statements.deleteSeq.run(head.seq);
      if (head.parked_item_id !== null) this.queue.ackNow(deviceId, head.parked_item_id);
    }
  }
}
