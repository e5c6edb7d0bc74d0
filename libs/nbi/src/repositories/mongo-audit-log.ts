import { guardMongo, isMongoDuplicateKey, type MongoConnection } from '@acs/infra-mongo';
import type { mongo } from 'mongoose';

import type { AuditEntry, AuditLog, AuditQuery } from '../audit/audit-log.port';
import { auditCollection, nbiCollections } from './nbi-collections.schema';

/** An entry as stored: the entry with its id as `_id`. */
type AuditDocument = Omit<AuditEntry, 'id'> & { _id: string };

/**
 * The audit log in the `nbi.audit` collection, shared by every NBI pod. Writes go straight to the driver's collection
 * (no mongoose document per entry: the schema documents the shape and carries the indexes). `close()` leaves the
 * process's connection open: the app owns it.
 *
 * Entries do not expire by themselves: TTL indexes are outside what FerretDB supports. The nbi pod deletes entries
 * older than its retention period on a schedule instead (`deleteOlderThan`, served by the time index; see
 * AuditRetention).
 */
export class MongoAuditLog implements AuditLog {
  private constructor(
    private readonly connection: MongoConnection,
    private readonly collection: mongo.Collection<AuditDocument>,
  ) {}

  /** Registers the NBI's collections on the connection (building indexes when autoIndex is on). */
  static async open(connection: MongoConnection): Promise<MongoAuditLog> {
    const models = await nbiCollections.attach(connection);
    const collection = models.model(auditCollection).collection as unknown as mongo.Collection<AuditDocument>;
    return new MongoAuditLog(connection, collection);
  }

  /**
   * Idempotent: an entry already stored under its id (a retry of a write whose answer was lost in an outage) counts
   * as recorded. Ids are random UUIDs, so a duplicate is never another entry.
   */
  async record(entry: AuditEntry): Promise<void> {
    const { id, ...rest } = entry;
    try {
      await guardMongo(() => this.collection.insertOne({ _id: id, ...rest }));
    } catch (error) {
      if (!isMongoDuplicateKey(error)) throw error;
    }
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    if (query.limit <= 0) return [];
    const filter: mongo.Filter<AuditDocument> = {};
    if (query.client) filter.client = query.client;
    if (query.resourceType) filter.resourceType = query.resourceType;
    if (query.outcome) filter.outcome = query.outcome;
    if (query.from !== undefined || query.to !== undefined) {
      filter.time = { ...(query.from !== undefined ? { $gte: query.from } : {}), ...(query.to !== undefined ? { $lt: query.to } : {}) };
    }
    if (query.before) {
      const { time, id } = query.before;
      filter.$or = [{ time: { $lt: time } }, { time, _id: { $lt: id } }];
    }
    const documents = await guardMongo(() =>
      this.collection
        .find(filter)
        .sort({ time: -1, _id: -1 })
        .limit(query.limit)
        .toArray(),
    );
    // Documents written before `credential` was recorded have none.
    return documents.map(({ _id, ...rest }) => ({ ...rest, credential: rest.credential ?? '', id: _id }) as AuditEntry);
  }

  /** Deletes the entries recorded before `time` (epoch ms); how many went. Idempotent, so every pod may run it. */
  async deleteOlderThan(time: number): Promise<number> {
    const result = await guardMongo(() => this.collection.deleteMany({ time: { $lt: time } }));
    return result.deletedCount;
  }

  ping(): Promise<void> {
    return this.connection.ping();
  }

  async close(): Promise<void> {
    // The connection is the app's; nothing of our own to release.
  }
}
