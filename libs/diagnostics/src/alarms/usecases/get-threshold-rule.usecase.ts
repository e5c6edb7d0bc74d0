import type { ThresholdRule } from '../domain/threshold-rule';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { ruleOrNotFound } from './rule-validation';

/** One rule; NotFoundError when unknown. */
export class GetThresholdRule {
  constructor(private readonly deps: Pick<AlarmUseCaseDeps, 'store'>) {}

  execute(id: string): Promise<ThresholdRule> {
    return ruleOrNotFound((ruleId) => this.deps.store.rules.get(ruleId), id);
  }
}
