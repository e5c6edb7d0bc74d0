import { NotFoundError, ValidationError } from '@acs/platform';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { RunUseCaseDeps } from './run-usecase-deps';

/** One run. NotFoundError when unknown. */
export class GetDiagnostic {
  constructor(private readonly deps: Pick<RunUseCaseDeps, 'store'>) {}

  async execute(query: { runId: string }): Promise<DiagnosticRun> {
    if (query.runId === '') throw ValidationError.forField('run_id', 'required', 'REQUIRED');
    const run = await this.deps.store.runs.get(query.runId);
    if (!run) throw new NotFoundError('diagnostic run', query.runId);
    return run;
  }
}
