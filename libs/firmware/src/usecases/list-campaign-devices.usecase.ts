import { NotFoundError } from '@acs/platform';
import { validTargetListing, type RolloutStore } from '@acs/rollout';

import { campaignDeviceOf, type CampaignDevice } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

export interface ListCampaignDevicesCommand {
  campaignId: string;
  /** Empty: every state. */
  states: readonly string[];
  wave?: number;
  /** The page starts after this insertion number (the last device of the previous page); absent: the first page. */
  after?: number;
  limit: number;
}

export interface CampaignDevicePage {
  devices: CampaignDevice[];
  /** Where the next page starts (the last device's insertion number); absent on the last page. */
  nextAfter?: number;
}

/**
 * A campaign's devices in the order they were added, narrowed by states and wave: which failed and why. Paged on the
 * targets' insertion number (an index range per page however deep, and stable while the campaign runs: a device
 * changing state between pages is neither repeated nor skipped in an every-state listing).
 */
export class ListCampaignDevices {
  constructor(private readonly deps: { campaigns: Pick<CampaignRepository, 'get'>; rollouts: Pick<RolloutStore, 'findTargets'> }) {}

  async execute(command: ListCampaignDevicesCommand): Promise<CampaignDevicePage> {
    const states = validTargetListing(command);
    const campaign = await this.deps.campaigns.get(command.campaignId);
    if (!campaign) throw new NotFoundError('campaign', command.campaignId);
    // One more than the page: whether there is a next page is known without a count.
    const targets = await this.deps.rollouts.findTargets(
      {
        rolloutId: campaign.id,
        ...(states.length > 0 ? { states } : {}),
        ...(command.wave !== undefined ? { wave: command.wave } : {}),
        ...(command.after !== undefined ? { seqAfter: command.after } : {}),
      },
      { order: 'seq', limit: command.limit + 1 },
    );
    const devices = targets.slice(0, command.limit).map(campaignDeviceOf);
    return targets.length > command.limit ? { devices, nextAfter: devices[devices.length - 1].seq } : { devices };
  }
}
