import { ConflictError } from '@acs/platform';

import { RunState, type DiagnosticRun } from '../domain/diagnostic-run';
import { endRun } from './end-run';
import { GetDiagnostic } from './get-diagnostic.usecase';
import type { RunUseCaseDeps } from './run-usecase-deps';

/**
 * Stops following a running test: the run ends cancelled (state `Cancelled`), its pending tasks are cancelled and its
 * test object is free; test-failed is published. ConflictError (RUN_ENDED) when it has ended.
 */
export class CancelDiagnostic {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async execute(command: { runId: string; requestedBy?: string }): Promise<DiagnosticRun> {
    const run = await new GetDiagnostic(this.deps).execute({ runId: command.runId });
    const by = command.requestedBy ? ` by ${command.requestedBy}` : '';
    const ended = run.status === 'running' ? await endRun(this.deps, run, { status: 'cancelled', state: RunState.cancelled, reason: `cancelled${by}` }) : null;
    if (!ended) throw new ConflictError(`diagnostic run ${command.runId} has ended already`, { reason: 'RUN_ENDED', subject: `diagnostic run ${command.runId}` });
    return ended;
  }
}
