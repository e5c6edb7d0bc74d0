import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { resetRuleAlarms } from './rule-alarms-reset';
import { ruleOrNotFound } from './rule-validation';

/**
 * Deletes a rule (NotFoundError when unknown). Its active alarms clear with reason `rule-removed` (each with an
 * alarm-cleared event) rather than stay active with nothing left to clear them; its cleared alarms stay until the
 * retention removes them.
 */
export class DeleteThresholdRule {
  constructor(private readonly deps: AlarmUseCaseDeps) {}

  async execute(id: string): Promise<{ clearedAlarms: number }> {
    const { store } = this.deps;
    await ruleOrNotFound((ruleId) => store.rules.get(ruleId), id);
    await store.rules.delete(id);
    return { clearedAlarms: await resetRuleAlarms(this.deps, id, 'rule-removed') };
  }
}
