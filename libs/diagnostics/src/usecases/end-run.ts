import type { DiagnosticsMeasurement } from '../domain/diagnostics-result';
import type { DiagnosticRun, DiagnosticRunStatus } from '../domain/diagnostic-run';
import type { RunUseCaseDeps } from './run-usecase-deps';

export type RunEnding =
  | { status: 'complete'; state: string; measurement: DiagnosticsMeasurement }
  | { status: Exclude<DiagnosticRunStatus, 'running' | 'complete'>; state: string; reason: string };

/**
 * Ends a running run, the one way every ending goes (results read, a fault, the deadline, a cancel): stores it ended
 * (conditional on it still running, so of two endings one wins and the loser does nothing), frees its test object,
 * cancels its tasks still pending (the read waiting for `8 DIAGNOSTICS COMPLETE`, a SetParameterValues never
 * delivered), then publishes test-completed or test-failed. The run as ended, or null when it had ended already.
 */
export async function endRun(deps: Pick<RunUseCaseDeps, 'store' | 'tasks' | 'events' | 'logger' | 'now'>, run: DiagnosticRun, ending: RunEnding): Promise<DiagnosticRun | null> {
  const ended: DiagnosticRun = { ...run, ...ending, completedAt: deps.now() };
  if (!(await deps.store.runs.finish(ended))) return null;
  await deps.store.runSlots.release(run.deviceId, run.objectPath, run.id);
  if (ending.status !== 'complete') {
    // A final task is left alone by cancel; one the device is answering right now is ignored by provisioning after.
    for (const taskId of [run.readTaskId, run.setTaskId]) {
      if (taskId === undefined) continue;
      await deps.tasks.cancel(taskId).catch((error: unknown) => deps.logger.warn({ err: error, deviceId: run.deviceId, runId: run.id, taskId }, 'a diagnostic run ended but its task could not be cancelled; it expires at the run deadline'));
    }
  }
  if (ended.status === 'complete') await deps.events.completed(ended);
  else await deps.events.failed(ended);
  return ended;
}
