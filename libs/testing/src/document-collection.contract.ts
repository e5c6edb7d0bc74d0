import type { DocumentCollection } from '@acs/platform';

import type { ContractFactory } from './contract-subject';

/**
 * The DocumentCollection port (@acs/platform) as every adapter must keep it: SQLite (libs/infra/sqlite), MongoDB and
 * FerretDB (libs/infra/mongo), nedb (provisioning's earlier embedded store, on disk or in memory). The repositories'
 * own suites prove the rest of the port through their queries; this one holds what a repository takes for granted of
 * every store: the bulk delete, and the append (`push`) time series buckets grow by.
 */
export function describeDocumentCollectionContract(name: string, factory: ContractFactory<DocumentCollection>): void {
  describe(`DocumentCollection on ${name}`, () => {
    let pairs: DocumentCollection;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const subject = await factory();
      pairs = subject.adapter;
      cleanup = () => subject.cleanup();
    });

    afterEach(async () => {
      await cleanup();
    });

    async function insertPairs(groupId: string, count: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        const deviceId = `dev-${String(i).padStart(4, '0')}`;
        await pairs.insertOne({ _id: `${groupId}:${deviceId}`, groupId, deviceId, since: i });
      }
    }

    it('deletes every match of a filter, and only those, and says how many', async () => {
      await insertPairs('g1', 30);
      await insertPairs('g2', 5);
      expect(await pairs.deleteMany({ groupId: 'g1' })).toBe(30);
      expect(await pairs.count({ groupId: 'g1' })).toBe(0);
      expect(await pairs.count({ groupId: 'g2' })).toBe(5);
      expect(await pairs.findOne({ _id: 'g2:dev-0004' })).toMatchObject({ groupId: 'g2', deviceId: 'dev-0004', since: 4 });
    });

    it('deletes by a range and by a list of ids, and nothing when nothing matches', async () => {
      await insertPairs('g1', 10);
      expect(await pairs.deleteMany({ groupId: 'g1', since: { $gte: 7 } })).toBe(3);
      expect(await pairs.deleteMany({ _id: { $in: ['g1:dev-0000', 'g1:dev-0001', 'g9:none'] } })).toBe(2);
      expect(await pairs.deleteMany({ groupId: 'no such group' })).toBe(0);
      const left = await pairs.find({ groupId: 'g1' }, { projection: ['deviceId'], sort: [['deviceId', 1]] });
      expect(left.map((doc) => doc.deviceId)).toEqual(['dev-0002', 'dev-0003', 'dev-0004', 'dev-0005', 'dev-0006']);
    });

    it('frees the deleted ids for new documents', async () => {
      await insertPairs('g1', 3);
      expect(await pairs.deleteMany({})).toBe(3);
      expect(await pairs.count({})).toBe(0);
      await insertPairs('g1', 3);
      expect(await pairs.count({ groupId: 'g1' })).toBe(3);
    });

    it('appends values in order with push, creating the array and nested fields, beside other parts of the update', async () => {
      await pairs.insertOne({ _id: 'bucket', deviceId: 'dev-1', series: { a: { t: [1], v: [10] } }, rollupDue: 0 });
      expect(
        await pairs.updateOne(
          { _id: 'bucket' },
          { push: { 'series.a.t': [2, 3], 'series.a.v': [20, null], 'series.b:c.t': [3], resets: [{ m: 'a', t: 3 }] }, set: { rollupDue: 1 }, inc: { n: 2 } },
        ),
      ).toBe(true);
      const doc = await pairs.findOne({ _id: 'bucket' });
      // toMatchObject: an adapter may add its own empty fields (SQLite's parameter tree); arrays still match whole.
      expect(doc).toMatchObject({ _id: 'bucket', deviceId: 'dev-1', series: { a: { t: [1, 2, 3], v: [10, 20, null] }, 'b:c': { t: [3] } }, rollupDue: 1, n: 2, resets: [{ m: 'a', t: 3 }] });
      // Repeated values are appended again (push is not addToSet).
      const after = await pairs.findOneAndUpdate({ _id: 'bucket' }, { push: { 'series.a.t': [3] } }, ['series.a.t']);
      expect(after).toMatchObject({ _id: 'bucket', series: { a: { t: [1, 2, 3, 3] } } });
      expect(Object.keys((after!.series as Record<string, unknown>).a as object)).toEqual(['t']);
    });

    it('pushes nothing to a document no filter matches, and says so', async () => {
      await insertPairs('g1', 1);
      expect(await pairs.updateOne({ _id: 'missing' }, { push: { list: [1] } })).toBe(false);
      expect(await pairs.count({ list: { $exists: true } })).toBe(0);
      expect(await pairs.updateOne({ _id: 'g1:dev-0000' }, { push: { list: [] } })).toBe(true);
      const untouched = await pairs.findOne({ _id: 'g1:dev-0000' });
      expect(untouched).toMatchObject({ _id: 'g1:dev-0000', groupId: 'g1', deviceId: 'dev-0000', since: 0 });
      expect(untouched!.list).toBeUndefined();
    });

    it('deletes one document with deleteOne, and says whether it did', async () => {
      await insertPairs('g1', 2);
      expect(await pairs.deleteOne({ groupId: 'g1' })).toBe(true);
      expect(await pairs.count({ groupId: 'g1' })).toBe(1);
      expect(await pairs.deleteOne({ groupId: 'g2' })).toBe(false);
    });
  });
}
