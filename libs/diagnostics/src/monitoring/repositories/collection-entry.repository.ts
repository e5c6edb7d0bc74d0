import { DuplicateKeyError, withoutUndefined, type DocumentCollection, type StoredDocument } from '@acs/platform';

import { entryKey, type CollectionEntry, type CollectionEntryRepository, type EntryChange } from '../collection/collection-entry';

/** Collection entries on a DocumentCollection (SQLite or MongoDB: collection-stores.ts). */
export class StoredCollectionEntryRepository implements CollectionEntryRepository {
  constructor(private readonly entries: DocumentCollection) {}

  async getMany(keys: readonly string[]): Promise<Map<string, CollectionEntry>> {
    const found = new Map<string, CollectionEntry>();
    if (keys.length === 0) return found;
    for (const doc of await this.entries.find({ _id: { $in: [...new Set(keys)] } })) found.set(doc._id, fromDocument(doc));
    return found;
  }

  async insert(entry: CollectionEntry): Promise<boolean> {
    try {
      await this.entries.insertOne(toDocument({ ...entry, revision: 1 }));
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  update(key: string, expectedRevision: number, change: EntryChange): Promise<boolean> {
    const set = withoutUndefined({ ...(change.set ?? {}), revision: expectedRevision + 1 }) as Record<string, unknown>;
    const unset = (change.unset ?? []).filter((field) => !(field in set));
    return this.entries.updateOne({ _id: key, revision: expectedRevision }, { set, ...(unset.length > 0 ? { unset } : {}) });
  }

  async markSeen(profileId: string, deviceIds: readonly string[], seenAt: number): Promise<void> {
    // One update per entry (the port has no multi-document update); the embedded store commits them as one group.
    await Promise.all(deviceIds.map((deviceId) => this.entries.updateOne({ _id: entryKey(profileId, deviceId), seenAt: { $lt: seenAt } }, { set: { seenAt } })));
  }

  async due(now: number, limit: number): Promise<CollectionEntry[]> {
    return (await this.entries.find({ dueAt: { $lte: now } }, { sort: [['dueAt', 1]], limit })).map(fromDocument);
  }

  async stale(profileId: string, walkStartedAt: number, limit: number): Promise<CollectionEntry[]> {
    return (await this.entries.find({ profileId, seenAt: { $lt: walkStartedAt } }, { limit })).map(fromDocument);
  }

  async outside(profileIds: readonly string[], limit: number): Promise<CollectionEntry[]> {
    return (await this.entries.find({ profileId: { $nin: [...profileIds] } }, { limit })).map(fromDocument);
  }

  delete(key: string, expectedRevision: number): Promise<boolean> {
    return this.entries.deleteOne({ _id: key, revision: expectedRevision });
  }
}

function toDocument(entry: CollectionEntry): StoredDocument {
  return withoutUndefined({ _id: entryKey(entry.profileId, entry.deviceId), ...entry }) as StoredDocument;
}

function fromDocument(doc: StoredDocument): CollectionEntry {
  const { _id, ...rest } = doc;
  void _id;
  return rest as unknown as CollectionEntry;
}
