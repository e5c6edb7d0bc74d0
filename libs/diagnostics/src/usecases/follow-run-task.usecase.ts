import type { AcsTaskEventData, AcsTaskFault } from '@acs/contracts';

import { parseResult } from '../domain/diagnostics-result';
import type { ReadValues } from '../domain/diagnostics-values';
import { runIdOfTaskSource, RunState, type DiagnosticRun } from '../domain/diagnostic-run';
import { endRun } from './end-run';
import type { RunUseCaseDeps } from './run-usecase-deps';

/**
 * Follows a run's two tasks from their `acs.task` events (service/run-task-events.consumer.ts):
 * - the SetParameterValues done: the device took the inputs (the run records when); faulted (the CPE refused, or it
 *   was not reached): the run fails `Rejected` with the fault as the reason.
 * - the read done: its values are parsed. A test still `Requested` means the `8 DIAGNOSTICS COMPLETE` was another
 *   test's (one Inform reports every completion): a new read is armed, the deadline unchanged. So is a read done
 *   before the SetParameterValues was (an earlier test's late completion: the values are that test's). Otherwise the run ends
 *   complete with the measurement, or failed with the device's `Error_*` state. Faulted: the run fails `ReadFailed`.
 * Expired and cancelled tasks change nothing: the deadline (the sweeper) or the cancel ended the run already or will.
 * Redelivered events are harmless: ends and re-arms are conditional on the run's state.
 */
export class FollowRunTask {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async onTask(task: AcsTaskEventData): Promise<void> {
    const runId = runIdOfTaskSource(task.source);
    if (runId === null) return;
    const run = await this.deps.store.runs.get(runId);
    if (!run || run.status !== 'running') return;
    if (task.kind === 'setParameterValues') await this.onSet(run, task);
    else if (task.kind === 'getParameterValues' && task.taskId === run.readTaskId) await this.onRead(run, task);
  }

  private async onSet(run: DiagnosticRun, task: AcsTaskEventData): Promise<void> {
    if (task.status === 'done') {
      await this.deps.store.runs.updateRunning(run.id, { startedAt: this.deps.now() });
    } else if (task.status === 'faulted') {
      // A CPE fault code (9xxx) is the device's refusal; an ACS code (`cr-unreachable`, `timeout`) says it was not reached.
      const refused = /^\d+$/.test(task.fault?.code ?? '');
      const reason = `${refused ? 'the device refused to start the test' : 'the test could not be started'}: ${faultText(task.fault)}`;
      await endRun(this.deps, run, { status: 'failed', state: RunState.rejected, reason });
    }
  }

  private async onRead(run: DiagnosticRun, task: AcsTaskEventData): Promise<void> {
    if (task.status === 'faulted') {
      await endRun(this.deps, run, { status: 'failed', state: RunState.readFailed, reason: `the results could not be read: ${faultText(task.fault)}` });
      return;
    }
    if (task.status !== 'done') return;
    if (run.startedAt === undefined) {
      // The device had not taken this run's inputs when it read (task events of a device come in order): the
      // completion was of a test asked before (a cancelled or timed-out run's, finishing late), its values are not ours.
      await this.rearm(run, 'a completion from before the test was started: waiting again');
      return;
    }
    const values = inlineValuesOf(task) ?? (await this.deps.tasks.readValues(task.taskId));
    const outcome = parseResult(run.kind, run.root, values);
    if (outcome.status === 'failed' && outcome.state === 'Requested') {
      await this.rearm(run, 'diagnostic still requested after a completion of another test: waiting again');
      return;
    }
    if (outcome.status === 'complete') await endRun(this.deps, run, { status: 'complete', state: outcome.state, measurement: outcome.measurement });
    else await endRun(this.deps, run, { status: 'failed', state: outcome.state || 'None', reason: outcome.reason });
  }

  /** A read that woke for another test's completion: wait again for the next `8 DIAGNOSTICS COMPLETE`. */
  private async rearm(run: DiagnosticRun, why: string): Promise<void> {
    const { taskId } = await this.deps.tasks.createRead({ runId: run.id, deviceId: run.deviceId, objectPath: run.objectPath, expiresAt: run.deadline });
    if (await this.deps.store.runs.updateRunning(run.id, { readTaskId: taskId }, run.readTaskId)) {
      this.deps.logger.info({ deviceId: run.deviceId, runId: run.id, taskId }, why);
    } else {
      // The run ended (or another delivery re-armed it) meanwhile: this read waits for nothing.
      await this.deps.tasks.cancel(taskId).catch(() => undefined);
    }
  }
}

/** The values of a read's inline result (`{ values: [{ path, value, type }] }`), or undefined when it was too large. */
function inlineValuesOf(task: AcsTaskEventData): ReadValues | undefined {
  if (task.resultSummary && !task.resultSummary.inline) return undefined;
  const values = (task.result as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values)) return undefined;
  const read: Record<string, string | number | boolean> = {};
  for (const entry of values as Array<{ path?: unknown; value?: unknown }>) {
    if (typeof entry.path === 'string' && (typeof entry.value === 'string' || typeof entry.value === 'number' || typeof entry.value === 'boolean')) read[entry.path] = entry.value;
  }
  return read;
}

function faultText(fault: AcsTaskFault | undefined): string {
  if (!fault) return 'no fault reported';
  const parameters = (fault.parameters ?? []).map((p) => `${p.path}: ${p.code} ${p.message}`);
  return `${fault.code} ${fault.message}${parameters.length > 0 ? ` (${parameters.join('; ')})` : ''}`;
}
