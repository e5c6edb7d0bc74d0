import { appendFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AUDIT_FILE_NAME, FileAuditLog } from './file-audit-log';
import { auditEntry, describeAuditLogContract } from './testing/audit-log.contract';

const dirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nbi-audit-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describeAuditLogContract('file (JSON lines)', async () => {
  const dir = await freshDir();
  let log = await FileAuditLog.open(dir);
  return {
    get log() {
      return log;
    },
    async reopen() {
      await log.close();
      log = await FileAuditLog.open(dir);
      return log;
    },
    cleanup: () => log.close(),
  };
});

describe('FileAuditLog', () => {
  it('appends one JSON line per entry to <dataDir>/audit.jsonl, readable by its owner only', async () => {
    const dir = await freshDir();
    const log = await FileAuditLog.open(join(dir, 'data'));
    const entries = [auditEntry(), auditEntry({ outcome: 'PERMISSION_DENIED' })];
    await Promise.all(entries.map((entry) => log.record(entry)));
    await log.close();
    const file = join(dir, 'data', AUDIT_FILE_NAME);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(entries);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('serves the newest maxEntries from memory and loads only the tail of the file at open', async () => {
    const dir = await freshDir();
    const entries = Array.from({ length: 50 }, () => auditEntry());
    await writeFile(join(dir, AUDIT_FILE_NAME), entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    // Small read steps, so lines straddle the chunk boundaries.
    const log = await FileAuditLog.open(dir, { maxEntries: 7, tailChunkBytes: 100 });
    expect(await log.list({ limit: 100 })).toEqual(entries.slice(-7).reverse());
    for (let i = 0; i < 20; i++) await log.record(auditEntry());
    expect(await log.list({ limit: 100 })).toHaveLength(7);
    await log.close();
  });

  it('skips a line cut short by a crash, and starts the next entry on a line of its own', async () => {
    const dir = await freshDir();
    const file = join(dir, AUDIT_FILE_NAME);
    const kept = auditEntry();
    await writeFile(file, `${JSON.stringify(kept)}\nnot json\n${'{"x":1}\n'}${JSON.stringify(auditEntry()).slice(0, 40)}`);
    const warnings: object[] = [];
    const log = await FileAuditLog.open(dir, { logger: { warn: (context) => warnings.push(context) } });
    expect(await log.list({ limit: 10 })).toEqual([kept]);
    expect(warnings).toEqual([{ file, lines: 3 }]);
    const next = auditEntry();
    await log.record(next);
    await log.close();

    const reopened = await FileAuditLog.open(dir, { logger: { warn: () => undefined } });
    expect(await reopened.list({ limit: 10 })).toEqual([next, kept]);
    await reopened.close();
  });

  it('reads back a line written before `credential` was recorded with an empty one', async () => {
    const dir = await freshDir();
    const { credential: _credential, ...older } = auditEntry();
    await writeFile(join(dir, AUDIT_FILE_NAME), `${JSON.stringify(older)}\n`);
    const log = await FileAuditLog.open(dir);
    expect(await log.list({ limit: 10 })).toEqual([{ ...older, credential: '' }]);
    await log.close();
  });

  it('skips an overlong line without holding it in memory', async () => {
    const dir = await freshDir();
    const file = join(dir, AUDIT_FILE_NAME);
    const first = auditEntry();
    const last = auditEntry();
    await writeFile(file, `${JSON.stringify(first)}\n`);
    await appendFile(file, `${'x'.repeat(200 * 1024)}\n${JSON.stringify(last)}\n`);
    const log = await FileAuditLog.open(dir, { tailChunkBytes: 16 * 1024 });
    expect(await log.list({ limit: 10 })).toEqual([last, first]);
    await log.close();
  });

  describe('rotation and retention', () => {
    const day = 86_400_000;
    const start = Date.UTC(2026, 10, 20, 23, 0, 0);
    const lineBytes = Buffer.byteLength(`${JSON.stringify(auditEntry())}\n`);
    const names = async (dir: string) => (await readdir(dir)).sort();
    const linesOf = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);

    it('rotates before a write that would pass maxFileBytes, and reads back across the files at open', async () => {
      const dir = await freshDir();
      let now = start;
      const log = await FileAuditLog.open(dir, { maxFileBytes: lineBytes * 3, now: () => now });
      const entries = Array.from({ length: 7 }, () => auditEntry());
      for (const entry of entries) {
        await log.record(entry);
        now += 1;
      }
      await log.close();
      const files = await names(dir);
      expect(files).toEqual(['audit-20261120T230000003Z.jsonl', 'audit-20261120T230000006Z.jsonl', AUDIT_FILE_NAME]);
      expect(await linesOf(join(dir, files[0]))).toEqual(entries.slice(0, 3).map((entry) => entry.id));
      expect(await linesOf(join(dir, files[2]))).toEqual([entries[6].id]);
      for (const file of files) expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);

      // The newest maxEntries, taken from the current file and then the rotated ones, newest first.
      const reopened = await FileAuditLog.open(dir, { maxEntries: 5, tailChunkBytes: 64 });
      expect(await reopened.list({ limit: 10 })).toEqual(entries.slice(2).reverse());
      await reopened.close();
    });

    it('starts a new file on the first write of a new UTC day; a second rotation in the same ms gets its own name', async () => {
      const dir = await freshDir();
      let now = start;
      const log = await FileAuditLog.open(dir, { maxFileBytes: lineBytes, now: () => now });
      await log.record(auditEntry());
      await log.record(auditEntry());
      await log.record(auditEntry());
      now += 2 * 3_600_000;
      const tomorrow = auditEntry();
      await log.record(tomorrow);
      await log.close();
      expect(await names(dir)).toEqual([
        'audit-20261120T230000000Z-1.jsonl',
        'audit-20261120T230000000Z.jsonl',
        'audit-20261121T010000000Z.jsonl',
        AUDIT_FILE_NAME,
      ]);
      expect(await linesOf(join(dir, AUDIT_FILE_NAME))).toEqual([tomorrow.id]);
      const reopened = await FileAuditLog.open(dir);
      expect(await reopened.list({ limit: 10 })).toHaveLength(4);
      await reopened.close();
    });

    it('deleteOlderThan deletes the rotated files last written before the cutoff, and a stale current file', async () => {
      const dir = await freshDir();
      let now = start;
      const log = await FileAuditLog.open(dir, { now: () => now });
      const old = [auditEntry({ time: now }), auditEntry({ time: now + 1 })];
      for (const entry of old) await log.record(entry);
      now += day;
      const recent = auditEntry({ time: now });
      await log.record(recent);
      const [oldFile] = (await names(dir)).filter((name) => name !== AUDIT_FILE_NAME);
      // The file system's times are the real clock's: set them to the log's.
      await utimes(join(dir, oldFile), new Date(start), new Date(start + 1));

      expect(await log.deleteOlderThan(start + day / 2)).toBe(2);
      expect(await names(dir)).toEqual([AUDIT_FILE_NAME]);
      expect(await log.list({ limit: 10 })).toEqual([recent]);

      // Nothing written for a long time: the current file goes too, and the log carries on in a new one.
      await utimes(join(dir, AUDIT_FILE_NAME), new Date(now), new Date(now));
      now += 400 * day;
      expect(await log.deleteOlderThan(now - 365 * day)).toBe(1);
      expect(await names(dir)).toEqual([AUDIT_FILE_NAME]);
      expect(await log.list({ limit: 10 })).toEqual([]);
      const next = auditEntry({ time: now });
      await log.record(next);
      await log.close();
      expect(await linesOf(join(dir, AUDIT_FILE_NAME))).toEqual([next.id]);
    });
  });

  it('refuses to record or answer ping once closed', async () => {
    const log = await FileAuditLog.open(await freshDir());
    await log.close();
    await expect(log.record(auditEntry())).rejects.toThrow('is closed');
    await expect(log.ping()).rejects.toThrow('is closed');
    await log.close();
  });
});
