import type { DeviceQueue, WorkItem } from '@acs/platform';

import { type SqliteDatabase, SqliteWriteBatcher } from './sqlite-database';

/**
 * One row per queued work item. `seq` (the rowid) is the FIFO order: SQLite gives a new row a rowid above every
 * existing one, so a device's rows sort in enqueue order. `parked` flags the prefix whose results wait in the outbox
 * (a flag per row rather than a count per device: the prefix rule is kept by only ever parking the first unparked row
 * and only ever removing the head, both checked inside one transaction).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS device_queue (
  seq INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  parked INTEGER NOT NULL DEFAULT 0,
  item TEXT NOT NULL
);
-- lease, ack, list, size, parked, clear: every query reads one device's rows in FIFO order.
CREATE INDEX IF NOT EXISTS device_queue_by_device ON device_queue (device_id, seq);
`;

interface ItemRow {
  item: string;
}

/**
 * DeviceQueue on SQLite: a queued item survives the process (kill -9 included) as soon as `enqueue` resolves. Every
 * call is one statement on a connection only this process writes (the data-directory lock), so the steps the Redis
 * adapter needs Lua for (ack only the head, park only the first unparked item) are single statements here, and the
 * outbox's two-table steps are transactions (SqliteEventOutbox). Writes go through group commit (SqliteWriteBatcher):
 * the enqueues and acks of concurrent sessions share one COMMIT, and each resolves once its COMMIT is done.
 */
export class SqliteDeviceQueue implements DeviceQueue {
  private readonly statements;

  constructor(
    readonly database: SqliteDatabase,
    /**
     * The database's one batcher: the outbox writes through it too, so both tables' writes share transactions. It
     * commits on the next turn rather than waiting for company: a session awaits each ack before sending its next
     * RPC, so a wait would be added to every RPC; the writes of concurrent sessions in one turn still share a commit.
     */
    readonly writes: SqliteWriteBatcher = new SqliteWriteBatcher(database, 0),
  ) {
    database.exec(SCHEMA);
    this.statements = {
      insert: database.prepare<[string, string, string]>('INSERT INTO device_queue (device_id, item_id, item) VALUES (?, ?, ?)'),
      firstUnparked: database.prepare<[string], ItemRow>('SELECT item FROM device_queue WHERE device_id = ? AND parked = 0 ORDER BY seq LIMIT 1'),
      all: database.prepare<[string], ItemRow>('SELECT item FROM device_queue WHERE device_id = ? ORDER BY seq'),
      size: database.prepare<[string], { n: number }>('SELECT count(*) AS n FROM device_queue WHERE device_id = ?'),
      parked: database.prepare<[string], { n: number }>('SELECT count(*) AS n FROM device_queue WHERE device_id = ? AND parked = 1'),
      // One statement each for ack and park: the head (or first unparked row) is found and changed at one instant.
      ackHead: database.prepare<[string, string]>(
        'DELETE FROM device_queue WHERE seq = (SELECT min(seq) FROM device_queue WHERE device_id = ?) AND item_id = ?',
      ),
      parkFirstUnparked: database.prepare<[string, string]>(
        'UPDATE device_queue SET parked = 1 WHERE seq = (SELECT min(seq) FROM device_queue WHERE device_id = ? AND parked = 0) AND item_id = ?',
      ),
      removeUnparked: database.prepare<[string, string]>('DELETE FROM device_queue WHERE device_id = ? AND item_id = ? AND parked = 0'),
      clear: database.prepare<[string]>('DELETE FROM device_queue WHERE device_id = ?'),
    };
  }

  async enqueue(item: WorkItem): Promise<void> {
    await this.writes.write(() => this.statements.insert.run(item.deviceId, item.id, JSON.stringify(item)));
  }

  async lease(deviceId: string): Promise<WorkItem | null> {
    const row = this.statements.firstUnparked.get(deviceId);
    return row ? parseItem(row.item) : null;
  }

  async ack(deviceId: string, itemId: string): Promise<void> {
    await this.writes.write(() => this.ackNow(deviceId, itemId));
  }

  async remove(deviceId: string, itemId: string): Promise<boolean> {
    // Item ids are unique, so at most one row goes; a parked one stays (its result waits in the outbox).
    return this.writes.write(() => this.statements.removeUnparked.run(deviceId, itemId).changes > 0);
  }

  async size(deviceId: string): Promise<number> {
    return this.statements.size.get(deviceId)?.n ?? 0;
  }

  async parked(deviceId: string): Promise<number> {
    return this.statements.parked.get(deviceId)?.n ?? 0;
  }

  async list(deviceId: string): Promise<WorkItem[]> {
    return this.statements.all.all(deviceId).map((row) => parseItem(row.item));
  }

  async clear(deviceId: string): Promise<void> {
    await this.writes.write(() => this.statements.clear.run(deviceId));
  }

  /**
   * Parks the device's first unparked item, which must be `itemId`. Synchronous and outside the batcher, for the
   * outbox to call inside its own write (defer appends the batch and parks in one step).
   */
  parkNow(deviceId: string, itemId: string): void {
    if (this.statements.parkFirstUnparked.run(deviceId, itemId).changes === 0) {
      throw new Error(`cannot park ${itemId}: it is not the first unparked item of ${deviceId}`);
    }
  }

  /**
   * Removes the head if it is `itemId` (parked or not); otherwise nothing, so a repeated ack cannot remove the next
   * item, which has not run. Synchronous and outside the batcher, for the outbox's release.
   */
  ackNow(deviceId: string, itemId: string): void {
    this.statements.ackHead.run(deviceId, itemId);
  }
}

function parseItem(json: string): WorkItem {
  return JSON.parse(json) as WorkItem;
}
