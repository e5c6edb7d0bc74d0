import { ConflictError, NotFoundError, type Logger } from '@acs/platform';
import type { RolloutEngine, RolloutPolicy, RolloutStore, TargetState } from '@acs/rollout';

import { FIRMWARE_IMAGE_FILE_TYPE, type Campaign, type DeviceFacts, type FirmwareFile, type ImageRule } from '../domain';
import type { CampaignRepository, FirmwareFileRepository } from '../repositories/ports';
import type { DeviceInventory } from './campaign-ports';
import { addTargetsFrom, completeCreation, devicesOfFilters, idQueries, type TargetChoice } from './campaign-targets';

export interface RollbackCampaignCommand {
  campaignId: string;
  /** `failed`: the devices whose upgrade failed; `all`: those too and the ones upgraded. */
  scope: 'failed' | 'all';
  /** The rollback's own policy; absent: the campaign's. */
  policy?: RolloutPolicy;
  createdBy: string;
}

const TARGETS_PER_READ = 1000;

interface PreviousImage {
  oui: string;
  productClass: string;
  hardwareVersion: string;
  version: string;
}

/**
 * Rolls a campaign's devices back: a new campaign (kind `rollback`, `rollbackOf` the original) whose targets are the
 * original's failed (or failed and upgraded) devices, each sent back to the version it ran before, with the firmware
 * file of that version for its model. A device whose previous version no file installs, or already on it again, is
 * recorded as skipped with the reason. The original campaign is left as it is (cancel it first to stop it going on).
 */
export class RollbackCampaign {
  constructor(
    private readonly deps: {
      campaigns: CampaignRepository;
      files: Pick<FirmwareFileRepository, 'list'>;
      rollouts: Pick<RolloutStore, 'findTargets'>;
      inventory: DeviceInventory;
      engine: RolloutEngine;
      logger: Pick<Logger, 'info'>;
      now: () => number;
      newId: () => string;
      onCreated?: (campaign: Campaign) => Promise<void>;
    },
  ) {}

  async execute(command: RollbackCampaignCommand): Promise<Campaign> {
    const original = await this.deps.campaigns.get(command.campaignId);
    if (!original) throw new NotFoundError('campaign', command.campaignId);
    if (original.kind !== 'upgrade') {
      throw new ConflictError(`campaign ${original.id} is a rollback; roll back the upgrade it undoes`, { kind: 'precondition', reason: 'NOT_AN_UPGRADE', subject: `campaign ${original.id}` });
    }
    const previous = await this.previousImages(original.id, command.scope);
    const filesByImage = await this.filesFor([...previous.values()]);
    const rules: ImageRule[] = [];
    for (const [key, file] of filesByImage) {
      const image = JSON.parse(key) as [string, string, string, string];
      rules.push({ oui: image[0], productClass: image[1], hardwareVersion: image[2], fromVersions: [], fileId: file.id });
    }
    const campaign: Campaign = {
      id: this.deps.newId(),
      name: `rollback of ${original.name}`,
      kind: 'rollback',
      filter: '',
      imageRules: rules,
      policy: command.policy ?? original.policy,
      status: 'created',
      fileIds: [...new Set(rules.map((rule) => rule.fileId))],
      rollbackOf: original.id,
      rollbackScope: command.scope,
      createdAt: this.deps.now(),
      createdBy: command.createdBy,
      selection: { matched: 0, targeted: 0, alreadyOnTarget: 0, noImage: 0, complete: false },
    };
    await this.deps.campaigns.insert(campaign);
    await this.deps.engine.create({ id: campaign.id, policy: campaign.policy, sealed: false });
    return this.complete(campaign, { previous, filesByImage });
  }

  /**
   * Adds the rollback's devices, seals and starts it: the second half of a creation, also run by another pod to finish
   * one whose pod died on the way (ResumeCampaignCreation), from what the rollback campaign stored (its original, scope
   * and rules). The selection is stored before the rollout is sealed.
   */
  async complete(campaign: Campaign, known?: { previous: Map<string, PreviousImage>; filesByImage: Map<string, FirmwareFile> }): Promise<Campaign> {
    const started = await completeCreation(this.deps, campaign, async () => {
      const previous = known?.previous ?? (await this.previousImages(campaign.rollbackOf ?? '', campaign.rollbackScope ?? 'failed'));
      const filesByImage = known?.filesByImage ?? (await this.filesOfRules(campaign.imageRules));
      const choose = (device: DeviceFacts): TargetChoice => {
        const image = previous.get(device.id);
        const file = image ? filesByImage.get(imageKey(image)) : undefined;
        if (!image || !file) return { skip: `no firmware file installs ${image?.version ?? 'its previous version'} for this model`, kind: 'no-image' };
        if (device.softwareVersion === image.version) return { skip: `already on ${image.version}`, kind: 'already-on-target' };
        return { fileId: file.id, targetVersion: file.softwareVersion };
      };
      return addTargetsFrom(this.deps.engine, campaign.id, devicesOfFilters(this.deps.inventory, idQueries([...previous.keys()])), choose);
    });
    this.deps.logger.info(
      { campaignId: campaign.id, rollbackOf: campaign.rollbackOf, scope: campaign.rollbackScope, ...started.selection, createdBy: campaign.createdBy },
      'rollback campaign created and started',
    );
    return started;
  }

  /** The files of a rollback's stored rules, by the image each installs (model and version). */
  private async filesOfRules(rules: readonly ImageRule[]): Promise<Map<string, FirmwareFile>> {
    const files = new Map<string, FirmwareFile>();
    const { items } = await this.deps.files.list({ fileType: FIRMWARE_IMAGE_FILE_TYPE }, { skip: 0, limit: 10_000 });
    const byId = new Map(items.map((file) => [file.id, file]));
    for (const rule of rules) {
      const file = byId.get(rule.fileId);
      if (file) files.set(imageKey({ oui: rule.oui ?? '', productClass: rule.productClass ?? '', hardwareVersion: rule.hardwareVersion ?? '', version: file.softwareVersion }), file);
    }
    return files;
  }

  /** The original's devices in `states`, each with the model and version it ran before. */
  private async previousImages(rolloutId: string, scope: 'failed' | 'all'): Promise<Map<string, PreviousImage>> {
    const states: readonly TargetState[] = scope === 'all' ? ['failed', 'succeeded'] : ['failed'];
    const images = new Map<string, PreviousImage>();
    for (let seqAfter = -1; ; ) {
      const targets = await this.deps.rollouts.findTargets({ rolloutId, states, seqAfter }, { order: 'seq', limit: TARGETS_PER_READ });
      seqAfter = targets.at(-1)?.seq ?? seqAfter;
      for (const target of targets) {
        const data = target.data ?? {};
        if (typeof data.previousVersion !== 'string' || typeof data.oui !== 'string') continue;
        images.set(target.deviceId, {
          oui: data.oui,
          productClass: typeof data.productClass === 'string' ? data.productClass : '',
          hardwareVersion: typeof data.hardwareVersion === 'string' ? data.hardwareVersion : '',
          version: data.previousVersion,
        });
      }
      if (targets.length < TARGETS_PER_READ) return images;
    }
  }

  /** The firmware file installing each (model, version), where one exists; the newest when several do. */
  private async filesFor(images: readonly PreviousImage[]): Promise<Map<string, FirmwareFile>> {
    const files = new Map<string, FirmwareFile>();
    const seen = new Set<string>();
    for (const image of images) {
      const key = imageKey(image);
      if (seen.has(key)) continue;
      seen.add(key);
      const model = { oui: image.oui, productClass: image.productClass, ...(image.hardwareVersion !== '' ? { hardwareVersion: image.hardwareVersion } : {}) };
      const { items } = await this.deps.files.list({ fileType: FIRMWARE_IMAGE_FILE_TYPE, model }, { skip: 0, limit: 1000 });
      const file = items.find((candidate) => candidate.softwareVersion === image.version);
      if (file) files.set(key, file);
    }
    return files;
  }
}

function imageKey(image: PreviousImage): string {
  return JSON.stringify([image.oui, image.productClass, image.hardwareVersion, image.version]);
}

