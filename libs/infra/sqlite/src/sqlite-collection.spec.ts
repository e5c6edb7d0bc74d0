import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DuplicateKeyError, InvalidQueryError } from '@acs/platform';

import { DataDirectoryInUseError, lockDataDirectory } from './data-directory-lock';
import { SqliteCollection } from './sqlite-collection';
import { openSqliteDatabase, SqliteWriteBatcher, type SqliteDatabase } from './sqlite-database';

describe('SqliteCollection', () => {
  let dir: string;
  let db: SqliteDatabase;
  let items: SqliteCollection;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-sqlite-collection-'));
    db = openSqliteDatabase(join(dir, 'test.sqlite'));
    items = new SqliteCollection(db, { name: 'items', indexes: [['kind']], arrayFields: ['tags'], treeField: 'p' });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('treats hostile field names and values as data, never as SQL', async () => {
    const hostile = `x'); DROP TABLE items; --`;
    await items.insertOne({ _id: hostile, kind: hostile, [`we"ird'key`]: 1, tags: [hostile] });
    expect(await items.count({ kind: hostile })).toBe(1);
    expect(await items.count({ [`we"ird'key`]: 1 })).toBe(1);
    expect(await items.count({ [`a'b.c"d`]: { $exists: false } })).toBe(1);
    expect(await items.count({ tags: hostile })).toBe(1);
    expect(await items.count({ _id: { $regex: "^x'\\)" } })).toBe(1);
    expect(await items.count({})).toBe(1);
  });

  it('refuses what it does not evaluate with InvalidQueryError, before touching data', async () => {
    await items.insertOne({ _id: 'a', kind: 'k' });
    for (const filter of [{ $where: 'sleep(1)' }, { kind: { $expr: 1 } }, { kind: { $gt: { nested: 1 } } }, { kind: { $regex: '(' } }, { 'a..b': 1 }, { 'p.Device._x': 1 }]) {
      await expect(items.count(filter)).rejects.toBeInstanceOf(InvalidQueryError);
    }
    await expect(items.insertOne({ _id: 5 as unknown as string })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(items.insertOne({ _id: 'b', p: { Device: { _v: { object: true } } } })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(items.updateOne({ _id: 'a' }, { inc: { kind: 1 } })).rejects.toBeInstanceOf(InvalidQueryError);
    expect(await items.findOne({ _id: 'a' })).toEqual({ _id: 'a', kind: 'k', p: {} });
    expect(await items.count({})).toBe(1);
  });

  it('keeps MongoDB types apart: a number never equals a string, a boolean never equals 1', async () => {
    await items.insertOne({ _id: 'n', v: 1, p: { Device: { X: { _v: 1, _at: 1 } } } });
    await items.insertOne({ _id: 's', v: '1', p: { Device: { X: { _v: '1', _at: 1 } } } });
    await items.insertOne({ _id: 'b', v: true, p: { Device: { X: { _v: true, _at: 1 } } } });
    const ids = async (filter: Record<string, unknown>) => (await items.find(filter, { sort: [['_id', 1]] })).map((doc) => doc._id);
    expect(await ids({ v: 1 })).toEqual(['n']);
    expect(await ids({ v: '1' })).toEqual(['s']);
    expect(await ids({ v: true })).toEqual(['b']);
    expect(await ids({ v: { $gt: 0 } })).toEqual(['n']);
    expect(await ids({ v: { $in: [1, '1'] } })).toEqual(['n', 's']);
    expect(await ids({ 'p.Device.X._v': 1 })).toEqual(['n']);
    expect(await ids({ 'p.Device.X._v': true })).toEqual(['b']);
    expect(await ids({ 'p.Device.X._v': { $ne: '1' } })).toEqual(['b', 'n']);
    expect(await ids({ missing: null })).toEqual(['b', 'n', 's']);
    expect((await items.findOne({ _id: 'b' }))!.p).toEqual({ Device: { X: { _v: true, _at: 1 } } });
  });

  it('refuses a duplicate _id and leaves the first document as it was', async () => {
    await items.insertOne({ _id: 'a', kind: 'first', tags: ['x'] });
    await expect(items.insertOne({ _id: 'a', kind: 'second', tags: ['y'] })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await items.findOne({ _id: 'a' })).toEqual({ _id: 'a', kind: 'first', tags: ['x'], p: {} });
    expect(await items.count({ tags: 'y' })).toBe(0);
  });

  it('findOneAndUpdate returns only the projected fields, and no tree unless projected', async () => {
    await items.insertOne({ _id: 'd', kind: 'router', tags: ['lab'], p: { Device: { _at: 1, DeviceInfo: { Uptime: { _v: 5, _at: 1 } } } } });
    const after = await items.findOneAndUpdate({ _id: 'd' }, { set: { kind: 'ont', 'p.Device.DeviceInfo.Uptime._v': 6 } }, ['kind', 'tags']);
    expect(after).toEqual({ _id: 'd', kind: 'ont', tags: ['lab'] });
    const subtree = await items.findOneAndUpdate({ _id: 'd' }, { set: { 'p.Device.DeviceInfo.Uptime._at': 2 } }, ['p.Device.DeviceInfo']);
    expect(subtree).toEqual({ _id: 'd', p: { Device: { DeviceInfo: { Uptime: { _v: 6, _at: 2 } } } } });
  });

  it('keeps each indexed field in a column that follows every kind of write, and filters through its index', async () => {
    await items.insertOne({ _id: 'a', kind: 'router', n: 1 });
    await items.insertOne({ _id: 'b', kind: 'ont' });
    expect(items.explain({ kind: 'router' })).toMatch(/USING INDEX items_c_kind_0/);
    await items.updateOne({ _id: 'a' }, { set: { kind: 'stb' } });
    expect(await items.find({ kind: 'stb' }, { projection: ['kind', 'n'] })).toEqual([{ _id: 'a', kind: 'stb', n: 1 }]);
    expect(await items.count({ kind: 'router' })).toBe(0);
    await items.updateOne({ _id: 'a' }, { unset: ['kind'] });
    expect(await items.count({ kind: { $exists: true } })).toBe(1);
    await items.replaceOne({ _id: 'b' }, { _id: 'b', kind: 'gw' });
    expect(await items.count({ kind: 'gw' })).toBe(1);
    expect(await items.count({ kind: 'ont' })).toBe(0);
    await items.updateOne({ _id: 'a' }, { inc: { kind: 2 } });
    expect(await items.count({ kind: { $gt: 1 } })).toBe(1);
    // SQLite orders numbers before text, as MongoDB does.
    expect((await items.find({}, { sort: [['kind', -1]] })).map((d) => d._id)).toEqual(['b', 'a']);
  });

  it('moves a store written with expression indexes onto index columns when it opens', async () => {
    const path = join(dir, 'legacy.sqlite');
    const legacy = openSqliteDatabase(path);
    legacy.exec(`CREATE TABLE things (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc BLOB NOT NULL)`);
    legacy.exec(`CREATE INDEX things_i_kind_0 ON things ((doc ->> '$.kind'))`);
    legacy.prepare(`INSERT INTO things (id, doc) VALUES (?, jsonb(?))`).run('x', JSON.stringify({ kind: 'router', n: 2 }));
    legacy.close();

    const reopened = openSqliteDatabase(path);
    try {
      const things = new SqliteCollection(reopened, { name: 'things', indexes: [['kind']] });
      expect(await things.find({ kind: 'router' })).toEqual([{ _id: 'x', kind: 'router', n: 2 }]);
      expect(things.explain({ kind: 'router' })).toMatch(/USING INDEX things_c_kind_0/);
      const indexes = reopened.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'things'`).all() as Array<{ name: string }>;
      expect(indexes.map((i) => i.name)).not.toContain('things_i_kind_0');
    } finally {
      reopened.close();
    }
  });

  it('group commit: writes of one turn share a commit; a failing one is undone alone', async () => {
    const writes = new SqliteWriteBatcher(db);
    const shared = new SqliteCollection(db, { name: 'shared' }, { writes });
    const results = await Promise.allSettled([
      shared.insertOne({ _id: 'a', n: 1 }),
      shared.insertOne({ _id: 'a', n: 2 }),
      shared.insertOne({ _id: 'b', n: 3 }),
      shared.updateOne({ _id: 'a' }, { set: { n: 10 } }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await shared.find({}, { sort: [['_id', 1]] })).toEqual([
      { _id: 'a', n: 10 },
      { _id: 'b', n: 3 },
    ]);
    expect(db.inTransaction).toBe(false);
  });
});

describe('data directory lock', () => {
  it('lets one holder at a time have a data directory, and frees it on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-lock-'));
    const first = lockDataDirectory(dir);
    expect(() => lockDataDirectory(dir)).toThrow(DataDirectoryInUseError);
    expect(() => lockDataDirectory(dir)).toThrow(/in use by another ACS process \(pid \d+/);
    first.release();
    lockDataDirectory(dir).release();
    rmSync(dir, { recursive: true, force: true });
  });
});
