import type { AcsRequest, CpeResponse } from '@acs/cwmp';
import type { DeviceRecord } from '../domain/device';
import type { Preset } from '../domain/preset';
import type { PresetRun, TaskFault, TaskSpec } from '../domain/task';
import { planPresets, type PresetPlan } from '../presets';
import { firstRpcs, nextStep } from './task-rpcs';

// An applyPreset task runs what planPresets — the planner every Inform's triggered presets go through — makes of one
// preset for one device, as its own RPCs: the plan's tasks one after the other, each step's answer deciding the next
// as for a task of that kind (task-rpcs.ts). Pure: the lifecycle stores the run in the task and queues the RPCs.

/**
 * Plans at most this many times per attempt: a first plan that could not work out part of the preset (an instance
 * table it has never seen, so it plans a refresh of it instead) is planned once more after its reads.
 */
export const PRESET_RUN_ROUNDS = 2;

/** Where a run goes next: RPCs to queue (with the run as it then stands), or its end. */
export type PresetRunStep = { next: AcsRequest[]; run: PresetRun } | { done: PresetRunResult } | { fault: TaskFault };

/** An applyPreset task's result. */
export interface PresetRunResult {
  preset: string;
  tags: { add: string[]; remove: string[] };
  /** Each step of the plan with the device's answer, in the order they ran; empty when nothing had to change. */
  steps: PresetRun['results'];
}

/** The preset applied whatever its `enabled` (that switch governs its triggers), planned against the device. */
export function planPresetNow(preset: Preset, device: DeviceRecord, now: number): PresetPlan {
  return planPresets([{ ...preset, enabled: true }], device, { now });
}

/**
 * Why the device is not one the preset applies to, or null when it is: its precondition does not hold (or does not
 * parse, which the preset rules refuse at save time but an older stored preset may still have).
 */
export function preconditionFault(preset: Preset, plan: PresetPlan): TaskFault | null {
  if (plan.presetsApplied.includes(preset.name)) return null;
  const broken = plan.unresolved.find((u) => u.target === 'precondition');
  const message = broken
    ? `the precondition of preset ${preset.name} cannot be evaluated: ${broken.message}`
    : `the device does not match the precondition of preset ${preset.name} (${preset.precondition}); nothing was sent to it`;
  return { code: 'precondition-not-met', message, transient: false };
}

/** The run of a fresh plan, and its first step. */
export function startPresetRun(preset: Preset, plan: PresetPlan, commandKey: string, device: DeviceRecord | null): PresetRunStep {
  const run: PresetRun = {
    preset,
    specs: plan.tasks.map((t) => t.spec),
    step: 0,
    round: 1,
    unresolved: plan.unresolved.map((u) => u.message),
    tags: plan.tags,
    results: [],
  };
  return stepOf(run, commandKey, device, plan.at);
}

/**
 * The step after `response`, the answer to the run's RPC `request`; `outstanding` is how many of the step's RPCs are
 * still out besides it (a refresh's batches of GetParameterValues): the step is over with the last of them.
 */
export function advancePresetRun(
  run: PresetRun,
  commandKey: string,
  answered: { request: AcsRequest; response: CpeResponse; outstanding: number },
  device: DeviceRecord | null,
  now: number,
): PresetRunStep {
  const spec = run.specs[run.step];
  const step = nextStep(spec, commandKey, answered.request, answered.response, device);
  if ('next' in step) return { next: step.next, run };
  if (answered.outstanding > 0) return { next: [], run };
  // A Download the CPE accepted (status 1) is answered: its transfer goes on after the session, and the CPE's
  // TransferComplete reports it on the device, not on this task, which moves on to the plan's next step.
  const result = 'done' in step ? step.done : { transferPending: true };
  return stepOf({ ...run, step: run.step + 1, results: [...run.results, { kind: spec.kind, result }] }, commandKey, device, now);
}

/** The specs of a run, for counting what it set. */
export function presetRunSpecs(run: PresetRun | undefined): TaskSpec[] {
  return run ? run.specs : [];
}

function stepOf(run: PresetRun, commandKey: string, device: DeviceRecord | null, now: number): PresetRunStep {
  if (run.step < run.specs.length) return { next: firstRpcs(run.specs[run.step], commandKey, device), run };
  if (run.unresolved.length > 0 && run.round < PRESET_RUN_ROUNDS && device && run.specs.some((s) => s.kind === 'refreshObject')) {
    return stepOf(replanned(run, device, now), commandKey, device, now);
  }
  if (run.unresolved.length > 0) {
    return { fault: { code: 'preset-unresolved', message: `preset ${run.preset.name} could not be worked out for this device: ${run.unresolved.join('; ')}`, transient: false } };
  }
  return { done: { preset: run.preset.name, tags: run.tags, steps: run.results } };
}

/**
 * The preset planned again once the first plan's reads are in the device's record. Refreshes already done are not
 * repeated; tags were applied with the first plan and do not depend on what was read.
 */
function replanned(run: PresetRun, device: DeviceRecord, now: number): PresetRun {
  const plan = planPresetNow(run.preset, device, now);
  const refreshed = new Set(run.specs.flatMap((s) => (s.kind === 'refreshObject' ? [s.path] : [])));
  const specs = plan.tasks.map((t) => t.spec).filter((s) => !(s.kind === 'refreshObject' && refreshed.has(s.path)));
  return { ...run, specs: [...run.specs, ...specs], round: run.round + 1, unresolved: plan.unresolved.map((u) => u.message) };
}
