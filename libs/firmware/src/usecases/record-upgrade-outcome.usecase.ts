import type { AcsDeviceEventData, AcsTaskEventData } from '@acs/contracts';
import type { Logger } from '@acs/platform';
import type { RolloutEngine, RolloutStore, TargetOutcome } from '@acs/rollout';

import { campaignIdOfTaskSource, outcomeOfDeviceReport, outcomeOfDownloadTask, upgradeDataOf } from '../domain';

/**
 * Follows the campaigns' devices: a Download task's news (acs.task) moves the device's stage or fails it with the
 * CPE's fault; the device reporting its version (acs.device) verifies it or fails it as `wrong-version`
 * (domain/upgrade-outcome.ts holds the rules). Every outcome goes to the rollout engine, which ignores one for an
 * attempt that already ended; a rollout touched by an outcome is ticked, so the next device starts at once.
 */
export class RecordUpgradeOutcome {
  constructor(
    private readonly deps: {
      engine: Pick<RolloutEngine, 'report' | 'tick'>;
      rollouts: Pick<RolloutStore, 'getTarget' | 'findTargetsOfDevice'>;
      logger: Pick<Logger, 'debug' | 'warn'>;
    },
  ) {}

  async onTask(event: AcsTaskEventData): Promise<void> {
    if (event.kind !== 'download') return;
    const campaignId = campaignIdOfTaskSource(event.source);
    if (!campaignId) return;
    const target = await this.deps.rollouts.getTarget(campaignId, event.deviceId);
    if (!target || target.state !== 'in-progress') return;
    // The task of an earlier attempt (timed out, retried) says nothing about this one.
    if (upgradeDataOf(target.data)?.taskId !== event.taskId) return;
    const outcome = outcomeOfDownloadTask(event);
    if (outcome) await this.apply(campaignId, event.deviceId, target.attempts, outcome);
  }

  async onDevice(event: AcsDeviceEventData): Promise<void> {
    if (event.softwareVersion === undefined) return;
    for (const target of await this.deps.rollouts.findTargetsOfDevice(event.deviceId, ['in-progress'])) {
      const upgrade = upgradeDataOf(target.data);
      if (!upgrade) continue;
      const outcome = outcomeOfDeviceReport(event, { targetVersion: upgrade.targetVersion, ...(target.stage !== undefined ? { stage: target.stage } : {}) });
      if (outcome) await this.apply(target.rolloutId, target.deviceId, target.attempts, outcome);
    }
  }

  private async apply(campaignId: string, deviceId: string, attempt: number, outcome: TargetOutcome): Promise<void> {
    const applied = await this.deps.engine.report(campaignId, deviceId, outcome, { attempt });
    this.deps.logger.debug({ campaignId, deviceId, attempt, outcome: outcome.kind, applied: applied !== null }, 'upgrade outcome');
    if (applied && outcome.kind !== 'stage') await this.deps.engine.tick(campaignId);
  }
}
