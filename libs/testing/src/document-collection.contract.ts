import type { DocumentCollection } from '@acs/platform';

import type { ContractFactory } from './contract-subject';

/**
 * The DocumentCollection port (@acs/platform) as every adapter must keep it: SQLite (libs/infra/sqlite), MongoDB and
 * FerretDB (libs/infra/mongo), nedb (provisioning's earlier embedded store, on disk or in memory). The repositories'
 * own suites prove the rest of the port through their queries; this one holds what a repository takes for granted of
 * every store, starting with the bulk delete.
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

    it('deletes one document with deleteOne, and says whether it did', async () => {
      await insertPairs('g1', 2);
      expect(await pairs.deleteOne({ groupId: 'g1' })).toBe(true);
      expect(await pairs.count({ groupId: 'g1' })).toBe(1);
      expect(await pairs.deleteOne({ groupId: 'g2' })).toBe(false);
    });
  });
}
