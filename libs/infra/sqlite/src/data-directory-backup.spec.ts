import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { BACKUP_MANIFEST, BackupError, backupDataDirectory, fileTimestamp, type DataDirectoryBackup } from './data-directory-backup';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';
import { describeSqliteFile, isSqliteSideFile, listSqliteFiles } from './sqlite-file-info';

const WRITER = join(__dirname, 'test-support', 'sqlite-writer.js');

describe('backupDataDirectory', () => {
  let root: string;
  let dataDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'acs-backup-'));
    dataDir = join(root, 'data');
    mkdirSync(dataDir);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function createDatabase(name: string, rows: number): void {
    const db = openSqliteDatabase(join(dataDir, `${name}.sqlite`));
    db.exec('CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO documents (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`row ${i} ${'y'.repeat(1000)}`);
    })();
    db.close();
  }

  /** A database left open with commits still in its WAL, as the running standalone keeps them. */
  function openDatabase(name: string, rows: number): SqliteDatabase {
    createDatabase(name, 0);
    const db = openSqliteDatabase(join(dataDir, `${name}.sqlite`));
    const insert = db.prepare('INSERT INTO documents (body) VALUES (?)');
    for (let i = 0; i < rows; i++) insert.run(`entry ${i}`);
    return db;
  }

  function rowsOf(file: string): number {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    } finally {
      db.close();
    }
  }

  it('copies a database another process keeps writing to: the copy passes integrity_check and holds a moment between before and after', async () => {
    createDatabase('provisioning', 20_000);
    createDatabase('gateway', 10);
    const file = join(dataDir, 'provisioning.sqlite');
    const writer: ChildProcess = fork(WRITER, [file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const [started] = (await once(writer, 'message')) as [{ writing: number }];
      expect(started.writing).toBeGreaterThan(20_000);
      const before = rowsOf(file);

      const backup = await backupDataDirectory(dataDir, join(root, 'backups'));

      const after = rowsOf(file);
      const copy = backup.databases.find((db) => db.name === 'provisioning')!;
      const copied = rowsOf(copy.file);
      expect(copied).toBeGreaterThanOrEqual(before);
      expect(copied).toBeLessThanOrEqual(after);
      expect(copy.rows).toEqual({ documents: copied });
      const check = new Database(copy.file, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
      check.close();

      writer.send('stop');
      const [stopped] = (await once(writer, 'message')) as [{ stopped: number }];
      expect(stopped.stopped).toBeGreaterThanOrEqual(after);
      console.info(`backup while writing: ${before} rows before, ${copied} in the copy, ${after} after, ${stopped.stopped} when the writer stopped`);
    } finally {
      if (writer.exitCode === null) {
        writer.kill();
        await once(writer, 'exit');
      }
    }
  });

  it('writes a timestamped directory of every database, the nbi files and a manifest, inside an existing directory', async () => {
    createDatabase('provisioning', 3);
    createDatabase('gateway', 2);
    writeFileSync(join(dataDir, 'acs.lock'), '');
    mkdirSync(join(dataDir, 'nbi'));
    writeFileSync(join(dataDir, 'nbi', 'clients.yaml'), 'clients: []\n', { mode: 0o600 });
    writeFileSync(join(dataDir, 'nbi', 'admin.token'), 'secret\n', { mode: 0o600 });
    // The audit database is open, its last commits in the WAL: it is backed up through SQLite, not copied.
    const audit = openDatabase('nbi/audit', 4);
    // An earlier audit file log moved aside; a JSON-lines file may end half-way through a line.
    mkdirSync(join(dataDir, 'nbi', 'audit-imported-20261201T000000000Z'));
    writeFileSync(join(dataDir, 'nbi', 'audit-imported-20261201T000000000Z', 'audit.jsonl'), '{"a":1}\n{"a":2}\n{"a":', { mode: 0o600 });
    const backups = join(root, 'backups');
    mkdirSync(backups);
    const at = new Date('2026-12-07T05:00:01.234Z');

    const backup = await backupDataDirectory(dataDir, backups, { subdirectories: ['nbi', 'absent'], copyFirst: ['provisioning', 'missing'], now: () => at });
    audit.close();

    expect(backup.directory).toBe(join(backups, 'acs-backup-20261207T050001234Z'));
    expect(readdirSync(backup.directory).sort()).toEqual([BACKUP_MANIFEST, 'gateway.sqlite', 'nbi', 'provisioning.sqlite']);
    expect(backup.databases.map(({ name, rows, integrity }) => ({ name, rows, integrity }))).toEqual([
      { name: 'provisioning', rows: { documents: 3 }, integrity: 'ok' },
      { name: 'gateway', rows: { documents: 2 }, integrity: 'ok' },
      { name: 'nbi/audit', rows: { documents: 4 }, integrity: 'ok' },
    ]);
    expect(backup.files).toEqual(['nbi/admin.token', 'nbi/audit-imported-20261201T000000000Z/audit.jsonl', 'nbi/clients.yaml']);
    expect(readdirSync(join(backup.directory, 'nbi')).sort()).toEqual(['admin.token', 'audit-imported-20261201T000000000Z', 'audit.sqlite', 'clients.yaml']);
    expect(readFileSync(join(backup.directory, 'nbi', 'audit-imported-20261201T000000000Z', 'audit.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(statSync(join(backup.directory, 'nbi', 'admin.token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(backup.directory, 'provisioning.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(backup.directory).mode & 0o777).toBe(0o700);
    const manifest = JSON.parse(readFileSync(join(backup.directory, BACKUP_MANIFEST), 'utf8')) as DataDirectoryBackup;
    expect(manifest).toEqual(backup);
    // No -wal or -shm beside the copies: each is one file.
    expect(listSqliteFiles(backup.directory, ['nbi'])).toHaveLength(3);
    expect(readdirSync(backup.directory).concat(readdirSync(join(backup.directory, 'nbi'))).filter(isSqliteSideFile)).toEqual([]);
  });

  it('backs up into a path that does not exist yet, and refuses a file or a directory without databases', async () => {
    createDatabase('provisioning', 1);
    const target = join(root, 'nested', 'tonight');
    const backup = await backupDataDirectory(dataDir, target);
    expect(backup.directory).toBe(target);
    expect(existsSync(join(target, 'provisioning.sqlite'))).toBe(true);

    writeFileSync(join(root, 'a-file'), '');
    await expect(backupDataDirectory(dataDir, join(root, 'a-file'))).rejects.toThrow(/exists and is not a directory/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(backupDataDirectory(empty, join(root, 'x'))).rejects.toThrow(BackupError);
    await expect(backupDataDirectory(join(root, 'missing'), join(root, 'x'))).rejects.toThrow(/does not exist/);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('removes the new directory when a database cannot be copied', async () => {
    createDatabase('provisioning', 1);
    writeFileSync(join(dataDir, 'broken.sqlite'), 'not a database, only its name');
    const target = join(root, 'failed');
    await expect(backupDataDirectory(dataDir, target)).rejects.toThrow(/broken\.sqlite/);
    expect(existsSync(target)).toBe(false);
  });

  it('names times in the ISO basic format', () => {
    expect(fileTimestamp(new Date('2026-01-02T03:04:05.006Z'))).toBe('20260102T030405006Z');
  });
});

describe('describeSqliteFile', () => {
  it('reports file, WAL, pages, free pages and rows per table while a connection is open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-info-'));
    try {
      const file = join(dir, 'provisioning.sqlite');
      const db = openSqliteDatabase(file);
      db.exec('CREATE TABLE devices (id TEXT PRIMARY KEY); CREATE TABLE tasks (id TEXT PRIMARY KEY)');
      const insert = db.prepare('INSERT INTO devices VALUES (?)');
      for (let i = 0; i < 5; i++) insert.run(`d${i}`);
      const info = describeSqliteFile(dir, file);
      expect(info).toEqual({
        name: 'provisioning',
        file,
        fileBytes: expect.any(Number),
        walBytes: expect.any(Number),
        pageSize: 4096,
        pages: expect.any(Number),
        freePages: 0,
        rows: { devices: 5, tasks: 0 },
      });
      // The commits are still in the WAL: nothing checkpointed them yet.
      expect(info.walBytes).toBeGreaterThan(0);
      expect(info.pages).toBeGreaterThanOrEqual(3);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
