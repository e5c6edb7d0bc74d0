import { randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';

import { thresholdCrossed } from '../domain/failure-threshold';
import { MaintenanceSchedule } from '../domain/maintenance-windows';
import { nextStartFreedAt, recordStarts, startsAllowed } from '../domain/rate-limit';
import {
  IN_FLIGHT_STATES,
  UNFINISHED_STATES,
  type Rollout,
  type RolloutState,
  type RolloutTarget,
  type TargetError,
  type TargetInput,
} from '../domain/rollout';
import { retryBackoffMs, validateRolloutPolicy, type RolloutPolicy } from '../domain/rollout-policy';
import { waveMeetsCriteria, waveSize } from '../domain/waves';
import type { RolloutStore } from '../repositories/ports';
import { computeProgress, type RolloutProgress } from './rollout-progress';

/** What the service does to a target: start the work (create the provisioning task) and return; the outcome comes back through report(). */
export interface RolloutExecutor {
  start(target: StartedTarget): Promise<void>;
  /**
   * When this engine starts to drive a rollout (a takeover, or this pod's first tick after a restart), for each attempt
   * in progress: whether its start took effect (`started`: it goes on to its outcome) or never did — its pod died
   * between recording the start and the executor's work — (`not-started`: this driver starts the same attempt, so the
   * device is neither forgotten until the attempt's timeout nor started twice). Absent: every attempt in progress is
   * left to its outcome or its timeout.
   */
  recover?(target: StartedTarget & { startedAt: number }): Promise<'started' | 'not-started'>;
}

export interface StartedTarget {
  rolloutId: string;
  deviceId: string;
  /** 1 for the first attempt. */
  attempt: number;
  wave: number;
  mode: RolloutPolicy['mode'];
  data?: Record<string, unknown>;
}

/** What the service reports of a target in progress. */
export type TargetOutcome =
  | { kind: 'stage'; stage: string }
  | { kind: 'succeeded' }
  /** `retryable: false` ends the target at once (a device refusing the image for good); default: retry while attempts are left. */
  | { kind: 'failed'; error: TargetError; retryable?: boolean }
  | { kind: 'skipped'; reason: string };

/** A change of a rollout or a target, told to the service after it is stored (it publishes events from them). */
export type RolloutNotification =
  /** This engine drives the rollout from now on: its first tick of it, or a takeover from a pod whose lease ran out. */
  | { type: 'driving'; rolloutId: string; epoch: number; at: number }
  | { type: 'started'; rolloutId: string; at: number }
  | { type: 'wave-advanced'; rolloutId: string; wave: number; at: number }
  | { type: 'paused'; rolloutId: string; reason: NonNullable<Rollout['pause']>; at: number }
  | { type: 'resumed'; rolloutId: string; at: number }
  | { type: 'completed'; rolloutId: string; at: number }
  | { type: 'cancelled'; rolloutId: string; at: number }
  | { type: 'target-succeeded'; rolloutId: string; target: RolloutTarget; at: number }
  | { type: 'target-failed'; rolloutId: string; target: RolloutTarget; at: number }
  | { type: 'target-retrying'; rolloutId: string; target: RolloutTarget; at: number }
  | { type: 'target-skipped'; rolloutId: string; target: RolloutTarget; at: number };

/** Why a tick started nothing (or fewer than it could). */
export type TickWait = 'not-running' | 'driven-elsewhere' | 'window' | 'wave' | 'soak' | 'concurrency' | 'rate' | 'nothing-due';

export interface TickResult {
  started: string[];
  waiting?: TickWait;
  /** When something the tick waits on changes by time alone (a window opens, a retry is due, a rate slot frees). */
  nextTickAt?: number;
}

export interface RolloutEngineDeps {
  store: RolloutStore;
  executor: RolloutExecutor;
  /** This pod's name, unique among the pods sharing the store. */
  owner: string;
  now?: () => number;
  /** How long a pod drives a rollout, and a claim holds a target, without renewing. Default 30 s. */
  leaseMs?: number;
  /** Most targets one tick starts. Default 500. */
  maxStartsPerTick?: number;
  notify?: (notification: RolloutNotification) => void | Promise<void>;
  /**
   * What an observation (observe()) means for the target's current attempt, read by the rollout's driver against the
   * target as it is when applied; null when it moves nothing. Must not throw: an observation it cannot read is dropped.
   */
  interpret?: (target: RolloutTarget, body: Record<string, unknown>) => TargetOutcome | null;
  newId?: () => string;
}

export interface CreateRolloutInput {
  id: string;
  policy: RolloutPolicy;
  targets?: readonly TargetInput[];
  /** No more targets will be added (default true when `targets` are given). */
  sealed?: boolean;
}

const ROLLOUT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const TARGET_BATCH_MAX = 10_000;

/**
 * Runs rollouts from their stored state: each tick decides which targets start now (wave, window, concurrency, rate,
 * back-off), claims them and calls the executor; outcomes come back through report(). Any number of pods may run an
 * engine over one store: one drives a rollout at a time (a lease on the rollout), and a target moves only by
 * compare-and-set, so no target is started twice for one attempt. docs/rollouts.md states the guarantees.
 */
export class RolloutEngine {
  private readonly now: () => number;
  /** How long a pod drives a rollout, and a claim holds a target, without renewing. */
  readonly leaseMs: number;
  private readonly maxStartsPerTick: number;
  private readonly newId: () => string;
  /** A rollout's ticks, reports and observations run one at a time in this process, in the order they came. */
  private readonly chains = new Map<string, Promise<void>>();
  /** A tick waiting its turn: a tick asked for meanwhile is this one (it will see what happened before it runs). */
  private readonly queuedTicks = new Map<string, Promise<TickResult>>();
  /** Until when this engine holds the driver's lease of a rollout, as of its last tick. */
  private readonly leases = new Map<string, number>();

  constructor(private readonly deps: RolloutEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.maxStartsPerTick = deps.maxStartsPerTick ?? 500;
    this.newId = deps.newId ?? randomUUID;
  }

  async create(input: CreateRolloutInput): Promise<Rollout> {
    if (!ROLLOUT_ID.test(input.id)) throw ValidationError.forField('id', 'must be 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit', 'BAD_FORMAT');
    const policy = validateRolloutPolicy(input.policy);
    const now = this.now();
    const rollout: Rollout = {
      id: input.id,
      policy,
      state: 'created',
      createdAt: now,
      sealed: input.sealed ?? input.targets !== undefined,
      currentWave: 0,
      thresholdSince: now,
      startsBySecond: {},
      nextSeq: 0,
      revision: 0,
    };
    await this.deps.store.createRollout(rollout);
    if (input.targets && input.targets.length > 0) await this.insertTargets(input.id, input.targets);
    return (await this.deps.store.getRollout(input.id)) ?? rollout;
  }

  /** Adds targets (a batch streamed from a filter, say); a device already a target is left as it is. */
  async addTargets(rolloutId: string, targets: readonly TargetInput[]): Promise<{ added: number; alreadyThere: number }> {
    const rollout = await this.mustGet(rolloutId);
    if (rollout.sealed) throw new ConflictError(`rollout ${rolloutId} takes no more targets (sealed)`, { reason: 'ROLLOUT_SEALED', subject: `rollout ${rolloutId}` });
    if (rollout.state === 'completed' || rollout.state === 'cancelled') throw finishedError(rollout);
    return this.insertTargets(rolloutId, targets);
  }

  private async insertTargets(rolloutId: string, targets: readonly TargetInput[]): Promise<{ added: number; alreadyThere: number }> {
    let added = 0;
    for (let first = 0; first < targets.length; first += TARGET_BATCH_MAX) {
      const batch = targets.slice(first, first + TARGET_BATCH_MAX);
      batch.forEach((target, index) => {
        if (typeof target.deviceId !== 'string' || target.deviceId.length === 0) {
          throw ValidationError.forField(`targets[${first + index}].deviceId`, 'is required', 'REQUIRED');
        }
      });
      const seq = await this.deps.store.reserveSeq(rolloutId, batch.length);
      const now = this.now();
      added += await this.deps.store.insertTargets(
        batch.map((target, index) => ({
          rolloutId,
          deviceId: target.deviceId,
          seq: seq + index,
          attempts: 0,
          ...(target.skip !== undefined ? { state: 'skipped' as const, skipReason: target.skip, finishedAt: now } : { state: 'pending' as const }),
          ...(target.data ? { data: target.data } : {}),
        })),
      );
    }
    return { added, alreadyThere: targets.length - added };
  }

  /** Every target has been added: the rollout can complete once they have all finished. */
  async seal(rolloutId: string): Promise<Rollout> {
    return this.change(rolloutId, ['created', 'running', 'paused'], { set: { sealed: true } });
  }

  async start(rolloutId: string): Promise<Rollout> {
    const now = this.now();
    const rollout = await this.change(rolloutId, ['created'], { set: { state: 'running', startedAt: now, thresholdSince: now } });
    await this.tell({ type: 'started', rolloutId, at: now });
    return rollout;
  }

  /** Nothing new starts; targets in progress go on to their outcomes. */
  async pause(rolloutId: string, text = 'paused by an operator'): Promise<Rollout> {
    const now = this.now();
    const reason = { kind: 'manual' as const, text, at: now };
    const rollout = await this.change(rolloutId, ['running'], { set: { state: 'paused', pause: reason } });
    await this.tell({ type: 'paused', rolloutId, reason, at: now });
    return rollout;
  }

  /**
   * Runs a paused rollout again. Failures before now no longer count towards the threshold, and a wave that paused
   * the rollout for missing its success criteria is let pass: resuming is the operator's decision that it may.
   */
  async resume(rolloutId: string): Promise<Rollout> {
    const now = this.now();
    const current = await this.mustGet(rolloutId);
    const acceptedWave = current.pause?.wave;
    const rollout = await this.change(rolloutId, ['paused'], {
      set: { state: 'running', thresholdSince: now, ...(acceptedWave !== undefined ? { acceptedWave } : {}) },
      unset: ['pause'],
    });
    await this.tell({ type: 'resumed', rolloutId, at: now });
    return rollout;
  }

  /** Nothing new starts, ever; targets in progress still report their outcomes; targets never started stay pending. */
  async cancel(rolloutId: string): Promise<Rollout> {
    const now = this.now();
    const rollout = await this.change(rolloutId, ['created', 'running', 'paused'], { set: { state: 'cancelled', finishedAt: now } });
    await this.tell({ type: 'cancelled', rolloutId, at: now });
    return rollout;
  }

  get(rolloutId: string): Promise<Rollout | null> {
    return this.deps.store.getRollout(rolloutId);
  }

  progress(rolloutId: string): Promise<RolloutProgress> {
    return this.mustGet(rolloutId).then((rollout) => computeProgress(this.deps.store, rollout, this.now()));
  }

  /** Ticks every running and paused rollout (paused ones to time out their attempts in progress). */
  async tickAll(limit = 1000): Promise<Map<string, TickResult>> {
    const results = new Map<string, TickResult>();
    for (const rollout of await this.deps.store.listRollouts(['running', 'paused'], limit)) {
      results.set(rollout.id, await this.tick(rollout.id));
    }
    return results;
  }

  tick(rolloutId: string): Promise<TickResult> {
    const queued = this.queuedTicks.get(rolloutId);
    if (queued) return queued;
    const tick = this.serially(rolloutId, () => {
      this.queuedTicks.delete(rolloutId);
      return this.runTick(rolloutId);
    });
    this.queuedTicks.set(rolloutId, tick);
    return tick;
  }

  /**
   * An outcome of a target's current attempt, applied at once by compare-and-set. Ignored (null) when the target is not
   * in progress or `attempt` names an earlier attempt: a late report of an attempt that already timed out moves nothing.
   * Safe from any pod on a store that isolates one-document updates; a service learning outcomes from events in
   * several pods uses observe(), which leaves the writing to the rollout's driver.
   */
  report(rolloutId: string, deviceId: string, outcome: TargetOutcome, options: { attempt?: number } = {}): Promise<RolloutTarget | null> {
    return this.serially(rolloutId, async () => {
      const target = await this.deps.store.getTarget(rolloutId, deviceId);
      if (!target || target.state !== 'in-progress') return null;
      if (options.attempt !== undefined && options.attempt !== target.attempts) return null;
      return this.applyOutcome(target, outcome);
    });
  }

  /**
   * What this pod saw of a target (its task's or its device's news, as the service records it), for the rollout's
   * driver to read with `interpret` against the target's current attempt. This pod applies it at once when it drives
   * the rollout; otherwise it is posted to the store for the driver's next tick, so a rollout's targets are written
   * by one pod only — even on a store that does not isolate concurrent updates of one document (FerretDB). Then the
   * rollout is ticked: a finished target frees a slot, and a rollout nobody drives any more is taken over.
   */
  async observe(rolloutId: string, deviceId: string, body: Record<string, unknown>): Promise<'applied' | 'posted'> {
    const result = await this.serially(rolloutId, async () => {
      if (!this.drives(rolloutId)) {
        await this.deps.store.postObservation({ id: this.newId(), rolloutId, deviceId, at: this.now(), body });
        return { how: 'posted' as const, finished: false };
      }
      const after = await this.applyObservation(rolloutId, deviceId, body);
      return { how: 'applied' as const, finished: after !== null && after.state !== 'in-progress' };
    });
    if (result.how === 'posted' || result.finished) await this.tick(rolloutId);
    return result.how;
  }

  /** observe() for each rollout where the device is in progress (news that names only the device: a boot, a version). */
  async observeDevice(deviceId: string, body: Record<string, unknown>): Promise<number> {
    const targets = await this.deps.store.findTargetsOfDevice(deviceId, ['in-progress']);
    for (const target of targets) await this.observe(target.rolloutId, deviceId, body);
    return targets.length;
  }

  private async applyObservation(rolloutId: string, deviceId: string, body: Record<string, unknown>): Promise<RolloutTarget | null> {
    const target = await this.deps.store.getTarget(rolloutId, deviceId);
    if (!target || target.state !== 'in-progress') return null;
    let outcome: TargetOutcome | null;
    try {
      outcome = this.deps.interpret?.(target, body) ?? null;
    } catch {
      outcome = null;
    }
    return outcome ? this.applyOutcome(target, outcome) : null;
  }

  /** Observations other pods posted for this rollout, applied in the order they came (as its driver, in its tick). */
  private async applyPosted(rolloutId: string): Promise<void> {
    for (;;) {
      const posted = await this.deps.store.findObservations(rolloutId, 200);
      for (const observation of posted) {
        await this.applyObservation(rolloutId, observation.deviceId, observation.body);
        await this.deps.store.deleteObservation(observation.id);
      }
      if (posted.length < 200) return;
    }
  }

  /** Whether this engine drives the rollout with enough of its lease left that no other pod can have taken it over. */
  private drives(rolloutId: string): boolean {
    const until = this.leases.get(rolloutId);
    return until !== undefined && until - this.now() > this.leaseMs / 2;
  }

  private serially<T>(rolloutId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(rolloutId) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(rolloutId, tail);
    void tail.then(() => {
      if (this.chains.get(rolloutId) === tail) this.chains.delete(rolloutId);
    });
    return result;
  }

  private async applyOutcome(target: RolloutTarget, outcome: TargetOutcome): Promise<RolloutTarget | null> {
    const { rolloutId, deviceId } = target;
    const now = this.now();
    const expect = { state: 'in-progress' as const, attempts: target.attempts };
    switch (outcome.kind) {
      case 'stage':
        return this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { stage: outcome.stage } });
      case 'succeeded': {
        const done = await this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { state: 'succeeded', finishedAt: now, decidedAt: now }, unset: ['dueAt', 'error'] });
        if (done) {
          await this.tell({ type: 'target-succeeded', rolloutId, target: done, at: now });
          await this.afterFinish(rolloutId, false);
        }
        return done;
      }
      case 'skipped': {
        const done = await this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { state: 'skipped', skipReason: outcome.reason, finishedAt: now }, unset: ['dueAt'] });
        if (done) {
          await this.tell({ type: 'target-skipped', rolloutId, target: done, at: now });
          await this.afterFinish(rolloutId, false);
        }
        return done;
      }
      case 'failed':
        return this.fail(target, outcome.error, outcome.retryable !== false);
    }
  }

  /**
   * Takes or renews the driver's lease of a rollout: whether this engine drives it now. A service holds it this way
   * while it does the rollout's long work outside a tick (streaming a campaign's devices in), so that another pod
   * takes that work over only once this one stopped renewing.
   */
  drive(rolloutId: string): Promise<boolean> {
    return this.serially(rolloutId, async () => (await this.acquire(rolloutId, this.now())) !== null);
  }

  private async acquire(rolloutId: string, now: number): Promise<Rollout | null> {
    const rollout = await this.deps.store.acquireDriver(rolloutId, this.deps.owner, now, now + this.leaseMs);
    const drove = this.leases.has(rolloutId);
    if (rollout) this.leases.set(rolloutId, rollout.driver?.expiresAt ?? now + this.leaseMs);
    else this.leases.delete(rolloutId);
    if (rollout && !drove) {
      await this.tell({ type: 'driving', rolloutId, epoch: rollout.driver?.epoch ?? 0, at: now });
      await this.recoverStarts(rollout);
    }
    return rollout;
  }

  /** The attempts in progress when this engine took the rollout: each left to its outcome, or started again if its start never took effect. */
  private async recoverStarts(rollout: Rollout): Promise<void> {
    const recover = this.deps.executor.recover?.bind(this.deps.executor);
    if (!recover) return;
    for (let skip = 0; ; skip += 200) {
      const inProgress = await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['in-progress'] }, { order: 'seq', limit: 200, skip });
      for (const target of inProgress) {
        const started = this.startedTarget(rollout, target);
        if ((await recover({ ...started, startedAt: target.startedAt ?? 0 })) === 'not-started') await this.execute(rollout, target);
      }
      if (inProgress.length < 200) return;
    }
  }

  private startedTarget(rollout: Rollout, target: RolloutTarget): StartedTarget {
    return {
      rolloutId: rollout.id,
      deviceId: target.deviceId,
      attempt: target.attempts,
      wave: target.wave ?? rollout.currentWave,
      mode: rollout.policy.mode,
      ...(target.data ? { data: target.data } : {}),
    };
  }

  private async runTick(rolloutId: string): Promise<TickResult> {
    const now = this.now();
    const rollout = await this.acquire(rolloutId, now);
    if (!rollout) {
      const exists = await this.deps.store.getRollout(rolloutId);
      if (!exists) throw new NotFoundError('rollout', rolloutId);
      return { started: [], waiting: 'driven-elsewhere', nextTickAt: exists.driver?.expiresAt };
    }
    await this.applyPosted(rolloutId);
    await this.timeOutAttempts(rollout, now);
    const current = await this.deps.store.getRollout(rolloutId);
    if (!current || current.state !== 'running') return { started: [], waiting: 'not-running' };
    if (await this.pauseIfThresholdCrossed(current, now)) return { started: [], waiting: 'not-running' };
    if (await this.completeIfDone(current, now)) return { started: [], waiting: 'not-running' };
    return this.startDue(current, now);
  }

  /** In-progress attempts past their deadline fail with `timeout` (retried while attempts are left). */
  private async timeOutAttempts(rollout: Rollout, now: number): Promise<void> {
    for (;;) {
      const expired = await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['in-progress'], dueBy: now }, { order: 'dueAt', limit: 200 });
      for (const target of expired) {
        await this.fail(target, { code: 'timeout', message: `no outcome within ${rollout.policy.attemptTimeoutMs} ms of the start` }, true, false);
      }
      if (expired.length < 200) break;
    }
  }

  private async startDue(rollout: Rollout, now: number): Promise<TickResult> {
    const policy = rollout.policy;
    const schedule = new MaintenanceSchedule(policy.windows, policy.timeZone);
    if (!schedule.isOpen(now)) return { started: [], waiting: 'window', nextTickAt: schedule.nextOpening(now) ?? undefined };

    const wave = await this.currentWave(rollout, now);
    if (wave.paused) return { started: [], waiting: 'not-running' };
    rollout = wave.rollout;

    const inFlight = await this.deps.store.countTargets({ rolloutId: rollout.id, states: IN_FLIGHT_STATES });
    const byConcurrency = policy.concurrency - inFlight;
    const byRate = startsAllowed(policy.startsPerMinute, rollout.startsBySecond, now);
    const budget = Math.min(byConcurrency, byRate, this.maxStartsPerTick);
    if (budget <= 0) {
      return byConcurrency <= 0 ? { started: [], waiting: 'concurrency' } : { started: [], waiting: 'rate', nextTickAt: nextStartFreedAt(policy.startsPerMinute, rollout.startsBySecond, now) ?? undefined };
    }

    // Retries and expired claims first (their wave is already theirs), then new targets into the current wave.
    const candidates: Array<{ target: RolloutTarget; wave: number }> = [];
    const again = await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['retry-wait', 'scheduled'], dueBy: now }, { order: 'dueAt', limit: budget });
    for (const target of again) candidates.push({ target, wave: target.wave ?? rollout.currentWave });
    if (candidates.length < budget && wave.room > 0) {
      const fresh = await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['pending'] }, { order: 'seq', limit: Math.min(budget - candidates.length, wave.room) });
      for (const target of fresh) candidates.push({ target, wave: rollout.currentWave });
    }
    if (candidates.length === 0) {
      const waiting: TickWait = wave.soaking ? 'soak' : wave.room === 0 && !wave.exhausted ? 'wave' : 'nothing-due';
      const nextRetry = await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['retry-wait', 'scheduled'] }, { order: 'dueAt', limit: 1 });
      const nextTickAt = wave.soaking ? wave.soakEndsAt : nextRetry[0]?.dueAt;
      return { started: [], waiting, ...(nextTickAt !== undefined ? { nextTickAt } : {}) };
    }

    // Each claim and start is its own compare-and-set; issued a few dozen at a time they share the embedded store's
    // commit and overlap MongoDB's round trips (FerretDB answers "database is locked" to hundreds at once).
    const claims = await inParallel(candidates, ({ target, wave: targetWave }) =>
        this.deps.store.updateTarget(
          rollout.id,
          target.deviceId,
          { state: target.state, attempts: target.attempts, ...(target.state === 'pending' ? {} : { dueBy: now }) },
          { set: { state: 'scheduled', owner: this.deps.owner, dueAt: now + this.leaseMs, scheduledAt: now, wave: targetWave }, unset: ['stage'] },
        ),
    );
    const claimed = claims.filter((claim): claim is RolloutTarget => claim !== null);
    if (claimed.length === 0) return { started: [], waiting: 'nothing-due' };

    // The starts are recorded before any is made, as this pod's driver: a pod that lost the rollout records nothing
    // and starts nothing, and the rate limit never counts fewer starts than were made.
    const recorded = await this.deps.store.updateRollout(
      rollout.id,
      { states: ['running'], driverEpoch: rollout.driver?.epoch },
      { set: { startsBySecond: recordStarts(rollout.startsBySecond, now, claimed.length) } },
    );
    if (!recorded) {
      await inParallel(claimed, (target) => this.releaseClaim(target));
      return { started: [], waiting: 'not-running' };
    }

    // startedAt is stored before the executor is called: a pod that takes the rollout over sees the attempt as
    // started and waits for its outcome or its timeout, never starting it again.
    const marks = await inParallel(claimed, (target) =>
      this.deps.store.updateTarget(
        rollout.id,
        target.deviceId,
        { state: 'scheduled', owner: this.deps.owner, attempts: target.attempts },
        { set: { state: 'in-progress', startedAt: now, dueAt: now + policy.attemptTimeoutMs }, unset: ['error'], incAttempts: true },
      ),
    );
    const started = marks.filter((marked): marked is RolloutTarget => marked !== null);
    await inParallel(started, (target) => this.execute(rollout, target));
    return { started: started.map((target) => target.deviceId) };
  }

  private async execute(rollout: Rollout, target: RolloutTarget): Promise<void> {
    try {
      await this.deps.executor.start(this.startedTarget(rollout, target));
    } catch (error) {
      await this.fail(target, { code: 'start-failed', message: error instanceof Error ? error.message : String(error) }, true);
    }
  }

  private async releaseClaim(target: RolloutTarget): Promise<void> {
    await this.deps.store.updateTarget(target.rolloutId, target.deviceId, { state: 'scheduled', owner: this.deps.owner, attempts: target.attempts }, {
      set: { state: target.attempts === 0 ? 'pending' : 'retry-wait', dueAt: this.now() },
      unset: ['owner'],
    });
  }

  /**
   * The current wave, advanced when the previous one passed (and soaked); how many more targets it takes. A wave
   * that finished below its success criteria pauses the rollout.
   */
  private async currentWave(
    rollout: Rollout,
    now: number,
  ): Promise<{ rollout: Rollout; room: number; paused: boolean; soaking: boolean; soakEndsAt?: number; exhausted?: boolean }> {
    const policy = rollout.policy;
    for (;;) {
      // Only a percentage step needs the number of all targets (a count over the rollout's index range).
      const total = 'percent' in policy.waves.step ? await this.deps.store.countTargets({ rolloutId: rollout.id }) : 0;
      const size = waveSize(policy.waves, rollout.currentWave, total);
      const assigned = await this.deps.store.countTargets({ rolloutId: rollout.id, wave: rollout.currentWave });
      const pending = (await this.deps.store.findTargets({ rolloutId: rollout.id, states: ['pending'] }, { order: 'seq', limit: 1 })).length > 0;
      if (assigned < size && pending) return { rollout, room: size - assigned, paused: false, soaking: false };
      if (!pending) return { rollout, room: 0, paused: false, soaking: false, exhausted: true };

      // The wave is full: it passes once all its targets finished with enough successes, then soaks.
      const unfinished = await this.deps.store.countTargets({ rolloutId: rollout.id, wave: rollout.currentWave, states: UNFINISHED_STATES });
      if (unfinished > 0) return { rollout, room: 0, paused: false, soaking: false };
      if (rollout.wavePassedAt === undefined) {
        const succeeded = await this.deps.store.countTargets({ rolloutId: rollout.id, wave: rollout.currentWave, states: ['succeeded'] });
        const failed = await this.deps.store.countTargets({ rolloutId: rollout.id, wave: rollout.currentWave, states: ['failed'] });
        const verdict = waveMeetsCriteria(policy.waves, succeeded, failed);
        if (!verdict.passed && rollout.acceptedWave !== rollout.currentWave) {
          const text = `wave ${rollout.currentWave}: ${Math.round(verdict.successPercent * 10) / 10} % of ${succeeded + failed} targets succeeded, below ${policy.waves.minSuccessPercent} %`;
          await this.pauseForThreshold(rollout, text, now, rollout.currentWave);
          return { rollout, room: 0, paused: true, soaking: false };
        }
        const passed = await this.deps.store.updateRollout(rollout.id, { revision: rollout.revision, states: ['running'] }, { set: { wavePassedAt: now } });
        if (!passed) return { rollout, room: 0, paused: true, soaking: false };
        rollout = passed;
      }
      const soakEndsAt = (rollout.wavePassedAt ?? now) + policy.waves.soakMs;
      if (now < soakEndsAt) return { rollout, room: 0, paused: false, soaking: true, soakEndsAt };
      const advanced = await this.deps.store.updateRollout(
        rollout.id,
        { revision: rollout.revision, states: ['running'] },
        { set: { currentWave: rollout.currentWave + 1 }, unset: ['wavePassedAt', 'acceptedWave'] },
      );
      if (!advanced) return { rollout, room: 0, paused: true, soaking: false };
      rollout = advanced;
      await this.tell({ type: 'wave-advanced', rolloutId: rollout.id, wave: rollout.currentWave, at: now });
    }
  }

  private async fail(target: RolloutTarget, error: TargetError, retryable: boolean, checkAfter = true): Promise<RolloutTarget | null> {
    const rollout = await this.mustGet(target.rolloutId);
    const now = this.now();
    const expect = { state: 'in-progress' as const, attempts: target.attempts };
    if (retryable && target.attempts < rollout.policy.retry.maxAttempts) {
      const waiting = await this.deps.store.updateTarget(target.rolloutId, target.deviceId, expect, {
        set: { state: 'retry-wait', error, dueAt: now + retryBackoffMs(rollout.policy.retry, target.attempts) },
        unset: ['stage', 'owner'],
      });
      if (waiting) await this.tell({ type: 'target-retrying', rolloutId: target.rolloutId, target: waiting, at: now });
      return waiting;
    }
    const failed = await this.deps.store.updateTarget(target.rolloutId, target.deviceId, expect, { set: { state: 'failed', error, finishedAt: now, decidedAt: now }, unset: ['dueAt'] });
    if (failed) {
      await this.tell({ type: 'target-failed', rolloutId: target.rolloutId, target: failed, at: now });
      if (checkAfter) await this.afterFinish(target.rolloutId, true);
    }
    return failed;
  }

  /**
   * After an outcome: the failure threshold after a failure, and completion when that was the last target. A success
   * cannot add a failure to the recent ones; the one way it can cross a threshold (bringing a percentage's window up
   * to minFinished) is caught by the next tick, which checks the threshold every time.
   */
  private async afterFinish(rolloutId: string, failed: boolean): Promise<void> {
    const rollout = await this.mustGet(rolloutId);
    if (rollout.state !== 'running') return;
    const now = this.now();
    if (failed && (await this.pauseIfThresholdCrossed(rollout, now))) return;
    await this.completeIfDone(rollout, now);
  }

  private async pauseIfThresholdCrossed(rollout: Rollout, now: number): Promise<boolean> {
    const threshold = rollout.policy.failureThreshold;
    if (!threshold) return false;
    let finished: number;
    let failed: number;
    // By decidedAt alone, one index range: a state filter beside it would have the store read every finished target.
    if ('lastFinished' in threshold.over) {
      const recent = await this.deps.store.findTargets(
        { rolloutId: rollout.id, decidedSince: rollout.thresholdSince },
        { order: 'decidedAt-desc', limit: threshold.over.lastFinished },
      );
      finished = recent.length;
      failed = recent.filter((target) => target.state === 'failed').length;
    } else {
      const since = Math.max(rollout.thresholdSince, now - threshold.over.windowMs);
      finished = await this.deps.store.countTargets({ rolloutId: rollout.id, decidedSince: since });
      failed = await this.deps.store.countTargets({ rolloutId: rollout.id, states: ['failed'], decidedSince: since });
    }
    const reason = thresholdCrossed(threshold, { finished, failed });
    if (!reason) return false;
    await this.pauseForThreshold(rollout, reason, now);
    return true;
  }

  private async pauseForThreshold(rollout: Rollout, text: string, now: number, wave?: number): Promise<void> {
    const reason = { kind: 'threshold' as const, text, at: now, ...(wave !== undefined ? { wave } : {}) };
    const paused = await this.deps.store.updateRollout(rollout.id, { states: ['running'] }, { set: { state: 'paused', pause: reason } });
    if (paused) await this.tell({ type: 'paused', rolloutId: rollout.id, reason, at: now });
  }

  private async completeIfDone(rollout: Rollout, now: number): Promise<boolean> {
    if (!rollout.sealed) return false;
    // Whether one is left, not how many (this runs after every outcome), state by state: each is one index seek,
    // where the states together would read and sort every unfinished target.
    for (const state of UNFINISHED_STATES) {
      if ((await this.deps.store.findTargets({ rolloutId: rollout.id, states: [state] }, { order: 'seq', limit: 1 })).length > 0) return false;
    }
    const completed = await this.deps.store.updateRollout(rollout.id, { states: ['running'] }, { set: { state: 'completed', finishedAt: now } });
    if (completed) await this.tell({ type: 'completed', rolloutId: rollout.id, at: now });
    return completed !== null;
  }

  private async change(rolloutId: string, from: readonly RolloutState[], change: Parameters<RolloutStore['updateRollout']>[2]): Promise<Rollout> {
    const updated = await this.deps.store.updateRollout(rolloutId, { states: from }, change);
    if (updated) return updated;
    const rollout = await this.mustGet(rolloutId);
    throw new ConflictError(`rollout ${rolloutId} is ${rollout.state}; this needs it ${from.join(' or ')}`, {
      reason: 'ROLLOUT_STATE',
      subject: `rollout ${rolloutId}`,
    });
  }

  private async mustGet(rolloutId: string): Promise<Rollout> {
    const rollout = await this.deps.store.getRollout(rolloutId);
    if (!rollout) throw new NotFoundError('rollout', rolloutId);
    return rollout;
  }

  private async tell(notification: RolloutNotification): Promise<void> {
    await this.deps.notify?.(notification);
  }
}

/** Store writes and executor calls one tick has in flight at once. */
const PARALLEL_CALLS = 32;

async function inParallel<T, R>(items: readonly T[], call: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let first = 0; first < items.length; first += PARALLEL_CALLS) {
    results.push(...(await Promise.all(items.slice(first, first + PARALLEL_CALLS).map(call))));
  }
  return results;
}

function finishedError(rollout: Rollout): ConflictError {
  return new ConflictError(`rollout ${rollout.id} is ${rollout.state}`, { reason: 'ROLLOUT_FINISHED', subject: `rollout ${rollout.id}` });
}
