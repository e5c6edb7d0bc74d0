import type { PresetEvaluationRecord } from './preset-loop';

/** Plans remembered per device: more than a loop needs (DEFAULT_LOOP_REPEATS), so a longer threshold still works. */
export const PLAN_HISTORY_PER_DEVICE = 5;

/**
 * Devices whose recent plans are remembered at most. About 0.5 kB each, so 5 MB at most, whatever the fleet size.
 * Only devices whose latest plan changed something count (see PlanHistory): the ones being configured right now.
 */
export const PLAN_HISTORY_DEVICES = 10_000;

export interface PlanHistoryOptions {
  perDevice?: number;
  maxDevices?: number;
}

/**
 * The recent plan digests of the devices being configured, for loop detection (detectPresetLoop), in bounded memory.
 *
 * A plan that changes nothing ('' digest) ends any loop, so a device whose latest plan is empty is forgotten at once:
 * a fleet in its desired state costs nothing here. Beyond `maxDevices` devices with work planned, the one planned
 * least recently is forgotten. What that costs: its next plans start a new count, so a loop of that device is noticed
 * a few sessions later than it would have been — once the wave of devices being configured settles (each settled
 * device is forgotten), the looping ones stay remembered and are caught; none is missed for good.
 */
export class PlanHistory {
  private readonly perDevice: number;
  private readonly maxDevices: number;
  /** deviceId → its latest plans, oldest first; Map order is least recently planned first. */
  private readonly plans = new Map<string, PresetEvaluationRecord[]>();

  constructor(options: PlanHistoryOptions = {}) {
    this.perDevice = Math.max(1, Math.floor(options.perDevice ?? PLAN_HISTORY_PER_DEVICE));
    this.maxDevices = Math.max(1, Math.floor(options.maxDevices ?? PLAN_HISTORY_DEVICES));
  }

  /** Adds a plan of the device and returns what is remembered of it, this plan included, oldest first. */
  record(deviceId: string, plan: PresetEvaluationRecord): readonly PresetEvaluationRecord[] {
    const earlier = this.plans.get(deviceId);
    this.plans.delete(deviceId);
    if (plan.specsDigest === '') return [plan];
    const history = [...(earlier ?? []), plan].slice(-this.perDevice);
    this.plans.set(deviceId, history);
    if (this.plans.size > this.maxDevices) this.plans.delete(this.plans.keys().next().value!);
    return history;
  }

  /** Devices remembered now. */
  get size(): number {
    return this.plans.size;
  }
}
