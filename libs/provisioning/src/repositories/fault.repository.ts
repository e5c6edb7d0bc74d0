import type { DeviceFault } from '../domain';
import { DuplicateKeyError, type DocumentCollection, type DocumentFilter, type StoredDocument } from '@acs/platform';
import { ConcurrentWriteError, InvalidQueryError, type FaultListFilter, type FaultRaise, type FaultRepository, type Page, type Paged } from './ports';

/**
 * Faults over a DocumentCollection: one document per device and channel, `_id` = `["<deviceId>","<channel>"]`
 * (JSON, so no separator can be ambiguous). `detail` is stored as JSON text (arbitrary keys, see tasks' result).
 */
export class StoredFaultRepository implements FaultRepository {
  constructor(private readonly faults: DocumentCollection) {}

  async raise(fault: FaultRaise): Promise<DeviceFault> {
    const _id = faultId(fault.deviceId, fault.channel);
    const latest: Record<string, unknown> = { code: fault.code, message: fault.message, lastAt: fault.at };
    const unset = fault.detail === undefined ? ['detailJson'] : [];
    if (fault.detail !== undefined) latest.detailJson = JSON.stringify(fault.detail);
    // Update first, insert when absent, update again if another raise inserted in between: `$setOnInsert` would do
    // it in one call, but nedb has none.
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await this.faults.findOneAndUpdate({ _id }, { set: latest, unset, inc: { retries: 1 } });
      if (updated) return fromStoredFault(updated);
      const created: StoredDocument = { _id, deviceId: fault.deviceId, channel: fault.channel, retries: 0, firstAt: fault.at, ...latest };
      try {
        await this.faults.insertOne(created);
        return fromStoredFault(created);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
    throw new ConcurrentWriteError(`fault ${fault.deviceId}/${fault.channel}`);
  }

  async clear(deviceId: string, channel: string): Promise<boolean> {
    return this.faults.deleteOne({ _id: faultId(deviceId, channel) });
  }

  async list(filter: FaultListFilter, page: Page): Promise<Paged<DeviceFault>> {
    if (!Number.isInteger(page.skip) || page.skip < 0) throw new InvalidQueryError(`skip must be a non-negative integer, got ${page.skip}`);
    if (!Number.isInteger(page.limit) || page.limit < 0) throw new InvalidQueryError(`limit must be a non-negative integer, got ${page.limit}`);
    const query: DocumentFilter = {};
    if (filter.deviceId !== undefined) query.deviceId = filter.deviceId;
    if (filter.channel !== undefined) query.channel = filter.channel;
    const [total, docs] = await Promise.all([
      this.faults.count(query),
      page.limit === 0 ? Promise.resolve([]) : this.faults.find(query, { sort: [['lastAt', -1], ['_id', 1]], skip: page.skip, limit: page.limit }),
    ]);
    return { items: docs.map(fromStoredFault), total };
  }

  async get(deviceId: string, channel: string): Promise<DeviceFault | null> {
    const doc = await this.faults.findOne({ _id: faultId(deviceId, channel) });
    return doc ? fromStoredFault(doc) : null;
  }
}

function faultId(deviceId: string, channel: string): string {
  return JSON.stringify([deviceId, channel]);
}

function fromStoredFault(doc: StoredDocument): DeviceFault {
  const fault: DeviceFault = {
    deviceId: doc.deviceId as string,
    channel: doc.channel as string,
    code: doc.code as string,
    message: doc.message as string,
    retries: doc.retries as number,
    firstAt: doc.firstAt as number,
    lastAt: doc.lastAt as number,
  };
  if (typeof doc.detailJson === 'string') fault.detail = JSON.parse(doc.detailJson) as unknown;
  return fault;
}
