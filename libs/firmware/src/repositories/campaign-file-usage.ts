import type { DocumentCollection } from '@acs/platform';

import { FINAL_CAMPAIGN_STATUSES } from './firmware-collections.schema';
import type { FileUsage } from './ports';

/** FileUsage read from the campaigns collection: campaigns not in a final status whose `fileIds` hold the file. */
export class CampaignFileUsage implements FileUsage {
  constructor(private readonly campaigns: DocumentCollection) {}

  async campaignsUsing(fileId: string): Promise<string[]> {
    const docs = await this.campaigns.find({ fileIds: fileId, status: { $nin: [...FINAL_CAMPAIGN_STATUSES] } }, { projection: ['_id'], sort: [['_id', 1]] });
    return docs.map((doc) => doc._id);
  }
}
