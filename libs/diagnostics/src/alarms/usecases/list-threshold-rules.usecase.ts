import type { Page, Paged } from '@acs/platform';

import type { ThresholdRule } from '../domain/threshold-rule';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

/** The rules by name, a page at a time (they are few: hundreds), with their total. */
export class ListThresholdRules {
  constructor(private readonly deps: Pick<AlarmUseCaseDeps, 'store'>) {}

  execute(page: Page): Promise<Paged<ThresholdRule>> {
    return this.deps.store.rules.list(page);
  }
}
