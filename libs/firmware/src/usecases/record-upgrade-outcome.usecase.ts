import type { AcsDeviceEventData, AcsTaskEventData } from '@acs/contracts';
import type { Logger } from '@acs/platform';
import type { RolloutEngine, RolloutStore, TargetOutcome } from '@acs/rollout';

import { campaignIdOfTaskSource, outcomeOfDeviceReport, outcomeOfDownloadTask, upgradeDataOf } from '../domain';
import type { PerDeviceQueue } from './per-device-queue';

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
      devices: PerDeviceQueue;
    },
  ) {}

  async onTask(event: AcsTaskEventData): Promise<void> {
    if (event.kind !== 'download') return;
    const campaignId = campaignIdOfTaskSource(event.source);
    if (!campaignId) return;
    await this.tick(await this.deps.devices.run(event.deviceId, () => this.applyTask(campaignId, event)));
  }

  async onDevice(event: AcsDeviceEventData): Promise<void> {
    if (event.softwareVersion === undefined) return;
    await this.tick(await this.deps.devices.run(event.deviceId, () => this.applyDevice(event)));
  }

  /** Outside the device's queue: a tick may start this very device again (a retry due at once). */
  private async tick(campaignIds: readonly string[]): Promise<void> {
    for (const campaignId of new Set(campaignIds)) await this.deps.engine.tick(campaignId);
  }

  /** The campaigns to tick: those where a device finished. */
  private async applyTask(campaignId: string, event: AcsTaskEventData): Promise<string[]> {
    const target = await this.deps.rollouts.getTarget(campaignId, event.deviceId);
    if (!target || target.state !== 'in-progress') return [];
    // The task of an earlier attempt (timed out, retried) says nothing about this one.
    if (upgradeDataOf(target.data)?.taskId !== event.taskId) return [];
    const outcome = outcomeOfDownloadTask(event);
    return outcome && (await this.apply(campaignId, event.deviceId, target.attempts, outcome)) ? [campaignId] : [];
  }

  private async applyDevice(event: AcsDeviceEventData): Promise<string[]> {
    const finished: string[] = [];
    for (const target of await this.deps.rollouts.findTargetsOfDevice(event.deviceId, ['in-progress'])) {
      const upgrade = upgradeDataOf(target.data);
      if (!upgrade) continue;
      const outcome = outcomeOfDeviceReport(event, { targetVersion: upgrade.targetVersion, ...(target.stage !== undefined ? { stage: target.stage } : {}) });
      if (outcome && (await this.apply(target.rolloutId, target.deviceId, target.attempts, outcome))) finished.push(target.rolloutId);
    }
    return finished;
  }

  /** Whether the outcome ended the attempt (the campaign then has a slot to fill). */
  private async apply(campaignId: string, deviceId: string, attempt: number, outcome: TargetOutcome): Promise<boolean> {
    const applied = await this.deps.engine.report(campaignId, deviceId, outcome, { attempt });
    this.deps.logger.debug({ campaignId, deviceId, attempt, outcome: outcome.kind, applied: applied !== null }, 'upgrade outcome');
    return applied !== null && outcome.kind !== 'stage';
  }
}
