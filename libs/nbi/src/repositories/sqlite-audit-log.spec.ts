import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { auditEntry, describeAuditLogContract } from '../audit/testing/audit-log.contract';
import { SqliteAuditLog } from './sqlite-audit-log';

const dirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nbi-audit-sqlite-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describeAuditLogContract('SQLite', async () => {
  const dir = await freshDir();
  let log = await SqliteAuditLog.open(dir);
  return {
    get log() {
      return log;
    },
    async reopen() {
      await log.close();
      log = await SqliteAuditLog.open(dir);
      return log;
    },
    cleanup: () => log.close(),
  };
});

describe('SqliteAuditLog: the earlier file log', () => {
  it('imports audit.jsonl and rotated files once, skipping torn lines, and moves them aside', async () => {
    const dir = await freshDir();
    const [a, b, c] = [auditEntry(), auditEntry(), auditEntry()];
    await writeFile(join(dir, 'audit-20261201T000000000Z.jsonl'), `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    await writeFile(join(dir, 'audit.jsonl'), `${JSON.stringify(c)}\n{"id":"torn","ti`);
    const warnings: object[] = [];
    const log = await SqliteAuditLog.open(dir, { logger: { info: () => undefined, warn: (context) => warnings.push(context) } });
    expect((await log.list({ limit: 10 })).map((entry) => entry.id)).toEqual([c.id, b.id, a.id]);
    expect(warnings).toEqual([{ skipped: 1 }]);
    const names = await readdir(dir);
    expect(names.filter((name) => name.endsWith('.jsonl'))).toEqual([]);
    expect(names.some((name) => name.startsWith('audit-imported-'))).toBe(true);
    await log.close();

    const reopened = await SqliteAuditLog.open(dir);
    expect(await reopened.list({ limit: 10 })).toHaveLength(3);
    await reopened.close();
  });
});
