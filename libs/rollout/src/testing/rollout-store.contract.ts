import { ConflictError } from '@acs/platform';

import type { Rollout, RolloutTarget } from '../domain/rollout';
import type { RolloutPolicy } from '../domain/rollout-policy';
import type { RolloutStore, TargetQuery } from '../repositories/ports';

export interface RolloutStoreSubject {
  store: RolloutStore;
  /**
   * Whether the server applies concurrent writes to one document one after the other (SQLite, MongoDB). FerretDB
   * 1.24 does not (ADR 6): the race checks are reported NOT CHECKED there.
   */
  isolatesConcurrentWrites: boolean;
  cleanup(): Promise<void>;
}

export type RolloutStoreFactory = () => Promise<RolloutStoreSubject>;

export const CONTRACT_POLICY: RolloutPolicy = {
  waves: { canary: 0, step: { size: 10 }, minSuccessPercent: 0, soakMs: 0 },
  windows: [],
  timeZone: 'UTC',
  concurrency: 10,
  mode: 'active',
  retry: { maxAttempts: 1, initialBackoffMs: 1000, multiplier: 2, maxBackoffMs: 10_000 },
  attemptTimeoutMs: 60_000,
};

export function sampleRollout(id: string, overrides: Partial<Rollout> = {}): Rollout {
  return {
    id,
    policy: CONTRACT_POLICY,
    state: 'created',
    createdAt: 1000,
    sealed: false,
    currentWave: 0,
    thresholdSince: 1000,
    startsBySecond: {},
    nextSeq: 0,
    revision: 0,
    ...overrides,
  };
}

function target(rolloutId: string, deviceId: string, seq: number, overrides: Partial<RolloutTarget> = {}): RolloutTarget {
  return { rolloutId, deviceId, seq, state: 'pending', attempts: 0, ...overrides };
}

/** The RolloutStore port's behaviour, the same on every adapter. */
export function describeRolloutStoreContract(name: string, factory: RolloutStoreFactory): void {
  describe(`RolloutStore contract (${name})`, () => {
    let subject: RolloutStoreSubject;
    let store: RolloutStore;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(() => subject.cleanup());

    const raceIt = (title: string, body: () => Promise<void>) =>
      it(title, async () => {
        if (!subject.isolatesConcurrentWrites) {
          console.warn(`NOT CHECKED on this server: "${title}": it does not isolate concurrent writes to one document (FerretDB 1.24)`);
          return;
        }
        await body();
      });

    it('creates a rollout once and reads it back whole', async () => {
      const rollout = sampleRollout('r1', { startsBySecond: { '5': 2 }, pause: { kind: 'manual', text: 'why', at: 3 } });
      await store.createRollout(rollout);
      expect(await store.getRollout('r1')).toEqual(rollout);
      await expect(store.createRollout(sampleRollout('r1'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getRollout('absent')).toBeNull();
    });

    it('changes a rollout only when it is as expected, moving its revision', async () => {
      await store.createRollout(sampleRollout('r1'));
      expect(await store.updateRollout('r1', { states: ['running'] }, { set: { state: 'paused' } })).toBeNull();
      const started = await store.updateRollout('r1', { states: ['created'], revision: 0 }, { set: { state: 'running', startedAt: 7 } });
      expect(started).toMatchObject({ state: 'running', startedAt: 7, revision: 1 });
      expect(await store.updateRollout('r1', { revision: 0 }, { set: { currentWave: 1 } })).toBeNull();
      const paused = await store.updateRollout('r1', { revision: 1 }, { set: { state: 'paused', pause: { kind: 'manual', text: 'x', at: 8 } } });
      expect(paused?.pause).toEqual({ kind: 'manual', text: 'x', at: 8 });
      const resumed = await store.updateRollout('r1', {}, { set: { state: 'running' }, unset: ['pause'] });
      expect(resumed?.pause).toBeUndefined();
      expect(await store.listRollouts(['running', 'paused'], 10)).toEqual([resumed]);
    });

    it('gives the driver to one pod at a time and to another once its lease expired', async () => {
      await store.createRollout(sampleRollout('r1'));
      expect((await store.acquireDriver('r1', 'pod-a', 1000, 31_000))?.driver).toEqual({ owner: 'pod-a', expiresAt: 31_000, epoch: 1 });
      expect(await store.acquireDriver('r1', 'pod-b', 2000, 32_000)).toBeNull();
      expect((await store.acquireDriver('r1', 'pod-a', 3000, 33_000))?.driver).toEqual({ owner: 'pod-a', expiresAt: 33_000, epoch: 1 });
      expect((await store.acquireDriver('r1', 'pod-b', 33_000, 63_000))?.driver).toEqual({ owner: 'pod-b', expiresAt: 63_000, epoch: 2 });
      // The old driver's writes conditional on its epoch no longer apply.
      expect(await store.updateRollout('r1', { driverEpoch: 1 }, { set: { startsBySecond: { '1': 1 } } })).toBeNull();
      expect(await store.updateRollout('r1', { driverEpoch: 2 }, { set: { startsBySecond: { '1': 1 } } })).not.toBeNull();
      expect(await store.acquireDriver('absent', 'pod-a', 0, 1)).toBeNull();
    });

    it('keeps the starts record as written when its seconds move on with the same counts (one start a second)', async () => {
      await store.createRollout(sampleRollout('r1', { startsBySecond: { '100': 1, '101': 1 } }));
      // FerretDB 1.24 took a `$set` of a map equal to the stored one by its values, keys aside, for no change: the
      // record stopped moving on at a steady rate and the limit let through more than its starts per minute.
      expect((await store.updateRollout('r1', {}, { set: { startsBySecond: { '101': 1, '102': 1 } } }))?.startsBySecond).toEqual({ '101': 1, '102': 1 });
      expect((await store.getRollout('r1'))?.startsBySecond).toEqual({ '101': 1, '102': 1 });
      await store.updateRollout('r1', {}, { set: { startsBySecond: { '102': 1, '103': 1 } } });
      expect((await store.getRollout('r1'))?.startsBySecond).toEqual({ '102': 1, '103': 1 });
      expect((await store.listRollouts(['created'], 10))[0].startsBySecond).toEqual({ '102': 1, '103': 1 });
    });

    raceIt('lets one of two pods take over an expired driver at once', async () => {
      await store.createRollout(sampleRollout('r1'));
      await store.acquireDriver('r1', 'pod-a', 0, 1000);
      const results = await Promise.all(['pod-b', 'pod-c', 'pod-d'].map((pod) => store.acquireDriver('r1', pod, 2000, 5000)));
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      expect((await store.getRollout('r1'))?.driver?.epoch).toBe(2);
    });

    it('reserves consecutive insertion numbers and inserts each device once', async () => {
      await store.createRollout(sampleRollout('r1'));
      expect(await store.reserveSeq('r1', 3)).toBe(0);
      expect(await store.reserveSeq('r1', 2)).toBe(3);
      expect(await store.insertTargets([target('r1', 'a', 0), target('r1', 'b', 1), target('r1', 'c:with/odd chars', 2)])).toBe(3);
      expect(await store.insertTargets([target('r1', 'b', 3), target('r1', 'd', 4)])).toBe(1);
      expect(await store.getTarget('r1', 'b')).toEqual(target('r1', 'b', 1));
      expect(await store.getTarget('r1', 'c:with/odd chars')).toMatchObject({ deviceId: 'c:with/odd chars' });
      expect(await store.countTargets({ rolloutId: 'r1' })).toBe(4);
    });

    it('selects targets by state, wave and times, in the asked order', async () => {
      await store.insertTargets([
        target('r1', 'p2', 2),
        target('r1', 'p1', 1),
        target('r1', 'retry-late', 3, { state: 'retry-wait', wave: 0, dueAt: 9000 }),
        target('r1', 'retry-due', 4, { state: 'retry-wait', wave: 0, dueAt: 5000 }),
        target('r1', 'claimed', 5, { state: 'scheduled', wave: 1, dueAt: 4000, owner: 'pod-a' }),
        target('r1', 'ok-old', 6, { state: 'succeeded', wave: 0, finishedAt: 100, decidedAt: 100, startedAt: 50 }),
        target('r1', 'ko-new', 7, { state: 'failed', wave: 1, finishedAt: 300, decidedAt: 300, startedAt: 250 }),
        target('r1', 'ok-mid', 8, { state: 'succeeded', wave: 1, finishedAt: 200, decidedAt: 200, startedAt: 150 }),
        target('other', 'p0', 0),
      ]);
      const ids = (targets: RolloutTarget[]) => targets.map((t) => t.deviceId);
      expect(ids(await store.findTargets({ rolloutId: 'r1', states: ['pending'] }, { order: 'seq', limit: 10 }))).toEqual(['p1', 'p2']);
      expect(ids(await store.findTargets({ rolloutId: 'r1', states: ['retry-wait', 'scheduled'], dueBy: 6000 }, { order: 'dueAt', limit: 10 }))).toEqual(['claimed', 'retry-due']);
      expect(ids(await store.findTargets({ rolloutId: 'r1', decidedSince: 150 }, { order: 'decidedAt-desc', limit: 10 }))).toEqual([
        'ko-new',
        'ok-mid',
      ]);
      expect(ids(await store.findTargets({ rolloutId: 'r1', states: ['succeeded', 'failed'] }, { order: 'decidedAt-desc', limit: 2 }))).toEqual(['ko-new', 'ok-mid']);
      expect(await store.countTargets({ rolloutId: 'r1', wave: 1 })).toBe(3);
      expect(await store.countTargets({ rolloutId: 'r1', wave: 1, states: ['succeeded', 'failed'] })).toBe(2);
      expect(await store.countTargets({ rolloutId: 'r1', startedSince: 150 })).toBe(2);
      expect(ids(await store.findTargetsOfDevice('p0', ['pending']))).toEqual(['p0']);
    });

    it('pages targets in insertion order after a seq: every state, one, several, and one wave', async () => {
      // Inserted out of order, the states mixed: pages follow seq, not insertion calls or states.
      await store.insertTargets([
        target('r1', 's7', 7, { state: 'failed', wave: 1, error: { code: '9010', message: 'Download failure' } }),
        target('r1', 's1', 1, { state: 'succeeded', wave: 0 }),
        target('r1', 's4', 4, { state: 'failed', wave: 0, error: { code: 'timeout', message: 'no answer' } }),
        target('r1', 's2', 2, { state: 'skipped', skipReason: 'already on 2.0' }),
        target('r1', 's9', 9, { state: 'pending' }),
        target('r1', 's5', 5, { state: 'in-progress', wave: 1, stage: 'downloading' }),
        target('r1', 's3', 3, { state: 'failed', wave: 0 }),
        target('r1', 's8', 8, { state: 'retry-wait', wave: 1, dueAt: 50 }),
        target('other', 's0', 0, { state: 'failed', wave: 0 }),
      ]);
      const pages = async (query: Omit<TargetQuery, 'rolloutId' | 'seqAfter'>, limit: number): Promise<string[][]> => {
        const all: string[][] = [];
        let after: number | undefined;
        for (;;) {
          const page = await store.findTargets({ rolloutId: 'r1', ...query, ...(after !== undefined ? { seqAfter: after } : {}) }, { order: 'seq', limit });
          if (page.length === 0) return all;
          all.push(page.map((t) => t.deviceId));
          after = page[page.length - 1].seq;
        }
      };
      expect(await pages({}, 3)).toEqual([
        ['s1', 's2', 's3'],
        ['s4', 's5', 's7'],
        ['s8', 's9'],
      ]);
      expect(await pages({ states: ['failed'] }, 2)).toEqual([['s3', 's4'], ['s7']]);
      expect(await pages({ states: ['retry-wait', 'failed', 'skipped'] }, 2)).toEqual([
        ['s2', 's3'],
        ['s4', 's7'],
        ['s8'],
      ]);
      expect(await pages({ wave: 1 }, 2)).toEqual([['s5', 's7'], ['s8']]);
      expect(await pages({ wave: 0, states: ['failed', 'succeeded'] }, 10)).toEqual([['s1', 's3', 's4']]);
      // The page carries the target whole: its error and skip reason are what a listing shows.
      const [failed] = await store.findTargets({ rolloutId: 'r1', states: ['failed'], seqAfter: 3 }, { order: 'seq', limit: 1 });
      expect(failed).toEqual(target('r1', 's4', 4, { state: 'failed', wave: 0, error: { code: 'timeout', message: 'no answer' } }));
      expect(await store.findTargets({ rolloutId: 'r1', seqAfter: 9 }, { order: 'seq', limit: 10 })).toEqual([]);
    });

    it('moves a target only from the expected state, attempt, owner and due time', async () => {
      await store.insertTargets([target('r1', 'a', 0)]);
      expect(await store.updateTarget('r1', 'a', { state: 'scheduled' }, { set: { state: 'in-progress' } })).toBeNull();
      const claimed = await store.updateTarget('r1', 'a', { state: 'pending', attempts: 0 }, { set: { state: 'scheduled', owner: 'pod-a', dueAt: 500, wave: 2 } });
      expect(claimed).toMatchObject({ state: 'scheduled', owner: 'pod-a', dueAt: 500, wave: 2 });
      expect(await store.updateTarget('r1', 'a', { state: 'scheduled', owner: 'pod-b' }, { set: { state: 'in-progress' } })).toBeNull();
      expect(await store.updateTarget('r1', 'a', { state: 'scheduled', dueBy: 499 }, { set: { owner: 'pod-b' } })).toBeNull();
      const started = await store.updateTarget('r1', 'a', { state: ['scheduled'], owner: 'pod-a', attempts: 0 }, { set: { state: 'in-progress', startedAt: 10 }, incAttempts: true });
      expect(started).toMatchObject({ state: 'in-progress', attempts: 1, startedAt: 10 });
      const failed = await store.updateTarget('r1', 'a', { state: 'in-progress', attempts: 1 }, { set: { state: 'failed', error: { code: '9010', message: 'download failed' } }, unset: ['dueAt', 'owner'] });
      expect(failed).toEqual({ rolloutId: 'r1', deviceId: 'a', seq: 0, state: 'failed', attempts: 1, wave: 2, startedAt: 10, error: { code: '9010', message: 'download failed' } });
      expect(await store.updateTarget('r1', 'absent', { state: 'pending' }, { set: { state: 'scheduled' } })).toBeNull();
    });

    it("keeps observations for a rollout's driver, oldest first, until deleted", async () => {
      const seen = (at: number, id: string, rolloutId = 'r1') => ({ id, rolloutId, deviceId: `d-${id}`, at, body: { kind: 'task', nested: { status: 'done', codes: ['1 BOOT'] } } });
      await store.postObservation(seen(20, 'b'));
      await store.postObservation(seen(10, 'c'));
      await store.postObservation(seen(20, 'a'));
      await store.postObservation(seen(5, 'x', 'other'));
      await expect(store.postObservation(seen(30, 'a'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.findObservations('r1', 10)).toEqual([seen(10, 'c'), seen(20, 'a'), seen(20, 'b')]);
      expect((await store.findObservations('r1', 1)).map((o) => o.id)).toEqual(['c']);
      expect(await store.deleteObservation('c')).toBe(true);
      expect(await store.deleteObservation('c')).toBe(false);
      expect((await store.findObservations('r1', 10)).map((o) => o.id)).toEqual(['a', 'b']);
      expect(await store.findObservations('absent', 10)).toEqual([]);
    });

    raceIt('lets exactly one of many concurrent claims of a target win', async () => {
      await store.insertTargets(Array.from({ length: 20 }, (_, i) => target('r1', `d${i}`, i)));
      const pods = ['pod-a', 'pod-b', 'pod-c', 'pod-d'];
      const claims = await Promise.all(
        pods.flatMap((pod) => Array.from({ length: 20 }, (_, i) => store.updateTarget('r1', `d${i}`, { state: 'pending', attempts: 0 }, { set: { state: 'scheduled', owner: pod } }))),
      );
      const winners = claims.filter((claim): claim is RolloutTarget => claim !== null);
      expect(winners).toHaveLength(20);
      expect(new Set(winners.map((winner) => winner.deviceId)).size).toBe(20);
      for (const winner of winners) expect((await store.getTarget('r1', winner.deviceId))?.owner).toBe(winner.owner);
    });
  });
}
