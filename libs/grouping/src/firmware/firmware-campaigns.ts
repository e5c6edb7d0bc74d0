import { Metadata, status } from '@grpc/grpc-js';
import type { FirmwareClient } from '@acs/clients';
import { acsV1 as pb, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { ConflictError, errorDetailsOf, NotFoundError, ValidationError } from '@acs/platform';
import { policyToProto, type RolloutProgress, type RolloutState, type TargetState } from '@acs/rollout';

import { imageRuleToProto } from '../api/job.mappers';
import type { JobCampaignRequest, JobCampaigns, JobCampaignState } from '../usecases/job-ports';

const ROLLOUT_STATES: readonly RolloutState[] = ['created', 'running', 'paused', 'completed', 'cancelled'];

/**
 * The campaign jobs' campaigns through the firmware service's CampaignService: over gRPC from a grouping pod
 * (ACS_GROUPING_FIRMWARE_ADDRESS), through the process's host registry in the standalone. The firmware service's
 * refusals become the platform's errors (INVALID_ARGUMENT a ValidationError with its field violations, NOT_FOUND a
 * NotFoundError, FAILED_PRECONDITION a ConflictError); anything else (UNAVAILABLE…) is thrown as it came, and the
 * scheduler's next round tries again.
 */
export class FirmwareJobCampaigns implements JobCampaigns {
  constructor(private readonly firmware: Pick<FirmwareClient, 'campaigns'>) {}

  async create(request: JobCampaignRequest): Promise<'created' | 'exists'> {
    try {
      await this.firmware.campaigns.createCampaign(
        {
          campaignId: request.campaignId,
          name: request.name,
          filter: request.target.kind === 'filter' ? request.target.filter : '',
          groupId: request.target.kind === 'group' ? request.target.groupId : '',
          imageRules: request.imageRules.map(imageRuleToProto),
          policy: policyToProto(request.policy),
        },
        { metadata: requestedBy(request.createdBy) },
      );
      return 'created';
    } catch (error) {
      if (codeOf(error) === status.ALREADY_EXISTS) return 'exists';
      throw domainError(error, request.campaignId);
    }
  }

  async get(campaignId: string): Promise<JobCampaignState | null> {
    try {
      const { progress } = await this.firmware.campaigns.getCampaign({ campaignId });
      if (!progress) throw new Error(`the firmware service answered campaign ${campaignId} without its progress`);
      return { status: stateOf(progress.status), progress: progressFromProto(campaignId, progress) };
    } catch (error) {
      if (codeOf(error) === status.NOT_FOUND) return null;
      throw domainError(error, campaignId);
    }
  }

  async pause(campaignId: string, reason: string, by: string): Promise<void> {
    await this.firmware.campaigns.pauseCampaign({ campaignId, reason }, { metadata: requestedBy(by) }).catch((error: unknown) => Promise.reject(domainError(error, campaignId)));
  }

  async resume(campaignId: string, by: string): Promise<void> {
    await this.firmware.campaigns.resumeCampaign({ campaignId }, { metadata: requestedBy(by) }).catch((error: unknown) => Promise.reject(domainError(error, campaignId)));
  }

  async cancel(campaignId: string, by: string): Promise<void> {
    await this.firmware.campaigns.cancelCampaign({ campaignId }, { metadata: requestedBy(by) }).catch((error: unknown) => Promise.reject(domainError(error, campaignId)));
  }
}

function requestedBy(who: string): Metadata {
  const metadata = new Metadata();
  if (who !== '') metadata.set(REQUESTED_BY_METADATA_KEY, who);
  return metadata;
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** The firmware service's refusal as the platform's error, its message and field violations kept; other errors as they are. */
function domainError(error: unknown, campaignId: string): unknown {
  const code = codeOf(error);
  if (code !== status.INVALID_ARGUMENT && code !== status.NOT_FOUND && code !== status.FAILED_PRECONDITION) return error;
  const failed = error as { details?: string; metadata: Metadata };
  const message = `firmware service: ${failed.details ?? 'refused'}`;
  if (code === status.NOT_FOUND) return new NotFoundError('campaign', campaignId, message);
  if (code === status.FAILED_PRECONDITION) {
    return new ConflictError(message, { kind: 'precondition', reason: errorDetailsOf(failed).errorInfo?.reason ?? 'CAMPAIGN_STATE', subject: `campaign ${campaignId}` });
  }
  const violations = (errorDetailsOf(failed).badRequest?.fieldViolations ?? []).map((v) => ({ field: v.field, description: v.description, reason: v.reason }));
  return new ValidationError(message, violations);
}

function stateOf(value: string): RolloutState {
  const state = ROLLOUT_STATES.find((known) => known === value);
  if (!state) throw new Error(`the firmware service answered an unknown campaign status "${value}"`);
  return state;
}

/**
 * A campaign's progress as the rollout engine's (the proto is progressToProto's output): the job's view keeps one
 * shape whether its run is a rollout of its own or a campaign. What the proto does not carry (when a pause was
 * decided, whether the rollout is sealed) is filled with what holds for a started campaign.
 */
function progressFromProto(campaignId: string, progress: pb.RolloutProgress): RolloutProgress {
  const counts = { pending: 0, scheduled: 0, 'in-progress': 0, 'retry-wait': 0, succeeded: 0, failed: 0, skipped: 0, ...progress.counts } as Record<TargetState, number>;
  return {
    rolloutId: campaignId,
    state: stateOf(progress.status),
    ...(progress.pauseKind === 'manual' || progress.pauseKind === 'threshold' ? { pause: { kind: progress.pauseKind, text: progress.pauseReason, at: 0 } } : {}),
    sealed: true,
    currentWave: progress.currentWave,
    total: progress.total,
    counts,
    stages: { ...progress.stages },
    waves: progress.waves.map((wave) => ({ wave: wave.wave, size: wave.size, counts: { ...wave.counts } as Record<TargetState, number> })),
    startedPerMinute: progress.startedPerMinute,
    finishedPerMinute: progress.finishedPerMinute,
    windowOpen: progress.windowOpen,
    ...(progress.nextWindowOpening ? { nextWindowOpening: progress.nextWindowOpening.getTime() } : {}),
    eta: progress.eta ? progress.eta.getTime() : null,
  };
}
