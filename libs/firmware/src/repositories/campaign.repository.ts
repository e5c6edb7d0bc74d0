import { withoutUndefined, type DocumentCollection, type StoredDocument } from '@acs/platform';

import type { Campaign, CampaignSelection, CampaignStatus } from '../domain';
import type { CampaignRepository, Page, Paged } from './ports';

/** Campaigns over a DocumentCollection (`firmware.campaigns`), `_id` = campaign id = rollout id. */
export class StoredCampaignRepository implements CampaignRepository {
  constructor(private readonly campaigns: DocumentCollection) {}

  async insert(campaign: Campaign): Promise<void> {
    const { id, ...rest } = campaign;
    await this.campaigns.insertOne(withoutUndefined({ _id: id, ...rest }) as StoredDocument);
  }

  async get(id: string): Promise<Campaign | null> {
    const doc = await this.campaigns.findOne({ _id: id });
    return doc ? fromStored(doc) : null;
  }

  async list(page: Page): Promise<Paged<Campaign>> {
    const [docs, total] = await Promise.all([this.campaigns.find({}, { sort: [['createdAt', -1], ['_id', -1]], skip: page.skip, limit: page.limit }), this.campaigns.count({})]);
    return { items: docs.map(fromStored), total };
  }

  async setStatus(id: string, status: CampaignStatus): Promise<void> {
    await this.campaigns.updateOne({ _id: id }, { set: { status } });
  }

  async setSelection(id: string, selection: CampaignSelection): Promise<void> {
    await this.campaigns.updateOne({ _id: id }, { set: { selection } });
  }
}

function fromStored(doc: StoredDocument): Campaign {
  const { _id, ...rest } = doc;
  return { id: _id, ...(rest as Omit<Campaign, 'id'>) };
}
