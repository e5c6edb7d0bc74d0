import type { AuditEntry, AuditLog } from '../audit-log.port';
import type { PrunableAuditLog } from '../audit-retention';

type ContractLog = AuditLog & PrunableAuditLog;

/** One adapter under test: a fresh, empty log, and (for persistent adapters) the same log opened again. */
export interface AuditLogSubject {
  log: ContractLog;
  /** Closes the log and opens it again on the same storage. */
  reopen(): Promise<ContractLog>;
  cleanup(): Promise<void>;
}

let sequence = 0;

export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  sequence++;
  return {
    id: `e-${String(sequence).padStart(6, '0')}`,
    time: 1_700_000_000_000 + sequence,
    client: 'oss',
    authentication: 'token',
    credential: 'issued 2026-11',
    method: '/acs.v1.TaskService/CreateTask',
    resourceType: 'tasks',
    action: 'add',
    target: 'dev-1',
    outcome: 'OK',
    message: '',
    peer: 'ipv4:10.0.0.7:51234',
    durationMs: 12,
    ...overrides,
  };
}

/** The behaviour every AuditLog adapter shares; run by each adapter's spec. */
export function describeAuditLogContract(adapter: string, open: () => Promise<AuditLogSubject>): void {
  describe(`AuditLog contract: ${adapter}`, () => {
    let subject: AuditLogSubject;
    let log: ContractLog;

    beforeEach(async () => {
      subject = await open();
      log = subject.log;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('keeps every field of an entry', async () => {
      const entry = auditEntry({ authentication: 'certificate', outcome: 'INVALID_ARGUMENT', message: 'device_id: required — «unicode» ok', durationMs: 0 });
      await log.record(entry);
      expect(await log.list({ limit: 10 })).toEqual([entry]);
    });

    it('lists newest first by time, then id, whatever order the entries were recorded in', async () => {
      const t = 1_800_000_000_000;
      // A long call started first but ended (and was recorded) last.
      const entries = [auditEntry({ id: 'b', time: t + 5 }), auditEntry({ id: 'a', time: t + 5 }), auditEntry({ id: 'c', time: t + 9 }), auditEntry({ id: 'z', time: t })];
      for (const entry of entries) await log.record(entry);
      expect((await log.list({ limit: 10 })).map((entry) => entry.id)).toEqual(['c', 'b', 'a', 'z']);
      expect((await log.list({ limit: 2 })).map((entry) => entry.id)).toEqual(['c', 'b']);
      expect(await log.list({ limit: 0 })).toEqual([]);
    });

    it('filters by client, resource type and outcome, alone or together ("" matches all)', async () => {
      await log.record(auditEntry({ id: 'f1', client: 'oss', resourceType: 'tasks', outcome: 'OK' }));
      await log.record(auditEntry({ id: 'f2', client: 'oss', resourceType: 'devices', outcome: 'PERMISSION_DENIED' }));
      await log.record(auditEntry({ id: 'f3', client: 'billing', resourceType: 'tasks', outcome: 'PERMISSION_DENIED' }));
      const ids = async (query: Parameters<AuditLog['list']>[0]) => (await log.list(query)).map((entry) => entry.id);
      expect(await ids({ limit: 10, client: 'oss' })).toEqual(['f2', 'f1']);
      expect(await ids({ limit: 10, resourceType: 'tasks' })).toEqual(['f3', 'f1']);
      expect(await ids({ limit: 10, outcome: 'PERMISSION_DENIED' })).toEqual(['f3', 'f2']);
      expect(await ids({ limit: 10, client: 'oss', outcome: 'PERMISSION_DENIED' })).toEqual(['f2']);
      expect(await ids({ limit: 10, client: 'billing', resourceType: 'devices' })).toEqual([]);
      expect(await ids({ limit: 10, client: '', resourceType: '', outcome: '' })).toEqual(['f3', 'f2', 'f1']);
    });

    it('pages with `before` without skipping or repeating entries that share a time', async () => {
      const t = 1_900_000_000_000;
      const times = [t, t + 1, t + 1, t + 1, t + 2, t + 3, t + 3];
      for (const [i, time] of times.entries()) await log.record(auditEntry({ id: `p${i}`, time }));
      const seen: string[] = [];
      let before: { time: number; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const entries = await log.list({ limit: 2, ...(before ? { before } : {}) });
        if (entries.length === 0) break;
        seen.push(...entries.map((entry) => entry.id));
        const last = entries[entries.length - 1];
        before = { time: last.time, id: last.id };
      }
      expect(seen).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    });

    it('keeps to a time range [from, to), alone or with a filter and pages', async () => {
      const t = 1_960_000_000_000;
      for (const [i, time] of [t, t + 1, t + 2, t + 3, t + 4].entries()) await log.record(auditEntry({ id: `w${i}`, time, client: i % 2 === 0 ? 'even' : 'odd' }));
      const ids = async (query: Parameters<AuditLog['list']>[0]) => (await log.list(query)).map((entry) => entry.id);
      expect(await ids({ limit: 10, from: t + 1, to: t + 4 })).toEqual(['w3', 'w2', 'w1']);
      expect(await ids({ limit: 10, from: t + 3 })).toEqual(['w4', 'w3']);
      expect(await ids({ limit: 10, to: t + 1 })).toEqual(['w0']);
      expect(await ids({ limit: 10, from: t + 1, client: 'even' })).toEqual(['w4', 'w2']);
      expect(await ids({ limit: 1, from: t + 1, to: t + 4, before: { time: t + 3, id: 'w3' } })).toEqual(['w2']);
    });

    it('pages within a filter', async () => {
      for (let i = 0; i < 6; i++) await log.record(auditEntry({ id: `q${i}`, client: i % 2 === 0 ? 'even' : 'odd' }));
      const first = await log.list({ limit: 2, client: 'even' });
      expect(first.map((entry) => entry.id)).toEqual(['q4', 'q2']);
      const second = await log.list({ limit: 2, client: 'even', before: { time: first[1].time, id: first[1].id } });
      expect(second.map((entry) => entry.id)).toEqual(['q0']);
    });

    it('lists no entry older than a retention cutoff once deleteOlderThan ran', async () => {
      const t = 1_950_000_000_000;
      for (const [i, time] of [t - 2, t - 1, t, t + 1].entries()) await log.record(auditEntry({ id: `r${i}`, time }));
      await log.deleteOlderThan(t);
      expect((await log.list({ limit: 10 })).map((entry) => entry.id)).toEqual(['r3', 'r2']);
    });

    it('answers ping while open', async () => {
      await expect(log.ping()).resolves.toBeUndefined();
    });

    it('keeps entries across a restart', async () => {
      const entries = [auditEntry(), auditEntry({ outcome: 'PERMISSION_DENIED' })];
      for (const entry of entries) await log.record(entry);
      log = await subject.reopen();
      expect(await log.list({ limit: 10 })).toEqual([...entries].reverse());
      const more = auditEntry();
      await log.record(more);
      expect((await log.list({ limit: 10 })).map((entry) => entry.id)).toEqual([more.id, entries[1].id, entries[0].id]);
    });
  });
}
