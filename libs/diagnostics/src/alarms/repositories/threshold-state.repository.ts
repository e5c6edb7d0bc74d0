import { DuplicateKeyError, withoutUndefined, type DocumentCollection, type StoredDocument } from '@acs/platform';

import type { ThresholdCondition } from '../domain/threshold-state';
import type { ThresholdStateKey, ThresholdStateRecord, ThresholdStateRepository } from './ports';

/** `$in` lists kept to this many ids: a batch of thousands of points reads its states in a few queries, none huge. */
const IDS_PER_QUERY = 500;

/** A state's document id: `<ruleId>:<deviceId>` (rule ids hold no `:`, so the first one splits them). */
export function thresholdStateId(key: ThresholdStateKey): string {
  return `${key.ruleId}:${key.deviceId}`;
}

/** The (rule, device) states over a DocumentCollection (`diagnostics.thresholdStates`). */
export class StoredThresholdStateRepository implements ThresholdStateRepository {
  constructor(private readonly states: DocumentCollection) {}

  async getMany(keys: readonly ThresholdStateKey[]): Promise<ThresholdStateRecord[]> {
    const ids = [...new Set(keys.map(thresholdStateId))];
    const records: ThresholdStateRecord[] = [];
    for (let first = 0; first < ids.length; first += IDS_PER_QUERY) {
      const docs = await this.states.find({ _id: { $in: ids.slice(first, first + IDS_PER_QUERY) } });
      records.push(...docs.map(fromDocument));
    }
    return records;
  }

  async save(key: ThresholdStateKey, condition: ThresholdCondition, expectedRevision: number | null): Promise<boolean> {
    const doc = toDocument(key, condition, (expectedRevision ?? 0) + 1);
    if (expectedRevision !== null) return this.states.replaceOne({ _id: doc._id, revision: expectedRevision }, doc);
    try {
      await this.states.insertOne(doc);
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  remove(key: ThresholdStateKey, expectedRevision: number): Promise<boolean> {
    return this.states.deleteOne({ _id: thresholdStateId(key), revision: expectedRevision });
  }

  removeRule(ruleId: string): Promise<number> {
    return this.states.deleteMany({ ruleId });
  }
}

function toDocument(key: ThresholdStateKey, condition: ThresholdCondition, revision: number): StoredDocument {
  return withoutUndefined({
    _id: thresholdStateId(key),
    ruleId: key.ruleId,
    deviceId: key.deviceId,
    phase: condition.phase,
    since: condition.since,
    lastAt: condition.lastAt,
    lastValue: condition.lastValue,
    raisedAt: condition.raisedAt,
    raisedValue: condition.raisedValue,
    revision,
  });
}

function fromDocument(doc: StoredDocument): ThresholdStateRecord {
  const { _id, ...rest } = doc;
  return rest as unknown as ThresholdStateRecord;
}
