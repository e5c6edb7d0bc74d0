import type { GroupingUseCaseDeps } from './create-group.usecase';
import { groupOrNotFound } from './group-validation';
import type { EvaluationResult } from './membership-maintainer';

/**
 * Re-evaluates a group and the groups nested in it from the inventory: what a dynamic group's events cannot tell
 * (a tag set through the API, `lastInform`) caught up, and the measure of a full evaluation (test/bench/grouping).
 */
export class EvaluateGroup {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store' | 'maintainer'>) {}

  async execute(groupId: string): Promise<EvaluationResult> {
    await groupOrNotFound((id) => this.deps.store.groups.get(id), groupId);
    return this.deps.maintainer.evaluate(groupId);
  }
}
