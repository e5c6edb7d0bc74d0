import { entryKey, type CollectionEntry, type CollectionEntryRepository } from '../collection-entry';

const T = Date.UTC(2026, 11, 8, 9);

function entry(profileId: string, deviceId: string, extra: Partial<CollectionEntry> = {}): CollectionEntry {
  return { profileId, deviceId, root: 'Device', mode: 'reads', seenAt: T, dueAt: T, revision: 0, ...extra };
}

/** The collection entries' contract, run on SQLite (collection-entry.sqlite.spec.ts) and MongoDB/FerretDB (collection-entry.mongo.int-spec.ts). */
export function describeCollectionEntryContract(name: string, open: () => Promise<{ entries: CollectionEntryRepository; close(): Promise<void> }>): void {
  describe(`collection entries (${name})`, () => {
    let entries: CollectionEntryRepository;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ entries, close } = await open());
    });
    afterEach(() => close());

    it('inserts once per (profile, device) and changes an entry only at the revision read', async () => {
      expect(await entries.insert(entry('p1', 'dev-1'))).toBe(true);
      expect(await entries.insert(entry('p1', 'dev-1', { mode: 'idle' }))).toBe(false);
      expect(await entries.insert(entry('p2', 'dev-1'))).toBe(true);
      const key = entryKey('p1', 'dev-1');
      expect((await entries.getMany([key, entryKey('p1', 'nope')])).get(key)).toEqual(entry('p1', 'dev-1', { revision: 1 }));
      expect(await entries.update(key, 1, { set: { readTaskId: 't-1' }, unset: ['dueAt'] })).toBe(true);
      expect(await entries.update(key, 1, { set: { readTaskId: 't-2' }, unset: ['dueAt'] })).toBe(false);
      const read = (await entries.getMany([key])).get(key)!;
      expect(read).toEqual({ profileId: 'p1', deviceId: 'dev-1', root: 'Device', mode: 'reads', seenAt: T, readTaskId: 't-1', revision: 2 });
      expect(await entries.update(key, 2, { set: { bulkData: { phase: 'adding', taskId: 't-3', signature: 's', at: T } } })).toBe(true);
      expect((await entries.getMany([key])).get(key)?.bulkData).toEqual({ phase: 'adding', taskId: 't-3', signature: 's', at: T });
      expect(await entries.delete(key, 2)).toBe(false);
      expect(await entries.delete(key, 3)).toBe(true);
      expect((await entries.getMany([key])).size).toBe(0);
    });

    it('lists due reads, the longest due first, and not those waiting for a read', async () => {
      await entries.insert(entry('p1', 'dev-1', { dueAt: T + 20 }));
      await entries.insert(entry('p1', 'dev-2', { dueAt: T + 10 }));
      await entries.insert(entry('p1', 'dev-3', { dueAt: T + 99 }));
      await entries.insert(entry('p2', 'dev-1', { dueAt: undefined, readTaskId: 't' }));
      expect((await entries.due(T + 50, 10)).map((e) => e.deviceId)).toEqual(['dev-2', 'dev-1']);
      expect((await entries.due(T + 50, 1)).map((e) => e.deviceId)).toEqual(['dev-2']);
    });

    it('marks entries seen by a walk without moving their mark back, and lists the ones it missed', async () => {
      await entries.insert(entry('p1', 'dev-1'));
      await entries.insert(entry('p1', 'dev-2'));
      await entries.insert(entry('p2', 'dev-3'));
      await entries.markSeen('p1', ['dev-1'], T + 100);
      await entries.markSeen('p1', ['dev-1', 'dev-2'], T + 50);
      const seen = await entries.getMany([entryKey('p1', 'dev-1'), entryKey('p1', 'dev-2')]);
      expect(seen.get(entryKey('p1', 'dev-1'))).toMatchObject({ seenAt: T + 100, revision: 1 });
      expect((await entries.stale('p1', T + 100, 10)).map((e) => e.deviceId)).toEqual(['dev-2']);
      expect((await entries.stale('p1', T + 50, 10)).map((e) => e.deviceId)).toEqual([]);
      expect((await entries.outside(['p1'], 10)).map((e) => e.deviceId)).toEqual(['dev-3']);
      expect((await entries.outside([], 10)).length).toBe(3);
    });
  });
}
