import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeDocumentCollectionContract } from '@acs/testing';

import { SqliteCollection } from './sqlite-collection';
import { openSqliteDatabase, SqliteWriteBatcher } from './sqlite-database';

// The embedded store's collections keep the DocumentCollection contract MongoDB keeps (libs/infra/mongo), on a
// database file of their own per test, with the side tables an inventory has (an array field, a parameter tree).
describeDocumentCollectionContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-sqlite-documents-'));
  const db = openSqliteDatabase(join(dir, 'documents.sqlite'));
  const writes = new SqliteWriteBatcher(db);
  const adapter = new SqliteCollection(db, { name: 'pairs', indexes: [['groupId', 'deviceId'], ['deviceId', 'groupId']], arrayFields: ['tags'], treeField: 'p' }, { prefix: 'spec', writes });
  return {
    adapter,
    cleanup: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteCollection.deleteMany beyond the contract', () => {
  it("deletes a document's array elements and parameter nodes with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-sqlite-documents-'));
    const db = openSqliteDatabase(join(dir, 'documents.sqlite'));
    try {
      const devices = new SqliteCollection(db, { name: 'devices', indexes: [], arrayFields: ['tags'], treeField: 'p' });
      for (const id of ['a', 'b', 'c']) await devices.insertOne({ _id: id, fleet: id === 'c' ? 'keep' : 'drop', tags: ['lab', id], p: { Device: { X: { _v: id } } } });
      expect(await devices.deleteMany({ fleet: 'drop' })).toBe(2);
      expect(await devices.count({ tags: 'lab' })).toBe(1);
      const orphans = (table: string, column: string) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} NOT IN (SELECT seq FROM devices)`).get() as { n: number }).n;
      expect({ nodes: orphans(devices.treeTable(), 'doc'), tags: orphans(devices.arrayTable('tags'), 'seq') }).toEqual({ nodes: 0, tags: 0 });
      expect(await devices.findOne({ _id: 'c' })).toMatchObject({ tags: ['lab', 'c'], p: { Device: { X: { _v: 'c' } } } });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
