import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { decodeKeysetPageToken, decodePageToken, encodeKeysetPageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { CampaignUseCases } from '../usecases/campaign-usecases';
import { campaignDeviceToProto, campaignToProto, imageRuleFromProto, policyFromProto, progressToProto } from './campaign.mappers';

/**
 * acs.v1 CampaignService, served by the firmware service (the NBI relays it): transport and mapping only.
 *
 *   host.addService(acsV1.CampaignServiceService, new CampaignGrpcController(useCases).implementation);
 */
export class CampaignGrpcController {
  readonly implementation: pb.CampaignServiceServer;

  constructor(private readonly useCases: CampaignUseCases) {
    this.implementation = {
      createCampaign: unary((request: pb.CreateCampaignRequest, call) => this.createCampaign(request, call.metadata)),
      getCampaign: unary((request: pb.GetCampaignRequest) => this.getCampaign(request)),
      listCampaigns: unary((request: pb.ListCampaignsRequest) => this.listCampaigns(request)),
      listCampaignDevices: unary((request: pb.ListCampaignDevicesRequest) => this.listCampaignDevices(request)),
      pauseCampaign: unary((request: pb.PauseCampaignRequest, call) => this.change(request.campaignId, { action: 'pause', reason: request.reason }, call.metadata)),
      resumeCampaign: unary((request: pb.ResumeCampaignRequest, call) => this.change(request.campaignId, { action: 'resume' }, call.metadata)),
      cancelCampaign: unary((request: pb.CancelCampaignRequest, call) => this.change(request.campaignId, { action: 'cancel' }, call.metadata)),
      rollbackCampaign: unary((request: pb.RollbackCampaignRequest, call) => this.rollbackCampaign(request, call.metadata)),
    };
  }

  async createCampaign(request: pb.CreateCampaignRequest, metadata: Metadata): Promise<pb.CreateCampaignResponse> {
    const campaign = await this.useCases.createCampaign.execute({
      name: request.name,
      filter: request.filter,
      ...(request.groupId !== '' ? { groupId: request.groupId } : {}),
      imageRules: request.imageRules.map(imageRuleFromProto),
      policy: policyFromProto(request.policy),
      createdBy: requestedByOf(metadata),
      ...(request.campaignId !== '' ? { campaignId: request.campaignId } : {}),
    });
    return { campaign: campaignToProto(campaign) };
  }

  async getCampaign(request: pb.GetCampaignRequest): Promise<pb.GetCampaignResponse> {
    if (request.campaignId === '') throw ValidationError.forField('campaign_id', 'required', 'REQUIRED');
    const { campaign, progress } = await this.useCases.getCampaign.execute({ campaignId: request.campaignId });
    return { campaign: campaignToProto(campaign), progress: progressToProto(progress) };
  }

  async listCampaigns(request: pb.ListCampaignsRequest): Promise<pb.ListCampaignsResponse> {
    const page = { skip: decodePageToken(request.pageToken), limit: pageSizeOf(request.pageSize) };
    const campaigns = await this.useCases.listCampaigns.execute(page);
    return { campaigns: campaigns.items.map(campaignToProto), totalSize: campaigns.total, nextPageToken: nextPageToken(page.skip, campaigns.items.length, campaigns.total) };
  }

  async listCampaignDevices(request: pb.ListCampaignDevicesRequest): Promise<pb.ListCampaignDevicesResponse> {
    if (request.campaignId === '') throw ValidationError.forField('campaign_id', 'required', 'REQUIRED');
    // A token names the device after which its page starts, for this campaign, these states and this wave only.
    const query = JSON.stringify([request.campaignId, [...new Set(request.states)].sort(), request.wave ?? null]);
    const after = decodeKeysetPageToken(request.pageToken, query);
    const page = await this.useCases.listCampaignDevices.execute({
      campaignId: request.campaignId,
      states: request.states,
      ...(request.wave !== undefined ? { wave: request.wave } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: pageSizeOf(request.pageSize),
    });
    return { devices: page.devices.map(campaignDeviceToProto), nextPageToken: page.nextAfter !== undefined ? encodeKeysetPageToken(page.nextAfter, query) : '' };
  }

  async change(campaignId: string, change: { action: 'pause'; reason: string } | { action: 'resume' } | { action: 'cancel' }, metadata: Metadata): Promise<{ campaign: pb.Campaign }> {
    if (campaignId === '') throw ValidationError.forField('campaign_id', 'required', 'REQUIRED');
    const campaign = await this.useCases.changeCampaignState.execute({ campaignId, change, requestedBy: requestedByOf(metadata) });
    return { campaign: campaignToProto(campaign) };
  }

  async rollbackCampaign(request: pb.RollbackCampaignRequest, metadata: Metadata): Promise<pb.RollbackCampaignResponse> {
    if (request.campaignId === '') throw ValidationError.forField('campaign_id', 'required', 'REQUIRED');
    const scope = request.scope === '' ? 'failed' : request.scope;
    if (scope !== 'failed' && scope !== 'all') throw ValidationError.forField('scope', 'must be "failed" or "all"', 'BAD_FORMAT');
    const campaign = await this.useCases.rollbackCampaign.execute({
      campaignId: request.campaignId,
      scope,
      ...(request.policy ? { policy: policyFromProto(request.policy) } : {}),
      createdBy: requestedByOf(metadata),
    });
    return { campaign: campaignToProto(campaign) };
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
