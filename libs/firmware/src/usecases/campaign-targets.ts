import { ConflictError } from '@acs/platform';
import type { RolloutEngine, TargetInput } from '@acs/rollout';

import type { Campaign, CampaignSelection, DeviceFacts } from '../domain';
import type { CampaignRepository } from '../repositories/ports';
import type { DeviceInventory, GroupMembers } from './campaign-ports';

/** Devices read from the inventory per call: a page of ListDevices and a batch of the rollout's addTargets. */
export const DEVICE_PAGE_SIZE = 500;
/** Device ids per `id IN (…)` query: a filter of a few kilobytes, well within what a request may carry. */
export const IDS_PER_QUERY = 200;

/** Pages of devices, each with the facts a target needs. */
export type DevicePages = AsyncIterable<DeviceFacts[]>;

/** The devices of each filter in turn, page by page from the inventory (provisioning's ListDevices). */
export async function* devicesOfFilters(inventory: DeviceInventory, filters: readonly string[]): DevicePages {
  for (const filter of filters) {
    let pageToken = '';
    do {
      const page = await inventory.page(filter, pageToken, DEVICE_PAGE_SIZE);
      yield page.devices;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  }
}

/**
 * The members of a group that match `filter`, page by page: a page of member ids from the grouping service, then
 * their facts (model, versions, for the image rules) from the inventory by `id IN (…)` queries ANDed with the filter,
 * so the filter narrows the group at no extra cost. A member the inventory no longer knows is left out.
 */
export async function* devicesOfGroup(members: GroupMembers, inventory: DeviceInventory, groupId: string, filter: string): DevicePages {
  let pageToken = '';
  do {
    const page = await members.page(groupId, pageToken, DEVICE_PAGE_SIZE);
    yield* devicesOfFilters(inventory, idQueries(page.deviceIds, filter));
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
}

/**
 * `id IN (…)` filters naming the devices, IDS_PER_QUERY at a time (strings as JSON writes them, docs/filter-language.md),
 * each ANDed with `within` when it is not empty.
 */
export function idQueries(deviceIds: readonly string[], within = ''): string[] {
  const queries: string[] = [];
  for (let first = 0; first < deviceIds.length; first += IDS_PER_QUERY) {
    const ids = `id IN (${deviceIds.slice(first, first + IDS_PER_QUERY).map((id) => JSON.stringify(id)).join(', ')})`;
    queries.push(within.trim() === '' ? ids : `(${within}) AND ${ids}`);
  }
  return queries;
}

/** What a device gets: the file and its version, or why it is skipped. */
export type TargetChoice = { fileId: string; targetVersion: string } | { skip: string; kind: 'already-on-target' | 'no-image' };

/** Per device: the model facts the target keeps (a rollback matches its image by them) with the choice. */
export function targetOf(device: DeviceFacts, choice: TargetChoice): TargetInput {
  if ('skip' in choice) return { deviceId: device.id, skip: choice.skip };
  return {
    deviceId: device.id,
    data: {
      fileId: choice.fileId,
      targetVersion: choice.targetVersion,
      previousVersion: device.softwareVersion,
      oui: device.oui,
      productClass: device.productClass,
      hardwareVersion: device.hardwareVersion,
    },
  };
}

/**
 * Streams the devices page by page into the rollout (addTargets per page): memory stays a page whatever the fleet's
 * size. Returns how the devices were sorted out; the caller stores that, then seals the rollout.
 * Idempotent: a device already a target is left as it is (a creation resumed by another pod streams again from the
 * start). The rollout's driver lease is held (renewed per page) so that no other pod resumes a creation still going
 * on; one that lost it (stalled past the lease) stops with a ConflictError, the pod that took it over goes on.
 */
export async function addTargetsFrom(
  engine: Pick<RolloutEngine, 'addTargets' | 'drive'>,
  rolloutId: string,
  pages: DevicePages,
  choose: (device: DeviceFacts) => TargetChoice,
): Promise<CampaignSelection> {
  const selection: CampaignSelection = { matched: 0, targeted: 0, alreadyOnTarget: 0, noImage: 0, complete: false };
  const stillDriving = async () => {
    if (!(await engine.drive(rolloutId))) {
      throw new ConflictError(`another pod took over adding the devices of campaign ${rolloutId}`, { kind: 'precondition', reason: 'CREATION_TAKEN_OVER', subject: `campaign ${rolloutId}` });
    }
  };
  await stillDriving();
  for await (const devices of pages) {
    const targets = devices.map((device) => {
      const choice = choose(device);
      selection.matched += 1;
      if (!('skip' in choice)) selection.targeted += 1;
      else if (choice.kind === 'already-on-target') selection.alreadyOnTarget += 1;
      else selection.noImage += 1;
      return targetOf(device, choice);
    });
    if (targets.length === 0) continue;
    // Renewed before each write: a pod that lost the creation adds nothing more.
    await stillDriving();
    await engine.addTargets(rolloutId, targets);
  }
  return { ...selection, complete: true };
}

/**
 * The end of every campaign creation, first run or resumed by another pod (ResumeCampaignCreation): the devices
 * selected unless the rollout is already sealed, the selection stored before the seal (so a sealed rollout's campaign
 * has its figures), then the campaign started.
 */
export async function completeCreation(
  deps: {
    engine: Pick<RolloutEngine, 'get' | 'seal' | 'start'>;
    campaigns: Pick<CampaignRepository, 'setSelection' | 'setStatus'>;
    onCreated?: (campaign: Campaign) => Promise<void>;
  },
  campaign: Campaign,
  select: () => Promise<CampaignSelection>,
): Promise<Campaign> {
  let selection = campaign.selection;
  if (!(await deps.engine.get(campaign.id))?.sealed) {
    selection = await select();
    await deps.campaigns.setSelection(campaign.id, selection);
    await deps.engine.seal(campaign.id);
  }
  await deps.onCreated?.({ ...campaign, selection });
  await deps.engine.start(campaign.id);
  await deps.campaigns.setStatus(campaign.id, 'running');
  return { ...campaign, selection, status: 'running' };
}
