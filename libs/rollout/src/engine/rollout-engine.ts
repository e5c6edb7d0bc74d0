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
  type TargetState,
} from '../domain/rollout';
import { retryBackoffMs, validateRolloutPolicy, type RolloutPolicy } from '../domain/rollout-policy';
import { waveMeetsCriteria, waveSize } from '../domain/waves';
import type { RolloutStore } from '../repositories/ports';
import { computeProgress, type RolloutProgress } from './rollout-progress';

/** What the service does to a target: start the work (create the provisioning task) and return; the outcome comes back through report(). */
export interface RolloutExecutor {
  start(target: StartedTarget): Promise<void>;
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
  private readonly leaseMs: number;
  private readonly maxStartsPerTick: number;
  /** One tick per rollout at a time in this process. */
  private readonly ticking = new Map<string, Promise<TickResult>>();

  constructor(private readonly deps: RolloutEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.maxStartsPerTick = deps.maxStartsPerTick ?? 500;
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
    const running = this.ticking.get(rolloutId);
    if (running) return running;
    const tick = this.runTick(rolloutId).finally(() => this.ticking.delete(rolloutId));
    this.ticking.set(rolloutId, tick);
    return tick;
  }

  /**
   * An outcome of a target's current attempt. Ignored (null) when the target is not in progress or `attempt` names
   * an earlier attempt: a late report of an attempt that already timed out moves nothing.
   */
  async report(rolloutId: string, deviceId: string, outcome: TargetOutcome, options: { attempt?: number } = {}): Promise<RolloutTarget | null> {
    const target = await this.deps.store.getTarget(rolloutId, deviceId);
    if (!target || target.state !== 'in-progress') return null;
    if (options.attempt !== undefined && options.attempt !== target.attempts) return null;
    const now = this.now();
    const expect = { state: 'in-progress' as const, attempts: target.attempts };
    switch (outcome.kind) {
      case 'stage':
        return this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { stage: outcome.stage } });
      case 'succeeded': {
        const done = await this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { state: 'succeeded', finishedAt: now }, unset: ['dueAt', 'error'] });
        if (done) {
          await this.tell({ type: 'target-succeeded', rolloutId, target: done, at: now });
          await this.afterFinish(rolloutId);
        }
        return done;
      }
      case 'skipped': {
        const done = await this.deps.store.updateTarget(rolloutId, deviceId, expect, { set: { state: 'skipped', skipReason: outcome.reason, finishedAt: now }, unset: ['dueAt'] });
        if (done) {
          await this.tell({ type: 'target-skipped', rolloutId, target: done, at: now });
          await this.afterFinish(rolloutId);
        }
        return done;
      }
      case 'failed':
        return this.fail(target, outcome.error, outcome.retryable !== false);
    }
  }

  /** Reports an outcome for a device's in-progress targets in every rollout (when the service knows only the device). */
  async reportDevice(deviceId: string, outcome: TargetOutcome): Promise<RolloutTarget[]> {
    const reported: RolloutTarget[] = [];
    for (const target of await this.deps.store.findTargetsOfDevice(deviceId, ['in-progress'])) {
      const after = await this.report(target.rolloutId, deviceId, outcome, { attempt: target.attempts });
      if (after) reported.push(after);
    }
    return reported;
  }

  private async runTick(rolloutId: string): Promise<TickResult> {
    const now = this.now();
    const rollout = await this.deps.store.acquireDriver(rolloutId, this.deps.owner, now, now + this.leaseMs);
    if (!rollout) {
      const exists = await this.deps.store.getRollout(rolloutId);
      if (!exists) throw new NotFoundError('rollout', rolloutId);
      return { started: [], waiting: 'driven-elsewhere', nextTickAt: exists.driver?.expiresAt };
    }
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
      return byConcurrency <= 0 ? { started: [], waiting: 'concurrency' } : { started: [], waiting: 'rate', nextTickAt: nextStartFreedAt(rollout.startsBySecond, now) ?? undefined };
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

    const claimed: RolloutTarget[] = [];
    for (const { target, wave: targetWave } of candidates) {
      const claim = await this.deps.store.updateTarget(
        rollout.id,
        target.deviceId,
        { state: target.state, attempts: target.attempts, ...(target.state === 'pending' ? {} : { dueBy: now }) },
        { set: { state: 'scheduled', owner: this.deps.owner, dueAt: now + this.leaseMs, scheduledAt: now, wave: targetWave }, unset: ['stage'] },
      );
      if (claim) claimed.push(claim);
    }
    if (claimed.length === 0) return { started: [], waiting: 'nothing-due' };

    // The starts are recorded before any is made, as this pod's driver: a pod that lost the rollout records nothing
    // and starts nothing, and the rate limit never counts fewer starts than were made.
    const recorded = await this.deps.store.updateRollout(
      rollout.id,
      { states: ['running'], driverEpoch: rollout.driver?.epoch },
      { set: { startsBySecond: recordStarts(rollout.startsBySecond, now, claimed.length) } },
    );
    if (!recorded) {
      await Promise.all(claimed.map((target) => this.releaseClaim(target)));
      return { started: [], waiting: 'not-running' };
    }

    const started: RolloutTarget[] = [];
    for (const target of claimed) {
      // startedAt is stored before the executor is called: a pod that takes the rollout over sees the attempt as
      // started and waits for its outcome or its timeout, never starting it again.
      const marked = await this.deps.store.updateTarget(
        rollout.id,
        target.deviceId,
        { state: 'scheduled', owner: this.deps.owner, attempts: target.attempts },
        { set: { state: 'in-progress', startedAt: now, dueAt: now + policy.attemptTimeoutMs }, unset: ['error'], incAttempts: true },
      );
      if (marked) started.push(marked);
    }
    await Promise.all(started.map((target) => this.execute(rollout, target)));
    return { started: started.map((target) => target.deviceId) };
  }

  private async execute(rollout: Rollout, target: RolloutTarget): Promise<void> {
    try {
      await this.deps.executor.start({
        rolloutId: rollout.id,
        deviceId: target.deviceId,
        attempt: target.attempts,
        wave: target.wave ?? rollout.currentWave,
        mode: rollout.policy.mode,
        ...(target.data ? { data: target.data } : {}),
      });
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
      const total = await this.deps.store.countTargets({ rolloutId: rollout.id });
      const size = waveSize(policy.waves, rollout.currentWave, total);
      const assigned = await this.deps.store.countTargets({ rolloutId: rollout.id, wave: rollout.currentWave });
      const pending = await this.deps.store.countTargets({ rolloutId: rollout.id, states: ['pending'] });
      if (assigned < size && pending > 0) return { rollout, room: size - assigned, paused: false, soaking: false };
      if (pending === 0) return { rollout, room: 0, paused: false, soaking: false, exhausted: true };

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
    const failed = await this.deps.store.updateTarget(target.rolloutId, target.deviceId, expect, { set: { state: 'failed', error, finishedAt: now }, unset: ['dueAt'] });
    if (failed) {
      await this.tell({ type: 'target-failed', rolloutId: target.rolloutId, target: failed, at: now });
      if (checkAfter) await this.afterFinish(target.rolloutId);
    }
    return failed;
  }

  /** After an outcome: the failure threshold, and completion when that was the last target. */
  private async afterFinish(rolloutId: string): Promise<void> {
    const rollout = await this.mustGet(rolloutId);
    if (rollout.state !== 'running') return;
    const now = this.now();
    if (await this.pauseIfThresholdCrossed(rollout, now)) return;
    await this.completeIfDone(rollout, now);
  }

  private async pauseIfThresholdCrossed(rollout: Rollout, now: number): Promise<boolean> {
    const threshold = rollout.policy.failureThreshold;
    if (!threshold) return false;
    let finished: number;
    let failed: number;
    const decided: TargetState[] = ['succeeded', 'failed'];
    if ('lastFinished' in threshold.over) {
      const recent = await this.deps.store.findTargets(
        { rolloutId: rollout.id, states: decided, finishedSince: rollout.thresholdSince },
        { order: 'finishedAt-desc', limit: threshold.over.lastFinished },
      );
      finished = recent.length;
      failed = recent.filter((target) => target.state === 'failed').length;
    } else {
      const since = Math.max(rollout.thresholdSince, now - threshold.over.windowMs);
      finished = await this.deps.store.countTargets({ rolloutId: rollout.id, states: decided, finishedSince: since });
      failed = await this.deps.store.countTargets({ rolloutId: rollout.id, states: ['failed'], finishedSince: since });
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
    const unfinished = await this.deps.store.countTargets({ rolloutId: rollout.id, states: UNFINISHED_STATES });
    if (unfinished > 0) return false;
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

function finishedError(rollout: Rollout): ConflictError {
  return new ConflictError(`rollout ${rollout.id} is ${rollout.state}`, { reason: 'ROLLOUT_FINISHED', subject: `rollout ${rollout.id}` });
}
