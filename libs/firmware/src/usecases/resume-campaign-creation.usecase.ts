import type { Logger } from '@acs/platform';
import type { RolloutEngine, RolloutStore } from '@acs/rollout';

import type { Campaign } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

/** How many interrupted creations one round looks at. */
const ROLLOUTS_PER_ROUND = 100;

/**
 * Finishes the creation of campaigns whose pod died while their devices streamed in (or before they started): a
 * rollout still `created` after its lease, which no pod renews, is taken over through the driver's lease and its
 * campaign completed from what it stored — the devices streamed again (adding a device is idempotent), sealed,
 * started. Run by every pod's campaign scheduler; the lease makes one pod do each.
 */
export class ResumeCampaignCreation {
  constructor(
    private readonly deps: {
      campaigns: Pick<CampaignRepository, 'get'>;
      rollouts: Pick<RolloutStore, 'listRollouts'>;
      /** Its lease: a creation younger than this may still be going on in its pod. */
      engine: Pick<RolloutEngine, 'drive' | 'leaseMs'>;
      complete: (campaign: Campaign) => Promise<Campaign>;
      logger: Pick<Logger, 'info' | 'warn'>;
      now: () => number;
    },
  ) {}

  /** How many creations this pod finished. */
  async execute(): Promise<number> {
    let resumed = 0;
    const now = this.deps.now();
    for (const rollout of await this.deps.rollouts.listRollouts(['created'], ROLLOUTS_PER_ROUND)) {
      if (now - rollout.createdAt < this.deps.engine.leaseMs) continue;
      if (!(await this.deps.engine.drive(rollout.id))) continue;
      const campaign = await this.deps.campaigns.get(rollout.id);
      if (!campaign) continue;
      this.deps.logger.info({ campaignId: campaign.id, name: campaign.name, createdAt: new Date(campaign.createdAt).toISOString() }, `resuming the creation of campaign ${campaign.id}: its pod stopped before it started`);
      try {
        await this.deps.complete(campaign);
        resumed += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, campaignId: campaign.id }, 'resuming a campaign creation failed; the next round tries again');
      }
    }
    return resumed;
  }
}
