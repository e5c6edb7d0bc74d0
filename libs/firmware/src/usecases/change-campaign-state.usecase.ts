import { NotFoundError, type Logger } from '@acs/platform';
import type { Rollout, RolloutEngine } from '@acs/rollout';

import type { Campaign } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

export type CampaignStateChange = { action: 'pause'; reason: string } | { action: 'resume' } | { action: 'cancel' };

/**
 * Pause, resume or cancel, by an operator: the rollout engine does it (ConflictError when the campaign is not in a
 * state that allows it); the stored status follows. Devices in progress go on to their outcomes in every case.
 */
export class ChangeCampaignState {
  constructor(
    private readonly deps: {
      campaigns: Pick<CampaignRepository, 'get' | 'setStatus'>;
      engine: Pick<RolloutEngine, 'pause' | 'resume' | 'cancel'>;
      logger: Pick<Logger, 'info'>;
    },
  ) {}

  async execute(command: { campaignId: string; change: CampaignStateChange; requestedBy: string }): Promise<Campaign> {
    const campaign = await this.deps.campaigns.get(command.campaignId);
    if (!campaign) throw new NotFoundError('campaign', command.campaignId);
    const rollout = await this.apply(campaign.id, command.change, command.requestedBy);
    await this.deps.campaigns.setStatus(campaign.id, rollout.state);
    this.deps.logger.info({ campaignId: campaign.id, action: command.change.action, requestedBy: command.requestedBy, status: rollout.state }, `campaign ${command.change.action}`);
    return { ...campaign, status: rollout.state };
  }

  private apply(campaignId: string, change: CampaignStateChange, requestedBy: string): Promise<Rollout> {
    switch (change.action) {
      case 'pause':
        return this.deps.engine.pause(campaignId, requestedBy !== '' ? `${requestedBy}: ${change.reason || 'paused'}` : change.reason || 'paused by an operator');
      case 'resume':
        return this.deps.engine.resume(campaignId);
      case 'cancel':
        return this.deps.engine.cancel(campaignId);
    }
  }
}
