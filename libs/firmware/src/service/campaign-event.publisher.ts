import { AcsFirmwareEventType, newEvent, type AcsFirmwareEventData } from '@acs/contracts';
import type { EventBus, Logger } from '@acs/platform';
import type { RolloutNotification, RolloutTarget } from '@acs/rollout';

import type { Campaign } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

type CampaignFacts = Pick<AcsFirmwareEventData, 'campaignId' | 'campaignName' | 'campaignKind'>;

/**
 * Publishes `acs.firmware` (docs/events.md) from the campaigns' rollout notifications. A notification is told after
 * its change is stored; a publish that fails is logged and the change stands (the progress API stays the truth), as
 * is one lost to a process dying between the two (docs/rollouts.md).
 */
export class CampaignEventPublisher {
  /** Campaigns' names and kinds, read once each: target notifications come by the thousand. */
  private readonly facts = new Map<string, CampaignFacts>();

  constructor(
    private readonly deps: {
      bus: Pick<EventBus, 'publish'>;
      campaigns: Pick<CampaignRepository, 'get'>;
      logger: Pick<Logger, 'warn'>;
      now: () => number;
    },
  ) {}

  async created(campaign: Campaign): Promise<void> {
    const facts = this.remember(campaign);
    await this.publish(AcsFirmwareEventType.campaignCreated, campaign.id, facts, campaign.createdAt);
  }

  async notify(notification: RolloutNotification): Promise<void> {
    const facts = await this.factsOf(notification.rolloutId);
    if (!facts) return;
    switch (notification.type) {
      case 'started':
        return this.publish(AcsFirmwareEventType.campaignStarted, facts.campaignId, facts, notification.at);
      case 'wave-advanced':
        return this.publish(AcsFirmwareEventType.waveAdvanced, facts.campaignId, { ...facts, wave: notification.wave }, notification.at);
      case 'paused':
        return this.publish(AcsFirmwareEventType.campaignPaused, facts.campaignId, { ...facts, reason: { kind: notification.reason.kind, text: notification.reason.text } }, notification.at);
      case 'resumed':
        return this.publish(AcsFirmwareEventType.campaignResumed, facts.campaignId, facts, notification.at);
      case 'completed':
        return this.publish(AcsFirmwareEventType.campaignCompleted, facts.campaignId, facts, notification.at);
      case 'cancelled':
        return this.publish(AcsFirmwareEventType.campaignCancelled, facts.campaignId, facts, notification.at);
      case 'target-succeeded': {
        const type = facts.campaignKind === 'rollback' ? AcsFirmwareEventType.deviceRolledBack : AcsFirmwareEventType.deviceUpgraded;
        return this.publish(type, notification.target.deviceId, { ...facts, ...deviceFacts(notification.target) }, notification.at);
      }
      case 'target-failed':
        return this.publish(
          AcsFirmwareEventType.deviceFailed,
          notification.target.deviceId,
          { ...facts, ...deviceFacts(notification.target), error: notification.target.error ?? { code: 'unknown', message: 'failed without a reason' } },
          notification.at,
        );
      case 'target-retrying':
      case 'target-skipped':
      case 'driving':
        return;
    }
  }

  private remember(campaign: Campaign): CampaignFacts {
    const facts = { campaignId: campaign.id, campaignName: campaign.name, campaignKind: campaign.kind };
    this.facts.set(campaign.id, facts);
    return facts;
  }

  private async factsOf(campaignId: string): Promise<CampaignFacts | undefined> {
    const known = this.facts.get(campaignId);
    if (known) return known;
    const campaign = await this.deps.campaigns.get(campaignId);
    return campaign ? this.remember(campaign) : undefined;
  }

  private async publish(type: AcsFirmwareEventType, key: string, data: AcsFirmwareEventData, at: number): Promise<void> {
    try {
      await this.deps.bus.publish([newEvent(type, key, data, { now: at })]);
    } catch (error) {
      this.deps.logger.warn({ err: error, type, campaignId: data.campaignId, deviceId: data.deviceId }, 'acs.firmware event not published; the campaign goes on');
    }
  }
}

function deviceFacts(target: RolloutTarget): Pick<AcsFirmwareEventData, 'deviceId' | 'fromVersion' | 'toVersion' | 'attempts' | 'wave'> {
  const data = target.data ?? {};
  return {
    deviceId: target.deviceId,
    fromVersion: typeof data.previousVersion === 'string' ? data.previousVersion : '',
    toVersion: typeof data.targetVersion === 'string' ? data.targetVersion : '',
    attempts: target.attempts,
    ...(target.wave !== undefined ? { wave: target.wave } : {}),
  };
}
