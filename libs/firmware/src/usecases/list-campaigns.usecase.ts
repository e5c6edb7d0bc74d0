import type { Campaign } from '../domain';
import type { CampaignRepository, Page, Paged } from '../repositories/ports';

/** Campaigns, newest first, as stored (their progress is GetCampaign's). */
export class ListCampaigns {
  constructor(private readonly campaigns: Pick<CampaignRepository, 'list'>) {}

  execute(page: Page): Promise<Paged<Campaign>> {
    return this.campaigns.list(page);
  }
}
