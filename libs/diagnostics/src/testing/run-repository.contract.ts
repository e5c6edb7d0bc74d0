import { ConflictError } from '@acs/platform';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { RunStore } from '../repositories/run-ports';

export interface RunStoreUnderTest extends RunStore {
  cleanup(): Promise<void>;
}

function run(id: string, createdAt: number, more: Partial<DiagnosticRun> = {}): DiagnosticRun {
  return {
    id,
    deviceId: 'dev-1',
    kind: 'ipPing',
    root: 'Device',
    objectPath: 'Device.IP.Diagnostics.IPPing.',
    inputs: { Host: '192.0.2.1' },
    valuesSet: [
      { path: 'Device.IP.Diagnostics.IPPing.Host', value: '192.0.2.1', type: 'string' },
      { path: 'Device.IP.Diagnostics.IPPing.NumberOfRepetitions', value: 4, type: 'unsignedInt' },
      { path: 'Device.IP.Diagnostics.IPPing.DiagnosticsState', value: 'Requested', type: 'string' },
    ],
    status: 'running',
    requestedBy: 'noc',
    createdAt,
    deadline: createdAt + 600_000,
    ...more,
  };
}

/** The contract of the runs' repositories, run on SQLite (sqlite.contract.spec.ts) and MongoDB (mongo.contract.int-spec.ts). */
export function describeRunStoreContract(name: string, open: () => Promise<RunStoreUnderTest>): void {
  describe(`diagnostic runs on ${name}`, () => {
    let under: RunStoreUnderTest;
    beforeEach(async () => {
      under = await open();
    });
    afterEach(async () => {
      await under.cleanup();
    });

    it('keeps a run as given, measurement included, and refuses its id twice', async () => {
      const ended = run('r1', 10, {
        status: 'complete',
        state: 'Complete',
        completedAt: 20,
        measurement: {
          fields: { successCount: 4, failureCount: 0, averageMs: 9, ipAddressUsed: '192.0.2.7', bomTime: { iso: '2027-01-04T12:00:00.123456Z', epochUs: 1_799_150_400_123_456 } },
          tables: { hops: [{ instance: 1, host: 'gw', rttMs: ['1', '2'] }] },
          computed: { lossRatio: 0 },
        },
      });
      await under.runs.insert(ended);
      expect(await under.runs.get('r1')).toEqual(ended);
      expect(await under.runs.get('r2')).toBeNull();
      await expect(under.runs.insert(run('r1', 11))).rejects.toThrow(ConflictError);
    });

    it('lists newest first, by device, kind and status, with the total', async () => {
      await under.runs.insert(run('r1', 10));
      await under.runs.insert(run('r2', 20, { deviceId: 'dev-2' }));
      await under.runs.insert(run('r3', 30, { kind: 'traceRoute', objectPath: 'Device.IP.Diagnostics.TraceRoute.' }));
      await under.runs.insert(run('r4', 30, { status: 'failed' }));
      const ids = async (query: Parameters<RunStore['runs']['list']>[0], skip = 0, limit = 10) => {
        const page = await under.runs.list(query, { skip, limit });
        return { ids: page.items.map((r) => r.id), total: page.total };
      };
      expect(await ids({})).toEqual({ ids: ['r4', 'r3', 'r2', 'r1'], total: 4 });
      expect(await ids({}, 1, 2)).toEqual({ ids: ['r3', 'r2'], total: 4 });
      expect(await ids({ deviceId: 'dev-1' })).toEqual({ ids: ['r4', 'r3', 'r1'], total: 3 });
      expect(await ids({ deviceId: 'dev-1', kind: 'ipPing' })).toEqual({ ids: ['r4', 'r1'], total: 2 });
      expect(await ids({ status: 'running', kind: 'ipPing' })).toEqual({ ids: ['r2', 'r1'], total: 2 });
    });

    it('records progress only while running and, when told, only while waiting on the read given', async () => {
      await under.runs.insert(run('r1', 10));
      expect(await under.runs.updateRunning('r1', { readTaskId: 't1' })).toBe(true);
      expect(await under.runs.updateRunning('r1', { readTaskId: 't3' }, 't2')).toBe(false);
      expect(await under.runs.updateRunning('r1', { readTaskId: 't3', startedAt: 15 }, 't1')).toBe(true);
      expect(await under.runs.get('r1')).toMatchObject({ readTaskId: 't3', startedAt: 15 });
      await under.runs.finish({ ...run('r1', 10), status: 'cancelled', state: 'Cancelled' });
      expect(await under.runs.updateRunning('r1', { setTaskId: 't4' })).toBe(false);
    });

    it('ends a run once: the second end finds it ended', async () => {
      await under.runs.insert(run('r1', 10, { readTaskId: 't1' }));
      const timedOut = { ...run('r1', 10), status: 'timedOut' as const, state: 'Timeout', reason: 'late', completedAt: 50 };
      expect(await under.runs.finish(timedOut)).toBe(true);
      expect(await under.runs.finish({ ...run('r1', 10), status: 'complete', state: 'Complete' })).toBe(false);
      // The ended form replaces the running one whole: the read task it no longer names is gone.
      expect(await under.runs.get('r1')).toEqual(timedOut);
    });

    it('finds the running runs past their deadline, the earliest first', async () => {
      await under.runs.insert(run('r1', 0, { deadline: 300 }));
      await under.runs.insert(run('r2', 0, { deadline: 100 }));
      await under.runs.insert(run('r3', 0, { deadline: 500 }));
      await under.runs.insert(run('r4', 0, { deadline: 50, status: 'complete' }));
      expect((await under.runs.overdue(300, 10)).map((r) => r.id)).toEqual(['r2', 'r1']);
      expect((await under.runs.overdue(300, 1)).map((r) => r.id)).toEqual(['r2']);
      expect(await under.runs.delete('r3')).toBe(true);
      expect(await under.runs.get('r3')).toBeNull();
    });

    it('lets one run at a time claim a device test object, and only its holder free it', async () => {
      expect(await under.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: 'r1', deadline: 100 })).toBeNull();
      expect(await under.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: 'r2', deadline: 200 })).toEqual({ runId: 'r1', deadline: 100 });
      // Another object of the device, or the object of another device, is free.
      expect(await under.runSlots.claim('dev-1', 'Device.IP.Diagnostics.TraceRoute.', { runId: 'r3', deadline: 100 })).toBeNull();
      expect(await under.runSlots.claim('dev-2', 'Device.IP.Diagnostics.IPPing.', { runId: 'r4', deadline: 100 })).toBeNull();
      expect(await under.runSlots.release('dev-1', 'Device.IP.Diagnostics.IPPing.', 'r2')).toBe(false);
      expect(await under.runSlots.release('dev-1', 'Device.IP.Diagnostics.IPPing.', 'r1')).toBe(true);
      expect(await under.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: 'r2', deadline: 200 })).toBeNull();
    });

    it('gives the object to exactly one of many claims at once', async () => {
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => under.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: `r${i}`, deadline: 100 })));
      expect(claims.filter((held) => held === null)).toHaveLength(1);
      const winner = `r${claims.indexOf(null)}`;
      expect(claims.filter((held) => held !== null).every((held) => held!.runId === winner)).toBe(true);
    });
  });
}
