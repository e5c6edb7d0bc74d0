import { NotFoundError } from '@acs/platform';
import type { RolloutEngine, RolloutProgress } from '@acs/rollout';

import type { Campaign } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

export interface CampaignView {
  /** With its status read from the rollout (the truth; the stored copy may lag a lost notification). */
  campaign: Campaign;
  /** Counts per state, overall and per wave, stages of devices in progress, rates, window, ETA (docs/rollouts.md). */
  progress: RolloutProgress;
}

/** One campaign with its progress. */
export class GetCampaign {
  constructor(private readonly deps: { campaigns: Pick<CampaignRepository, 'get'>; engine: Pick<RolloutEngine, 'progress'> }) {}

  async execute(command: { campaignId: string }): Promise<CampaignView> {
    const campaign = await this.deps.campaigns.get(command.campaignId);
    if (!campaign) throw new NotFoundError('campaign', command.campaignId);
    const progress = await this.deps.engine.progress(campaign.id);
    return { campaign: { ...campaign, status: progress.state }, progress };
  }
}
