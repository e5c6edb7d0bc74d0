// A preset loop: the device is given the same changes session after session and never ends up in the desired state
// (it refuses to keep a value, silently ignores a set, reboots into a preset that reboots it again). planPresets
// returns a digest of each plan's changes; the service keeps the last few per device and, when this finds a loop,
// raises a fault on the preset's channel instead of sending the same work forever.
//
// The rule is deliberately simple: the newest `repeats` evaluations (default 3) produced the same non-empty digest.
// An evaluation that produced nothing to change ('' digest) breaks the run, so a schedule that reboots nightly with
// quiet sessions in between is not a loop, while a value that is set at every Inform is.

export interface PresetEvaluationRecord {
  /** Epoch ms of the evaluation. */
  at: number;
  /** PresetPlan.digest: '' when the plan changed nothing. */
  specsDigest: string;
}

export interface PresetLoop {
  specsDigest: string;
  /** How many consecutive evaluations, newest first, produced it (≥ the threshold). */
  repeats: number;
  /** When the run started (the oldest of the repeats). */
  since: number;
}

export interface PresetLoopOptions {
  /** Consecutive identical plans that make a loop; at least 2. Default 3. */
  repeats?: number;
}

export const DEFAULT_LOOP_REPEATS = 3;

/** The loop the history shows, or null. The history may be in any order; it is read newest first by `at`. */
export function detectPresetLoop(history: readonly PresetEvaluationRecord[], options: PresetLoopOptions = {}): PresetLoop | null {
  const threshold = Math.max(2, Math.floor(options.repeats ?? DEFAULT_LOOP_REPEATS));
  const newestFirst = [...history].sort((a, b) => b.at - a.at);
  const latest = newestFirst[0];
  if (!latest || latest.specsDigest === '') return null;
  let run = 0;
  while (run < newestFirst.length && newestFirst[run].specsDigest === latest.specsDigest) run++;
  return run >= threshold ? { specsDigest: latest.specsDigest, repeats: run, since: newestFirst[run - 1].at } : null;
}
