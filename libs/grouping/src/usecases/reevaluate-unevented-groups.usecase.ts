import type { Logger } from '@acs/platform';

import type { MembershipMaintainer } from './membership-maintainer';

/** What one periodic re-evaluation did. */
export interface ReevaluationSummary {
  /** Groups evaluated fully, the groups nested in them included. */
  groups: number;
  joined: number;
  left: number;
  /** Groups whose evaluation failed (logged; the others went on). */
  failed: number;
}

/**
 * Catches up the dynamic groups whose filters read what no event reports (GroupDirectory.readingUnevented:
 * `lastInform`, `ip`, the inform interval, parameter values learned by tasks): each is evaluated fully, with the
 * groups nested in it, one after the other, so device events are applied between them. Run periodically by one pod
 * (service/periodic-reevaluation.ts).
 */
export class ReevaluateUneventedGroups {
  constructor(private readonly deps: { maintainer: MembershipMaintainer; logger: Pick<Logger, 'info' | 'warn'> }) {}

  async execute(): Promise<ReevaluationSummary> {
    const { maintainer, logger } = this.deps;
    const summary: ReevaluationSummary = { groups: 0, joined: 0, left: 0, failed: 0 };
    for (const group of (await maintainer.groups()).readingUnevented()) {
      try {
        const result = await maintainer.evaluate(group.id);
        summary.groups += result.groups;
        summary.joined += result.joined;
        summary.left += result.left;
      } catch (error) {
        // One group's failure (provisioning unreachable a moment) leaves the others' catch-up standing.
        summary.failed += 1;
        logger.warn({ err: error, groupId: group.id }, 'periodic re-evaluation of a group failed; retried at the next period');
      }
    }
    return summary;
  }
}
