import { NotFoundError, ValidationError } from '@acs/platform';
import { TARGET_STATES, type RolloutStore, type TargetState } from '@acs/rollout';

import { campaignDeviceOf, type CampaignDevice } from '../domain';
import type { CampaignRepository } from '../repositories/ports';

export interface ListCampaignDevicesCommand {
  campaignId: string;
  /** Empty: every state. */
  states: readonly string[];
  wave?: number;
  /** The page starts after this insertion number (the last device of the previous page); absent: the first page. */
  after?: number;
  limit: number;
}

export interface CampaignDevicePage {
  devices: CampaignDevice[];
  /** Where the next page starts (the last device's insertion number); absent on the last page. */
  nextAfter?: number;
}

/**
 * A campaign's devices in the order they were added, narrowed by states and wave: which failed and why. Paged on the
 * targets' insertion number (an index range per page however deep, and stable while the campaign runs: a device
 * changing state between pages is neither repeated nor skipped in an every-state listing).
 */
export class ListCampaignDevices {
  constructor(private readonly deps: { campaigns: Pick<CampaignRepository, 'get'>; rollouts: Pick<RolloutStore, 'findTargets'> }) {}

  async execute(command: ListCampaignDevicesCommand): Promise<CampaignDevicePage> {
    const states = statesOf(command.states);
    if (command.wave !== undefined && (!Number.isSafeInteger(command.wave) || command.wave < 0)) throw ValidationError.forField('wave', 'a wave number from 0', 'BAD_FORMAT');
    const campaign = await this.deps.campaigns.get(command.campaignId);
    if (!campaign) throw new NotFoundError('campaign', command.campaignId);
    // One more than the page: whether there is a next page is known without a count.
    const targets = await this.deps.rollouts.findTargets(
      {
        rolloutId: campaign.id,
        ...(states.length > 0 ? { states } : {}),
        ...(command.wave !== undefined ? { wave: command.wave } : {}),
        ...(command.after !== undefined ? { seqAfter: command.after } : {}),
      },
      { order: 'seq', limit: command.limit + 1 },
    );
    const devices = targets.slice(0, command.limit).map(campaignDeviceOf);
    return targets.length > command.limit ? { devices, nextAfter: devices[devices.length - 1].seq } : { devices };
  }
}

/** The states asked for, each known, without repeats; every unknown one named. */
function statesOf(requested: readonly string[]): TargetState[] {
  const known: ReadonlySet<string> = new Set(TARGET_STATES);
  const unknown = requested.map((state, index) => ({ state, index })).filter(({ state }) => !known.has(state));
  if (unknown.length > 0) {
    const violations = unknown.map(({ state, index }) => ({ field: `states[${index}]`, description: `unknown state "${state}" (known: ${TARGET_STATES.join(', ')})`, reason: 'BAD_FORMAT' }));
    throw new ValidationError(violations.map((violation) => `${violation.field}: ${violation.description}`).join('; '), violations);
  }
  return [...new Set(requested as readonly TargetState[])];
}
