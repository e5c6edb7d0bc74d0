import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

  it('refuses to record or answer ping once closed', async () => {
    const log = await FileAuditLog.open(await freshDir());
    await log.close();
    await expect(log.record(auditEntry())).rejects.toThrow('is closed');
    await expect(log.ping()).rejects.toThrow('is closed');
    await log.close();
  });
});
