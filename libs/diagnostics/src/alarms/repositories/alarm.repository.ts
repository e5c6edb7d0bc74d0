import { DuplicateKeyError, withoutUndefined, type DocumentCollection, type DocumentFilter, type StoredDocument } from '@acs/platform';

import { alarmListingKey, type Alarm, type AlarmAcknowledgement, type ClearReason } from '../domain/alarm';
import type { AlarmPage, AlarmQuery, AlarmRepository } from './ports';

/** Alarms over a DocumentCollection (`diagnostics.alarms`), each with its listing key (alarmListingKey). */
export class StoredAlarmRepository implements AlarmRepository {
  constructor(private readonly alarms: DocumentCollection) {}

  async insert(alarm: Alarm): Promise<boolean> {
    try {
      await this.alarms.insertOne(toDocument(alarm));
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  async get(id: string): Promise<Alarm | null> {
    const doc = await this.alarms.findOne({ _id: id });
    return doc ? fromDocument(doc) : null;
  }

  delete(id: string): Promise<boolean> {
    return this.alarms.deleteOne({ _id: id });
  }

  async noteValue(id: string, lastValue: number): Promise<void> {
    await this.alarms.updateOne({ _id: id, state: 'active' }, { set: { lastValue } });
  }

  async clear(id: string, change: { clearedAt: number; reason: ClearReason; lastValue?: number }): Promise<Alarm | null> {
    const set = withoutUndefined({ state: 'cleared', clearedAt: change.clearedAt, clearReason: change.reason, lastValue: change.lastValue });
    const doc = await this.alarms.findOneAndUpdate({ _id: id, state: 'active' }, { set });
    return doc ? fromDocument(doc) : null;
  }

  async acknowledge(id: string, acknowledgement: AlarmAcknowledgement): Promise<Alarm | null> {
    const doc = await this.alarms.findOneAndUpdate({ _id: id, acknowledged: { $exists: false } }, { set: { acknowledged: withoutUndefined(acknowledgement) } });
    return doc ? fromDocument(doc) : null;
  }

  async list(query: AlarmQuery, page: { after?: string; limit: number }): Promise<AlarmPage> {
    const filter: DocumentFilter = {};
    if (query.deviceId !== undefined) filter.deviceId = query.deviceId;
    if (query.ruleId !== undefined) filter.ruleId = query.ruleId;
    if (query.state !== undefined) filter.state = query.state;
    if (query.severity !== undefined) filter.severity = query.severity;
    if (query.acknowledged !== undefined) filter.acknowledged = { $exists: query.acknowledged };
    if (page.after !== undefined) filter.listKey = { $lt: page.after };
    // One more than the page: whether another page follows, without a count.
    const docs = await this.alarms.find(filter, { sort: [['listKey', -1]], limit: page.limit + 1 });
    const alarms = docs.slice(0, page.limit).map(fromDocument);
    return docs.length > page.limit ? { alarms, nextAfter: alarmListingKey(alarms[alarms.length - 1]) } : { alarms };
  }

  async activeOfRule(ruleId: string, limit: number): Promise<Alarm[]> {
    return (await this.alarms.find({ ruleId, state: 'active' }, { sort: [['listKey', -1]], limit })).map(fromDocument);
  }

  deleteClearedBefore(cutoff: number): Promise<number> {
    return this.alarms.deleteMany({ clearedAt: { $lt: cutoff } });
  }
}

function toDocument(alarm: Alarm): StoredDocument {
  const { id, ...rest } = alarm;
  return withoutUndefined({ _id: id, ...rest, listKey: alarmListingKey(alarm) });
}

function fromDocument(doc: StoredDocument): Alarm {
  const { _id, listKey: _listKey, ...rest } = doc;
  return { id: _id, ...(rest as Omit<Alarm, 'id'>) };
}
