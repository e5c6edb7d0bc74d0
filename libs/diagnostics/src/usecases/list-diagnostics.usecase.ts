import type { Page, Paged } from '@acs/platform';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { RunQuery } from '../repositories/run-ports';
import type { RunUseCaseDeps } from './run-usecase-deps';

/** Runs newest first, of one device, kind and status when given. */
export class ListDiagnostics {
  constructor(private readonly deps: Pick<RunUseCaseDeps, 'store'>) {}

  execute(query: RunQuery, page: Page): Promise<Paged<DiagnosticRun>> {
    return this.deps.store.runs.list(query, page);
  }
}
