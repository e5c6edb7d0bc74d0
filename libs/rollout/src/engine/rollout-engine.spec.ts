import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConflictError } from '@acs/platform';

import type { RolloutPolicy } from '../domain/rollout-policy';
import type { RolloutStore } from '../repositories/ports';
import { openSqliteRolloutStore } from '../repositories/sqlite-rollout-store';
import type { RolloutTarget } from '../domain/rollout';
import { RolloutEngine, type RolloutNotification, type StartedTarget, type TargetOutcome } from './rollout-engine';

// The engine on the embedded store with an injected clock: every time below is the clock's, never the machine's.

const MINUTE = 60_000;

const basePolicy: RolloutPolicy = {
  waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
  windows: [],
  timeZone: 'UTC',
  concurrency: 100,
  mode: 'active',
  retry: { maxAttempts: 1, initialBackoffMs: 10_000, multiplier: 2, maxBackoffMs: 3_600_000 },
  attemptTimeoutMs: 30 * MINUTE,
};

function policy(overrides: Partial<RolloutPolicy> = {}): RolloutPolicy {
  return { ...basePolicy, ...overrides };
}

const devices = (count: number, prefix = 'dev') => Array.from({ length: count }, (_, i) => ({ deviceId: `${prefix}-${String(i).padStart(4, '0')}` }));

/** An executor that records each start (by the clock) and leaves the outcome to the test. */
class RecordingExecutor {
  readonly starts: Array<StartedTarget & { at: number }> = [];
  failNext = 0;
  constructor(private readonly clock: () => number) {}
  async start(target: StartedTarget): Promise<void> {
    this.starts.push({ ...target, at: this.clock() });
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('provisioning unavailable');
    }
  }
}

let dataDir: string;
let store: RolloutStore;
let now: number;
const clock = () => now;
let executor: RecordingExecutor;
let notifications: RolloutNotification[];
let engine: RolloutEngine;

function engineFor(owner: string, podExecutor: RecordingExecutor, leaseMs = 30_000): RolloutEngine {
  return new RolloutEngine({ store, executor: podExecutor, owner, now: clock, leaseMs, notify: (n) => void notifications.push(n) });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acs-rollout-engine-'));
  store = openSqliteRolloutStore({ file: join(dataDir, 'service.sqlite'), prefix: 'service' });
  now = Date.parse('2027-07-05T10:00:00Z');
  executor = new RecordingExecutor(clock);
  notifications = [];
  engine = engineFor('pod-a', executor);
});

afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function succeedAll(started: readonly string[], rolloutId = 'r1'): Promise<void> {
  for (const deviceId of started) await engine.report(rolloutId, deviceId, { kind: 'succeeded' });
}

describe('waves', () => {
  it('starts the next wave only when the previous one finished with enough successes', async () => {
    await engine.create({
      id: 'r1',
      policy: policy({ waves: { canary: 2, step: { size: 3 }, minSuccessPercent: 100, soakMs: 0 } }),
      targets: devices(8),
    });
    await engine.start('r1');

    const canary = await engine.tick('r1');
    expect(canary.started).toEqual(['dev-0000', 'dev-0001']);
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'wave' });
    await engine.report('r1', 'dev-0000', { kind: 'succeeded' });
    expect((await engine.tick('r1')).started).toEqual([]);
    await engine.report('r1', 'dev-0001', { kind: 'succeeded' });

    const second = await engine.tick('r1');
    expect(second.started).toEqual(['dev-0002', 'dev-0003', 'dev-0004']);
    expect(notifications).toContainEqual(expect.objectContaining({ type: 'wave-advanced', wave: 1 }));
    await succeedAll(['dev-0002', 'dev-0003']);
    await engine.report('r1', 'dev-0004', { kind: 'failed', error: { code: '9010', message: 'Download failure' } });

    // 2 of 3 is below 100 %: the rollout pauses itself, saying why.
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'not-running' });
    const paused = await engine.get('r1');
    expect(paused?.state).toBe('paused');
    expect(paused?.pause).toMatchObject({ kind: 'threshold', text: 'wave 1: 66.7 % of 3 targets succeeded, below 100 %', wave: 1 });

    // Resuming is the operator letting the wave pass.
    await engine.resume('r1');
    const third = await engine.tick('r1');
    expect(third.started).toEqual(['dev-0005', 'dev-0006', 'dev-0007']);
    await succeedAll(third.started);
    expect((await engine.get('r1'))?.state).toBe('completed');
    expect(notifications.map((n) => n.type).filter((type) => !type.startsWith('target-'))).toEqual([
      'started',
      'driving',
      'wave-advanced',
      'paused',
      'resumed',
      'wave-advanced',
      'completed',
    ]);
  });

  it('waits out the soak time after a wave passed', async () => {
    await engine.create({ id: 'r1', policy: policy({ waves: { canary: 1, step: { percent: 50 }, minSuccessPercent: 90, soakMs: 15 * MINUTE } }), targets: devices(5) });
    await engine.start('r1');
    await succeedAll((await engine.tick('r1')).started);
    const soaking = await engine.tick('r1');
    expect(soaking).toEqual({ started: [], waiting: 'soak', nextTickAt: now + 15 * MINUTE });
    now += 15 * MINUTE - 1;
    expect((await engine.tick('r1')).started).toEqual([]);
    now += 1;
    // 50 % of 5 targets, rounded up.
    expect((await engine.tick('r1')).started).toHaveLength(3);
  });

  it('does not complete a rollout whose targets are still streaming in', async () => {
    await engine.create({ id: 'r1', policy: policy() });
    await engine.addTargets('r1', devices(2));
    await engine.start('r1');
    await succeedAll((await engine.tick('r1')).started);
    expect((await engine.get('r1'))?.state).toBe('running');
    expect(await engine.addTargets('r1', [...devices(3), { deviceId: 'already-there', skip: 'already on 2.0.1' }])).toEqual({ added: 2, alreadyThere: 2 });
    await engine.seal('r1');
    await expect(engine.addTargets('r1', devices(1, 'late'))).rejects.toBeInstanceOf(ConflictError);
    expect((await engine.tick('r1')).started).toEqual(['dev-0002']);
    await succeedAll(['dev-0002']);
    const done = await engine.progress('r1');
    expect(done).toMatchObject({ state: 'completed', total: 4, counts: { succeeded: 3, skipped: 1, pending: 0 } });
  });
});

describe('maintenance windows', () => {
  it('starts nothing while the window is closed, and starts when it opens on the night the clocks go forward', async () => {
    const nightly = [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const, start: '02:00', end: '05:00' }];
    await engine.create({ id: 'r1', policy: policy({ windows: [...nightly], timeZone: 'Europe/Paris' }), targets: devices(3) });
    await engine.start('r1');
    // 01:30 CET on 2027-03-28; at 02:00 the clocks jump to 03:00 CEST (01:00 UTC).
    now = Date.parse('2027-03-28T00:30:00Z');
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'window', nextTickAt: Date.parse('2027-03-28T01:00:00Z') });
    const progress = await engine.progress('r1');
    expect(progress).toMatchObject({ state: 'running', windowOpen: false, nextWindowOpening: Date.parse('2027-03-28T01:00:00Z') });
    now = Date.parse('2027-03-28T00:59:59Z');
    expect((await engine.tick('r1')).started).toEqual([]);
    now = Date.parse('2027-03-28T01:00:00Z');
    expect((await engine.tick('r1')).started).toHaveLength(3);
    expect(executor.starts.every((start) => start.at >= Date.parse('2027-03-28T01:00:00Z'))).toBe(true);
  });

  it('lets retries wait for the window too', async () => {
    await engine.create({
      id: 'r1',
      policy: policy({ windows: [{ days: ['mon'], start: '10:00', end: '11:00' }], retry: { ...basePolicy.retry, maxAttempts: 2 } }),
      targets: devices(1),
    });
    await engine.start('r1');
    await engine.tick('r1');
    now += 50 * MINUTE;
    await engine.report('r1', 'dev-0000', { kind: 'failed', error: { code: '9002', message: 'Internal error' } });
    now += 20 * MINUTE; // 11:10, the back-off is over but the window has closed
    expect(await engine.tick('r1')).toMatchObject({ started: [], waiting: 'window' });
    now = Date.parse('2027-07-12T10:00:00Z');
    expect((await engine.tick('r1')).started).toEqual(['dev-0000']);
  });
});

describe('concurrency and rate', () => {
  it('never has more targets in flight than the concurrency nor more starts in any minute than the rate, spread over it', async () => {
    await engine.create({ id: 'r1', policy: policy({ concurrency: 2, startsPerMinute: 12 }), targets: devices(60) });
    await engine.start('r1');
    const finishedAt = new Map<string, number>();
    const inFlight = () => executor.starts.filter((start) => !finishedAt.has(start.deviceId)).length;
    let maxInFlight = 0;
    let step = 0;
    while ((await engine.get('r1'))?.state === 'running') {
      await engine.tick('r1');
      maxInFlight = Math.max(maxInFlight, inFlight());
      // Each device takes 3–12 s of clock time to finish: the rate and the concurrency take turns pacing the run.
      for (const start of executor.starts) {
        if (!finishedAt.has(start.deviceId) && now - start.at >= 3_000 + ((start.deviceId.charCodeAt(7) * 7) % 10) * 1000) {
          await engine.report('r1', start.deviceId, { kind: 'succeeded' });
          finishedAt.set(start.deviceId, now);
        }
      }
      now += 1000 + (step++ % 4) * 750;
      if (step > 5000) throw new Error('the rollout did not complete');
    }
    expect(executor.starts).toHaveLength(60);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    for (const start of executor.starts) {
      expect(executor.starts.filter((other) => other.at >= start.at && other.at < start.at + MINUTE).length).toBeLessThanOrEqual(12);
    }
    // 12 a minute is one start every 5 s (counted in whole seconds), never a burst of 12.
    const seconds = executor.starts.map((start) => Math.floor(start.at / 1000));
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]! - seconds[i - 1]!).toBeGreaterThanOrEqual(5);
    // Both limits were reached, so the assertions above tested something.
    expect(maxInFlight).toBe(2);
    expect(Math.max(...executor.starts.map((s) => executor.starts.filter((o) => o.at >= s.at && o.at < s.at + MINUTE).length))).toBeGreaterThanOrEqual(10);
  });

  it('says what it waits for', async () => {
    await engine.create({ id: 'r1', policy: policy({ concurrency: 2, startsPerMinute: 3 }), targets: devices(6) });
    await engine.start('r1');
    const first = Math.floor(now / 1000) * 1000;
    // 3 a minute: one start every 20 s.
    expect((await engine.tick('r1')).started).toHaveLength(1);
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'rate', nextTickAt: first + 20_000 });
    now = first + 20_000;
    expect((await engine.tick('r1')).started).toHaveLength(1);
    now = first + 40_000;
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'concurrency' });
    await succeedAll(['dev-0000', 'dev-0001']);
    expect((await engine.tick('r1')).started).toHaveLength(1);
    await succeedAll(['dev-0002']);
    // Three in the minute: the next when the first one's second stops counting.
    now = first + 60_000;
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'rate', nextTickAt: first + 1000 + MINUTE });
  });
});

describe('failure threshold', () => {
  it('pauses the rollout by itself with the reason, and counts only later failures after a resume', async () => {
    await engine.create({
      id: 'r1',
      policy: policy({ concurrency: 4, failureThreshold: { limit: { percent: 50 }, over: { lastFinished: 4 }, minFinished: 4 } }),
      targets: devices(12),
    });
    await engine.start('r1');
    const first = (await engine.tick('r1')).started;
    await engine.report('r1', first[0], { kind: 'succeeded' });
    await engine.report('r1', first[1], { kind: 'failed', error: { code: '9018', message: 'File corrupted' } });
    await engine.report('r1', first[2], { kind: 'succeeded' });
    expect((await engine.get('r1'))?.state).toBe('running');
    now += 1000;
    await engine.report('r1', first[3], { kind: 'failed', error: { code: 'wrong-version', message: 'booted 1.0.0, expected 2.0.0' } });

    const paused = await engine.get('r1');
    expect(paused?.state).toBe('paused');
    expect(paused?.pause).toEqual({ kind: 'threshold', text: '2 of the last 4 finished targets failed (50 %, threshold 50 %)', at: now });
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'not-running' });
    expect(executor.starts).toHaveLength(4);

    now += 1000;
    await engine.resume('r1');
    const next = (await engine.tick('r1')).started;
    expect(next).toHaveLength(4);
    await engine.report('r1', next[0], { kind: 'failed', error: { code: '9010', message: 'Download failure' } });
    expect((await engine.get('r1'))?.state).toBe('running');
  });

  it('counts failures over a time window', async () => {
    await engine.create({ id: 'r1', policy: policy({ failureThreshold: { limit: { count: 2 }, over: { windowMs: 10 * MINUTE }, minFinished: 1 } }), targets: devices(5) });
    await engine.start('r1');
    const started = (await engine.tick('r1')).started;
    await engine.report('r1', started[0], { kind: 'failed', error: { code: '9010', message: 'x' } });
    now += 11 * MINUTE;
    await engine.report('r1', started[1], { kind: 'failed', error: { code: '9010', message: 'x' } });
    expect((await engine.get('r1'))?.state).toBe('running');
    await engine.report('r1', started[2], { kind: 'failed', error: { code: '9010', message: 'x' } });
    expect((await engine.get('r1'))?.pause?.text).toBe('2 failures among targets finished in the last 10 min (threshold 2)');
  });
});

describe('pause, resume, cancel', () => {
  it('starts nothing while paused, keeps the outcomes of targets in progress, and nothing ever after a cancel', async () => {
    await engine.create({ id: 'r1', policy: policy({ concurrency: 2 }), targets: devices(6) });
    await expect(engine.pause('r1')).rejects.toBeInstanceOf(ConflictError);
    await engine.start('r1');
    const first = (await engine.tick('r1')).started;
    await engine.pause('r1', 'alice: the NOC asked to hold');
    expect((await engine.get('r1'))?.pause).toEqual({ kind: 'manual', text: 'alice: the NOC asked to hold', at: now });
    await succeedAll(first);
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'not-running' });
    expect((await engine.progress('r1')).counts).toMatchObject({ succeeded: 2, pending: 4 });

    await engine.resume('r1');
    expect((await engine.tick('r1')).started).toHaveLength(2);
    await engine.cancel('r1');
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'not-running' });
    await engine.report('r1', 'dev-0002', { kind: 'succeeded' });
    expect((await engine.progress('r1')).counts).toMatchObject({ succeeded: 3, 'in-progress': 1, pending: 2 });
    await expect(engine.resume('r1')).rejects.toThrow(/cancelled/);
    expect(executor.starts).toHaveLength(4);
  });
});

describe('retries', () => {
  it('backs off exponentially between attempts and fails the target after the last', async () => {
    await engine.create({ id: 'r1', policy: policy({ retry: { maxAttempts: 3, initialBackoffMs: 10_000, multiplier: 2, maxBackoffMs: 60_000 } }), targets: devices(1) });
    await engine.start('r1');
    await engine.tick('r1');
    const error = { code: '9010', message: 'Download failure' };
    await engine.report('r1', 'dev-0000', { kind: 'failed', error });
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'retry-wait', attempts: 1, dueAt: now + 10_000, error });
    now += 9_999;
    expect(await engine.tick('r1')).toEqual({ started: [], waiting: 'nothing-due', nextTickAt: now + 1 });
    now += 1;
    expect((await engine.tick('r1')).started).toEqual(['dev-0000']);
    // A late report of the first attempt moves nothing.
    expect(await engine.report('r1', 'dev-0000', { kind: 'succeeded' }, { attempt: 1 })).toBeNull();
    await engine.report('r1', 'dev-0000', { kind: 'failed', error }, { attempt: 2 });
    now += 19_999;
    expect((await engine.tick('r1')).started).toEqual([]);
    now += 1;
    expect((await engine.tick('r1')).started).toEqual(['dev-0000']);
    await engine.report('r1', 'dev-0000', { kind: 'failed', error });
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'failed', attempts: 3, error });
    expect(executor.starts.map((start) => start.attempt)).toEqual([1, 2, 3]);
    expect((await engine.get('r1'))?.state).toBe('completed');
  });

  it('fails an attempt without outcome at its timeout, and one the executor could not start, and retries both', async () => {
    await engine.create({ id: 'r1', policy: policy({ attemptTimeoutMs: 5 * MINUTE, retry: { maxAttempts: 2, initialBackoffMs: 0, multiplier: 1, maxBackoffMs: 0 } }), targets: devices(2) });
    await engine.start('r1');
    executor.failNext = 1;
    await engine.tick('r1');
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'retry-wait', error: { code: 'start-failed', message: 'provisioning unavailable' } });
    now += 5 * MINUTE;
    const again = await engine.tick('r1');
    expect(await store.getTarget('r1', 'dev-0001')).toMatchObject({ attempts: 2, state: 'in-progress' });
    expect(again.started.sort()).toEqual(['dev-0000', 'dev-0001']);
    now += 5 * MINUTE;
    await engine.tick('r1');
    expect(await store.getTarget('r1', 'dev-0001')).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
  });
});

describe('two pods on one store', () => {
  it('never start a target twice, through lease expiries and takeovers, and forget none', async () => {
    const executorB = new RecordingExecutor(clock);
    const podA = engine;
    const podB = engineFor('pod-b', executorB);
    await podA.create({ id: 'r1', policy: policy({ concurrency: 7, retry: { ...basePolicy.retry, maxAttempts: 2 } }), targets: devices(80) });
    await podA.start('r1');
    const allStarts = () => [...executor.starts, ...executorB.starts];
    let round = 0;
    while ((await podA.get('r1'))?.state === 'running') {
      // Both pods tick at once; now and then one of them is down long enough for its lease to expire, and the other
      // takes the rollout over.
      const down = round % 6 === 2 ? 'a' : round % 6 === 5 ? 'b' : null;
      if (down) now += 31_000;
      await Promise.all([down === 'a' ? Promise.resolve() : podA.tick('r1'), down === 'b' ? Promise.resolve() : podB.tick('r1')]);
      for (const start of allStarts()) {
        const target = await store.getTarget('r1', start.deviceId);
        if (target?.state === 'in-progress' && target.attempts === start.attempt) {
          // One device in ten fails its first attempt.
          const fails = start.attempt === 1 && start.deviceId.endsWith('3');
          await (round % 2 ? podA : podB).report('r1', start.deviceId, fails ? { kind: 'failed', error: { code: '9010', message: 'x' } } : { kind: 'succeeded' });
        }
      }
      now += 2_000;
      if (++round > 500) throw new Error('the rollout did not complete');
    }
    const keys = allStarts().map((start) => `${start.deviceId}#${start.attempt}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(executor.starts.length).toBeGreaterThan(0);
    expect(executorB.starts.length).toBeGreaterThan(0);
    expect((await podA.progress('r1')).counts).toMatchObject({ succeeded: 80, failed: 0 });
    expect(keys).toHaveLength(88);
  });

  it('lets another pod start a target a dead pod claimed but never started, and leaves one it started to its outcome', async () => {
    await engine.create({ id: 'r1', policy: policy({ attemptTimeoutMs: 10 * MINUTE, retry: { ...basePolicy.retry, maxAttempts: 2 } }), targets: devices(2) });
    await engine.start('r1');
    // Pod A drove the rollout and died: dev-0000 claimed, dev-0001 started (its startedAt recorded), both by pod A.
    await store.acquireDriver('r1', 'pod-a', now, now + 30_000);
    await store.updateTarget('r1', 'dev-0000', { state: 'pending' }, { set: { state: 'scheduled', owner: 'pod-a', dueAt: now + 30_000, wave: 0 } });
    await store.updateTarget('r1', 'dev-0001', { state: 'pending' }, { set: { state: 'in-progress', owner: 'pod-a', startedAt: now, dueAt: now + 10 * MINUTE, wave: 0, attempts: 1 } });

    const executorB = new RecordingExecutor(clock);
    const podB = engineFor('pod-b', executorB);
    expect(await podB.tick('r1')).toMatchObject({ waiting: 'driven-elsewhere' });
    now += 30_000;
    expect((await podB.tick('r1')).started).toEqual(['dev-0000']);
    expect(executorB.starts).toEqual([expect.objectContaining({ deviceId: 'dev-0000', attempt: 1 })]);
    // dev-0001 started under pod A: its outcome still counts, whoever reports it.
    await podB.report('r1', 'dev-0001', { kind: 'succeeded' });
    await podB.report('r1', 'dev-0000', { kind: 'succeeded' });
    expect((await podB.get('r1'))?.state).toBe('completed');
    expect(executorB.starts).toHaveLength(1);
  });
});

describe('observations', () => {
  /** A service's reading of its events: `{ outcome }` is what it saw, naming the attempt it is news of. */
  const interpret = (target: RolloutTarget, body: Record<string, unknown>): TargetOutcome | null =>
    body.attempt === target.attempts ? (body.outcome as TargetOutcome) : null;

  /** A pod whose store records every target it writes, to show which pod writes a rollout's targets. */
  function observingPod(owner: string, podExecutor: RecordingExecutor): { pod: RolloutEngine; targetWrites: string[] } {
    const targetWrites: string[] = [];
    const recording: RolloutStore = Object.create(store) as RolloutStore;
    recording.updateTarget = (rolloutId, deviceId, expect, change) => {
      targetWrites.push(`${deviceId}:${change.set?.state ?? change.set?.stage ?? 'change'}`);
      return store.updateTarget(rolloutId, deviceId, expect, change);
    };
    const pod = new RolloutEngine({ store: recording, executor: podExecutor, owner, now: clock, notify: (n) => void notifications.push(n), interpret });
    return { pod, targetWrites };
  }

  it("are applied at once by the rollout's driver, and left by any other pod for the driver's next tick", async () => {
    const a = observingPod('pod-a', executor);
    const b = observingPod('pod-b', new RecordingExecutor(clock));
    await a.pod.create({ id: 'r1', policy: policy({ concurrency: 2 }), targets: devices(3) });
    await a.pod.start('r1');
    expect((await a.pod.tick('r1')).started).toEqual(['dev-0000', 'dev-0001']);
    a.targetWrites.length = 0;

    // Pod B sees dev-0000 succeed: it writes nothing of the target, and its own tick finds the rollout driven.
    expect(await b.pod.observe('r1', 'dev-0000', { attempt: 1, outcome: { kind: 'succeeded' } })).toBe('posted');
    expect(b.targetWrites).toEqual([]);
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'in-progress' });

    // Pod A, the driver, applies its own observation at once, then B's at its tick, which fills both slots.
    expect(await a.pod.observe('r1', 'dev-0001', { attempt: 1, outcome: { kind: 'stage', stage: 'installing' } })).toBe('applied');
    expect(await store.getTarget('r1', 'dev-0001')).toMatchObject({ state: 'in-progress', stage: 'installing' });
    expect((await a.pod.tick('r1')).started).toEqual(['dev-0002']);
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'succeeded' });
    expect(await store.findObservations('r1', 10)).toEqual([]);

    // News of another attempt, or that means nothing, moves nothing and is not kept.
    expect(await a.pod.observe('r1', 'dev-0001', { attempt: 7, outcome: { kind: 'succeeded' } })).toBe('applied');
    expect(await a.pod.observe('r1', 'dev-0001', { unreadable: true })).toBe('applied');
    expect(await store.getTarget('r1', 'dev-0001')).toMatchObject({ state: 'in-progress' });
    expect(b.targetWrites).toEqual([]);

    expect(await b.pod.observeDevice('dev-0001', { attempt: 1, outcome: { kind: 'succeeded' } })).toBe(1);
    expect(await b.pod.observeDevice('dev-0002', { attempt: 1, outcome: { kind: 'succeeded' } })).toBe(1);
    await a.pod.tick('r1');
    expect(b.targetWrites).toEqual([]);
    expect((await a.pod.get('r1'))?.state).toBe('completed');
  });

  it('left for a driver that died are applied by the pod that takes the rollout over', async () => {
    const a = observingPod('pod-a', executor);
    const executorB = new RecordingExecutor(clock);
    const b = observingPod('pod-b', executorB);
    await a.pod.create({ id: 'r1', policy: policy({ concurrency: 1 }), targets: devices(2) });
    await a.pod.start('r1');
    expect((await a.pod.tick('r1')).started).toEqual(['dev-0000']);
    // Pod A dies. Pod B posts what it saw; once A's lease has run out, B's next observation takes the rollout over,
    // applies both in the order they came, and starts the next device.
    await b.pod.observe('r1', 'dev-0000', { attempt: 1, outcome: { kind: 'stage', stage: 'installing' } });
    now += 31_000;
    expect(await b.pod.observe('r1', 'dev-0000', { attempt: 1, outcome: { kind: 'succeeded' } })).toBe('posted');
    expect(await store.getTarget('r1', 'dev-0000')).toMatchObject({ state: 'succeeded', stage: 'installing' });
    expect(executorB.starts.map((start) => start.deviceId)).toEqual(['dev-0001']);
    expect(await b.pod.observe('r1', 'dev-0001', { attempt: 1, outcome: { kind: 'succeeded' } })).toBe('applied');
    expect((await b.pod.get('r1'))?.state).toBe('completed');
    expect(executor.starts.map((start) => start.deviceId)).toEqual(['dev-0000']);
    expect(notifications.filter((n) => n.type === 'driving')).toEqual([
      { type: 'driving', rolloutId: 'r1', epoch: 1, at: expect.any(Number) },
      { type: 'driving', rolloutId: 'r1', epoch: 2, at: expect.any(Number) },
    ]);
  });
});

describe('takeover of attempts in progress', () => {
  it("asks the executor which starts took effect, and starts again only those that never did", async () => {
    await engine.create({ id: 'r1', policy: policy({ attemptTimeoutMs: 10 * MINUTE }), targets: devices(3) });
    await engine.start('r1');
    // Pod A drove the rollout and died: it recorded three starts; its executor's work reached dev-0000 and dev-0002,
    // but it died before reaching dev-0001.
    await store.acquireDriver('r1', 'pod-a', now, now + 30_000);
    for (const deviceId of ['dev-0000', 'dev-0001', 'dev-0002']) {
      await store.updateTarget('r1', deviceId, { state: 'pending' }, { set: { state: 'in-progress', owner: 'pod-a', startedAt: now, dueAt: now + 10 * MINUTE, wave: 0, attempts: 1 } });
    }
    const executorB = new RecordingExecutor(clock);
    const asked: string[] = [];
    const recovering = Object.assign(executorB, {
      recover: async (target: StartedTarget & { startedAt: number }) => {
        asked.push(`${target.deviceId}#${target.attempt}@${target.startedAt}`);
        return target.deviceId === 'dev-0001' ? ('not-started' as const) : ('started' as const);
      },
    });
    const podB = new RolloutEngine({ store, executor: recovering, owner: 'pod-b', now: clock, notify: (n) => void notifications.push(n) });
    expect(await podB.tick('r1')).toMatchObject({ waiting: 'driven-elsewhere' });
    expect(asked).toEqual([]);
    now += 30_000;
    await podB.tick('r1');
    const startedAt = now - 30_000;
    expect(asked).toEqual([`dev-0000#1@${startedAt}`, `dev-0001#1@${startedAt}`, `dev-0002#1@${startedAt}`]);
    expect(executorB.starts.map((start) => `${start.deviceId}#${start.attempt}`)).toEqual(['dev-0001#1']);
    // Once driving, it asks no more.
    await podB.tick('r1');
    expect(asked).toHaveLength(3);
  });
});

describe('restarts', () => {
  it('continue a rollout from the stored state after the process restarts, starting nothing twice', async () => {
    await engine.create({ id: 'r1', policy: policy({ concurrency: 2 }), targets: devices(4) });
    await engine.start('r1');
    const before = (await engine.tick('r1')).started;
    await store.close();

    store = openSqliteRolloutStore({ file: join(dataDir, 'service.sqlite'), prefix: 'service' });
    const restarted = new RecordingExecutor(clock);
    const again = engineFor('pod-a-restarted', restarted);
    expect(await again.tick('r1')).toMatchObject({ started: [], waiting: 'driven-elsewhere' });
    now += 30_000;
    expect(await again.tick('r1')).toEqual({ started: [], waiting: 'concurrency' });
    for (const deviceId of before) await again.report('r1', deviceId, { kind: 'succeeded' });
    const after = (await again.tick('r1')).started;
    expect(after).toEqual(['dev-0002', 'dev-0003']);
    for (const deviceId of after) await again.report('r1', deviceId, { kind: 'succeeded' });
    expect((await again.progress('r1')).counts.succeeded).toBe(4);
    expect((await again.get('r1'))?.state).toBe('completed');
  });
});

describe('progress', () => {
  it('counts per state, wave and stage, measures the rates and estimates the end', async () => {
    await engine.create({ id: 'r1', policy: policy({ concurrency: 2, waves: { canary: 2, step: { size: 4 }, minSuccessPercent: 50, soakMs: 0 } }), targets: devices(10) });
    expect((await engine.progress('r1')).eta).toBeNull();
    await engine.start('r1');
    for (let minute = 0; minute < 4; minute++) {
      const started = (await engine.tick('r1')).started;
      await engine.report('r1', started[0], { kind: 'stage', stage: 'installing' });
      now += 30_000;
      await engine.report('r1', started[0], { kind: 'succeeded' });
      now += 30_000;
      if (minute === 3) break;
      await engine.report('r1', started[1], { kind: 'succeeded' });
    }
    // Three minutes of two successes and one of one: 7 succeeded, 1 in progress, 2 pending, over 4 minutes.
    const progress = await engine.progress('r1');
    expect(progress).toMatchObject({
      state: 'running',
      total: 10,
      currentWave: 2,
      counts: { pending: 2, scheduled: 0, 'in-progress': 1, 'retry-wait': 0, succeeded: 7, failed: 0, skipped: 0 },
      stages: { starting: 1 },
      windowOpen: true,
    });
    expect(progress.waves.map((wave) => [wave.wave, wave.size, wave.counts.succeeded, wave.counts['in-progress']])).toEqual([
      [0, 2, 2, 0],
      [1, 4, 4, 0],
      [2, 4, 1, 1],
    ]);
    expect(progress.startedPerMinute).toBe(2);
    expect(progress.finishedPerMinute).toBe(1.75);
    // 3 left at 1.75 a minute.
    expect(progress.eta).toBe(Math.round(now + (3 / 1.75) * MINUTE));
  });
});
