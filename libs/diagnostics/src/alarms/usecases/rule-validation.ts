import { NotFoundError } from '@acs/platform';

import type { ThresholdRule } from '../domain/threshold-rule';
import type { RuleTargets } from './alarm-ports';

/** The rule or NotFoundError. */
export async function ruleOrNotFound(get: (id: string) => Promise<ThresholdRule | null>, id: string): Promise<ThresholdRule> {
  const rule = await get(id);
  if (!rule) throw new NotFoundError('threshold rule', id);
  return rule;
}

/** NotFoundError when the rule targets a group that does not exist. */
export async function checkTargetGroup(targets: RuleTargets, rule: Pick<ThresholdRule, 'target'>): Promise<void> {
  if ('groupId' in rule.target && !(await targets.groupExists(rule.target.groupId))) {
    throw new NotFoundError('group', rule.target.groupId, `group ${rule.target.groupId} not found (target.groupId)`);
  }
}
