import { MaintenanceSchedule } from '../domain/maintenance-windows';
import { TARGET_STATES, UNFINISHED_STATES, type PauseReason, type Rollout, type RolloutState, type TargetState } from '../domain/rollout';
import { waveSize } from '../domain/waves';
import type { RolloutStore } from '../repositories/ports';

/** Rates are measured over this much recent time (or since the start, when shorter). */
export const RATE_WINDOW_MS = 10 * 60_000;

export interface WaveProgress {
  wave: number;
  size: number;
  counts: Record<TargetState, number>;
}

export interface RolloutProgress {
  rolloutId: string;
  state: RolloutState;
  pause?: PauseReason;
  sealed: boolean;
  currentWave: number;
  total: number;
  counts: Record<TargetState, number>;
  /** Targets in progress by the stage the executor last reported (`downloading`, `installing`; `starting` before any). */
  stages: Record<string, number>;
  /** The waves started so far, the current one last. */
  waves: WaveProgress[];
  startedPerMinute: number;
  finishedPerMinute: number;
  /** Whether a window is open now (always, without windows), and when the next opens if not. */
  windowOpen: boolean;
  nextWindowOpening?: number;
  /**
   * When the last target should finish, at the recent finish rate, counting only the time windows are open; null
   * while nothing has finished yet or the rollout is not running. A completed rollout's finish time.
   */
  eta: number | null;
}

export async function computeProgress(store: RolloutStore, rollout: Rollout, now: number): Promise<RolloutProgress> {
  const countsOf = async (wave?: number): Promise<Record<TargetState, number>> => {
    const counts = {} as Record<TargetState, number>;
    for (const state of TARGET_STATES) {
      counts[state] = wave !== undefined && state === 'pending' ? 0 : await store.countTargets({ rolloutId: rollout.id, states: [state], ...(wave !== undefined ? { wave } : {}) });
    }
    return counts;
  };
  const counts = await countsOf();
  const total = TARGET_STATES.reduce((sum, state) => sum + counts[state], 0);

  const waves: WaveProgress[] = [];
  for (let wave = 0; wave <= rollout.currentWave; wave++) {
    waves.push({ wave, size: waveSize(rollout.policy.waves, wave, total), counts: await countsOf(wave) });
  }

  // In flight is at most the concurrency limit, so reading their stages stays small.
  const stages: Record<string, number> = {};
  const inProgress = await store.findTargets({ rolloutId: rollout.id, states: ['in-progress'] }, { order: 'dueAt', limit: Math.max(1, rollout.policy.concurrency) });
  for (const target of inProgress) stages[target.stage ?? 'starting'] = (stages[target.stage ?? 'starting'] ?? 0) + 1;

  const since = Math.max(now - RATE_WINDOW_MS, rollout.startedAt ?? now);
  const minutes = (now - since) / 60_000;
  const startedRecently = await store.countTargets({ rolloutId: rollout.id, startedSince: since });
  const finishedRecently = await store.countTargets({ rolloutId: rollout.id, states: ['succeeded', 'failed'], finishedSince: since });
  const startedPerMinute = minutes > 0 ? startedRecently / minutes : 0;
  const finishedPerMinute = minutes > 0 ? finishedRecently / minutes : 0;

  const schedule = new MaintenanceSchedule(rollout.policy.windows, rollout.policy.timeZone);
  const windowOpen = schedule.isOpen(now);
  const nextWindowOpening = windowOpen ? undefined : (schedule.nextOpening(now) ?? undefined);

  const remaining = UNFINISHED_STATES.reduce((sum, state) => sum + counts[state], 0);
  let eta: number | null = null;
  if (rollout.state === 'completed') eta = rollout.finishedAt ?? null;
  else if (rollout.state === 'running' && remaining === 0) eta = now;
  else if (rollout.state === 'running' && finishedPerMinute > 0) eta = schedule.afterOpenTime(now, (remaining / finishedPerMinute) * 60_000);

  return {
    rolloutId: rollout.id,
    state: rollout.state,
    ...(rollout.pause ? { pause: rollout.pause } : {}),
    sealed: rollout.sealed,
    currentWave: rollout.currentWave,
    total,
    counts,
    stages,
    waves,
    startedPerMinute,
    finishedPerMinute,
    windowOpen,
    ...(nextWindowOpening !== undefined ? { nextWindowOpening } : {}),
    eta: eta === null ? null : Math.round(eta),
  };
}
