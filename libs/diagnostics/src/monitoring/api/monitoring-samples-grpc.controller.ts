import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { MonitoringUseCases } from '../usecases/monitoring-usecases';
import {
  createProfileCommandFromProto,
  metricToProto,
  monitoringProfileToProto,
  listSamplesQueryFromProto,
  sampleSeriesToProto,
  updateProfileCommandFromProto,
} from './monitoring-samples.mappers';

/** The MonitoringService methods this part serves; the alarms part serves the others (threshold rules, alarms). */
export type MonitoringSamplesRpc =
  | 'createMonitoringProfile'
  | 'getMonitoringProfile'
  | 'listMonitoringProfiles'
  | 'updateMonitoringProfile'
  | 'deleteMonitoringProfile'
  | 'listMetrics'
  | 'listSamples';

/**
 * acs.v1 MonitoringService's profile, metric catalog and samples methods: transport and mapping only. The use cases'
 * errors become statuses at the host (toGrpcError). Served beside the alarms' methods:
 *
 *   host.addService(acsV1.MonitoringServiceService, { ...new MonitoringSamplesGrpcController(monitoring).implementation, ...alarms.implementation });
 */
export class MonitoringSamplesGrpcController {
  readonly implementation: Pick<pb.MonitoringServiceServer, MonitoringSamplesRpc>;

  constructor(private readonly useCases: MonitoringUseCases) {
    this.implementation = {
      createMonitoringProfile: unary((request: pb.CreateMonitoringProfileRequest, call) => this.createMonitoringProfile(request, call.metadata)),
      getMonitoringProfile: unary((request: pb.GetMonitoringProfileRequest) => this.getMonitoringProfile(request)),
      listMonitoringProfiles: unary((request: pb.ListMonitoringProfilesRequest) => this.listMonitoringProfiles(request)),
      updateMonitoringProfile: unary((request: pb.UpdateMonitoringProfileRequest) => this.updateMonitoringProfile(request)),
      deleteMonitoringProfile: unary((request: pb.DeleteMonitoringProfileRequest) => this.deleteMonitoringProfile(request)),
      listMetrics: unary(() => this.listMetrics()),
      listSamples: unary((request: pb.ListSamplesRequest) => this.listSamples(request)),
    };
  }

  async createMonitoringProfile(request: pb.CreateMonitoringProfileRequest, metadata: Metadata): Promise<pb.CreateMonitoringProfileResponse> {
    const profile = await this.useCases.createMonitoringProfile.execute(createProfileCommandFromProto(request, requestedByOf(metadata)));
    return { profile: monitoringProfileToProto(profile) };
  }

  async getMonitoringProfile(request: pb.GetMonitoringProfileRequest): Promise<pb.GetMonitoringProfileResponse> {
    return { profile: monitoringProfileToProto(await this.useCases.getMonitoringProfile.execute(required('profile_id', request.profileId))) };
  }

  async listMonitoringProfiles(request: pb.ListMonitoringProfilesRequest): Promise<pb.ListMonitoringProfilesResponse> {
    const profiles = await this.useCases.listMonitoringProfiles.execute({ enabledOnly: request.enabledOnly });
    return { profiles: profiles.map(monitoringProfileToProto) };
  }

  async updateMonitoringProfile(request: pb.UpdateMonitoringProfileRequest): Promise<pb.UpdateMonitoringProfileResponse> {
    const current = await this.useCases.getMonitoringProfile.execute(required('profile_id', request.profileId));
    const profile = await this.useCases.updateMonitoringProfile.execute(updateProfileCommandFromProto(request, current));
    return { profile: monitoringProfileToProto(profile) };
  }

  async deleteMonitoringProfile(request: pb.DeleteMonitoringProfileRequest): Promise<pb.DeleteMonitoringProfileResponse> {
    await this.useCases.deleteMonitoringProfile.execute(required('profile_id', request.profileId));
    return {};
  }

  async listMetrics(): Promise<pb.ListMetricsResponse> {
    const catalog = await this.useCases.catalog.current();
    return { metrics: catalog.all().map(metricToProto) };
  }

  async listSamples(request: pb.ListSamplesRequest): Promise<pb.ListSamplesResponse> {
    return sampleSeriesToProto(await this.useCases.listSamples.execute(listSamplesQueryFromProto(request)));
  }
}

function required(field: string, value: string): string {
  if (value === '') throw ValidationError.forField(field, 'required', 'REQUIRED');
  return value;
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
