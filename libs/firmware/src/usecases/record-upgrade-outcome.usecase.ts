import type { AcsDeviceEventData, AcsTaskEventData } from '@acs/contracts';
import type { Logger } from '@acs/platform';
import type { RolloutEngine } from '@acs/rollout';

import { campaignIdOfTaskSource, type UpgradeObservation } from '../domain';

/**
 * Follows the campaigns' devices: a Download task's news (acs.task) and the device reporting its version (acs.device)
 * become observations of the device's upgrade, which the campaign's driver reads against the device's current attempt
 * (domain/upgrade-outcome.ts holds the rules). Whichever firmware pod consumes an event, only the pod driving the
 * campaign writes its targets (RolloutEngine.observe): two pods never undo each other's outcome.
 */
export class RecordUpgradeOutcome {
  constructor(
    private readonly deps: {
      engine: Pick<RolloutEngine, 'observe' | 'observeDevice'>;
      logger: Pick<Logger, 'debug'>;
    },
  ) {}

  async onTask(event: AcsTaskEventData): Promise<void> {
    if (event.kind !== 'download') return;
    const campaignId = campaignIdOfTaskSource(event.source);
    if (!campaignId) return;
    const observation: UpgradeObservation = {
      kind: 'task',
      taskId: event.taskId,
      status: event.status,
      ...(event.fault ? { fault: { code: event.fault.code, message: event.fault.message } } : {}),
    };
    const how = await this.deps.engine.observe(campaignId, event.deviceId, observation);
    this.deps.logger.debug({ campaignId, deviceId: event.deviceId, taskId: event.taskId, status: event.status, how }, 'upgrade task news');
  }

  async onDevice(event: AcsDeviceEventData): Promise<void> {
    if (event.softwareVersion === undefined) return;
    const observation: UpgradeObservation = { kind: 'device', softwareVersion: event.softwareVersion, eventCodes: [...(event.eventCodes ?? [])] };
    const campaigns = await this.deps.engine.observeDevice(event.deviceId, observation);
    if (campaigns > 0) this.deps.logger.debug({ deviceId: event.deviceId, softwareVersion: event.softwareVersion, campaigns }, 'upgrading device reported its version');
  }
}
