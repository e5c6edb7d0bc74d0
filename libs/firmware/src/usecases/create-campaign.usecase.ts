import { ConflictError, DuplicateKeyError, NotFoundError, ValidationError, type FieldViolation, type Logger } from '@acs/platform';
import { validateRolloutPolicy, type RolloutEngine, type RolloutPolicy } from '@acs/rollout';

import { chooseImageRule, FIRMWARE_IMAGE_FILE_TYPE, type Campaign, type FirmwareFile, type ImageRule } from '../domain';
import type { CampaignRepository, FirmwareFileRepository } from '../repositories/ports';
import type { DeviceInventory, GroupMembers } from './campaign-ports';
import { addTargetsFrom, completeCreation, devicesOfFilters, devicesOfGroup, type DevicePages, type TargetChoice } from './campaign-targets';

export interface CreateCampaignCommand {
  name: string;
  /** Filter-language expression; '' selects every device (every member of the group). */
  filter: string;
  /** Select the members of this group (of the grouping service) that match the filter; absent: no group. */
  groupId?: string;
  imageRules: ImageRule[];
  policy: RolloutPolicy;
  createdBy: string;
  /**
   * The id the caller chose (a bulk job's run id), so a caller that retries after dying mid-way creates the campaign
   * once: a taken id is a ConflictError (already-exists) and nothing is created. Absent: a new id.
   */
  campaignId?: string;
}

/** What a caller-chosen campaign id may hold: it names the campaign's rollout and appears in NBI paths and logs. */
const CAMPAIGN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CampaignDeps {
  campaigns: CampaignRepository;
  files: Pick<FirmwareFileRepository, 'get' | 'list'>;
  inventory: DeviceInventory;
  /** The grouping service's members, for campaigns over a group; absent where no grouping service is reached. */
  members?: GroupMembers;
  engine: RolloutEngine;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  newId: () => string;
  /** Told of a campaign once its targets are in, before it starts (acs.firmware campaign-created). */
  onCreated?: (campaign: Campaign) => Promise<void>;
}

const MAX_NAME_LENGTH = 200;

/**
 * Creates a campaign and starts it: checks the rules' files (firmware images with a known version), records the
 * campaign, creates its rollout, streams the devices of the filter into it as targets (each with the image its rule
 * names, or skipped when already on that version or no rule matches), seals and starts it.
 */
export class CreateCampaign {
  constructor(private readonly deps: CampaignDeps) {}

  async execute(command: CreateCampaignCommand): Promise<Campaign> {
    const files = await this.validate(command);
    const campaign: Campaign = {
      id: command.campaignId ?? this.deps.newId(),
      name: command.name,
      kind: 'upgrade',
      filter: command.filter,
      ...(command.groupId !== undefined ? { groupId: command.groupId } : {}),
      imageRules: command.imageRules,
      policy: validateRolloutPolicy(command.policy),
      status: 'created',
      fileIds: [...new Set(command.imageRules.map((rule) => rule.fileId))],
      createdAt: this.deps.now(),
      createdBy: command.createdBy,
      selection: { matched: 0, targeted: 0, alreadyOnTarget: 0, noImage: 0, complete: false },
    };
    // The campaign first: from here its files are held, so none is deleted while the targets stream in. Its insert
    // is what makes a caller-chosen id create one campaign, whatever the number of tries.
    try {
      await this.deps.campaigns.insert(campaign);
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw campaignExists(campaign.id);
      throw error;
    }
    await this.deps.engine.create({ id: campaign.id, policy: campaign.policy, sealed: false });
    return this.complete(campaign, files);
  }

  /**
   * Adds the campaign's devices, seals and starts it: the second half of a creation, also run by another pod to
   * finish one whose pod died on the way (ResumeCampaignCreation). The selection is stored before the rollout is
   * sealed, so a sealed rollout's campaign has its figures.
   */
  async complete(campaign: Campaign, files?: Map<string, FirmwareFile>): Promise<Campaign> {
    const images = files ?? (await this.filesOf(campaign.imageRules));
    const started = await completeCreation(this.deps, campaign, () => {
      const choose = (device: Parameters<typeof chooseImageRule>[1]): TargetChoice => {
        const rule = chooseImageRule(campaign.imageRules, device);
        const file = rule ? images.get(rule.fileId) : undefined;
        if (!rule || !file) return { skip: 'no image rule matches this device', kind: 'no-image' };
        if (file.softwareVersion === device.softwareVersion) return { skip: `already on ${file.softwareVersion}`, kind: 'already-on-target' };
        return { fileId: file.id, targetVersion: file.softwareVersion };
      };
      return addTargetsFrom(this.deps.engine, campaign.id, this.devicesOf(campaign), choose);
    });
    this.deps.logger.info({ campaignId: campaign.id, name: campaign.name, ...started.selection, createdBy: campaign.createdBy }, 'campaign created and started');
    return started;
  }

  /** The campaign's devices: the filter's, or the group's members within the filter. */
  private devicesOf(campaign: Campaign): DevicePages {
    if (campaign.groupId === undefined) return devicesOfFilters(this.deps.inventory, [campaign.filter]);
    return devicesOfGroup(this.groupMembers(), this.deps.inventory, campaign.groupId, campaign.filter);
  }

  private groupMembers(): GroupMembers {
    if (this.deps.members) return this.deps.members;
    throw new ConflictError('this firmware service reaches no grouping service: campaigns over a group cannot be created here', {
      kind: 'precondition',
      reason: 'GROUPING_UNAVAILABLE',
      subject: 'group_id',
    });
  }

  /** The rules' files (a file deleted meanwhile is refused while the campaign holds it, so each is there). */
  private async filesOf(rules: readonly ImageRule[]): Promise<Map<string, FirmwareFile>> {
    const files = new Map<string, FirmwareFile>();
    for (const rule of rules) {
      if (files.has(rule.fileId)) continue;
      const file = await this.deps.files.get(rule.fileId);
      if (file) files.set(file.id, file);
    }
    return files;
  }

  /** Whether the group exists (its first member read: the grouping service answers NOT_FOUND for an unknown group). */
  private async groupViolations(groupId: string): Promise<FieldViolation[]> {
    if (groupId.trim() === '') return [{ field: 'group_id', description: 'a group id, or none', reason: 'REQUIRED' }];
    try {
      await this.groupMembers().page(groupId, '', 1);
      return [];
    } catch (error) {
      if (error instanceof NotFoundError) return [{ field: 'group_id', description: `no group ${groupId}`, reason: 'NOT_FOUND' }];
      throw error;
    }
  }

  /** Every wrong field named at once; the files by id. */
  private async validate(command: CreateCampaignCommand): Promise<Map<string, FirmwareFile>> {
    const violations: FieldViolation[] = [];
    if (command.campaignId !== undefined) {
      if (!CAMPAIGN_ID.test(command.campaignId)) violations.push({ field: 'campaign_id', description: 'letters, digits, ".", "_", "-", ":", at most 128', reason: 'BAD_FORMAT' });
      else if (await this.deps.campaigns.get(command.campaignId)) throw campaignExists(command.campaignId);
    }
    if (command.name.trim() === '') violations.push({ field: 'name', description: 'required', reason: 'REQUIRED' });
    else if (command.name.length > MAX_NAME_LENGTH) violations.push({ field: 'name', description: `at most ${MAX_NAME_LENGTH} characters`, reason: 'TOO_LONG' });
    if (command.imageRules.length === 0) violations.push({ field: 'image_rules', description: 'at least one rule is required', reason: 'REQUIRED' });
    if (command.groupId !== undefined) violations.push(...(await this.groupViolations(command.groupId)));
    const files = new Map<string, FirmwareFile>();
    for (const [index, rule] of command.imageRules.entries()) {
      const field = `image_rules[${index}].file_id`;
      if (rule.fileId === '') {
        violations.push({ field, description: 'required', reason: 'REQUIRED' });
        continue;
      }
      const file = files.get(rule.fileId) ?? (await this.deps.files.get(rule.fileId));
      if (!file) violations.push({ field, description: `no file ${rule.fileId}`, reason: 'NOT_FOUND' });
      else if (file.fileType !== FIRMWARE_IMAGE_FILE_TYPE) violations.push({ field, description: `file ${rule.fileId} is a "${file.fileType}", not a "${FIRMWARE_IMAGE_FILE_TYPE}"`, reason: 'WRONG_FILE_TYPE' });
      else if (file.softwareVersion === '') violations.push({ field, description: `file ${rule.fileId} names no software version: the upgrade could not be verified`, reason: 'NO_SOFTWARE_VERSION' });
      else files.set(file.id, file);
    }
    try {
      validateRolloutPolicy(command.policy);
    } catch (error) {
      if (error instanceof ValidationError) violations.push(...error.fieldViolations.map((v) => ({ ...v, field: v.field.startsWith('policy') ? v.field : `policy.${v.field}` })));
      else throw error;
    }
    if (violations.length > 0) throw new ValidationError(violations.map((v) => `${v.field}: ${v.description}`).join('; '), violations);
    return files;
  }
}

function campaignExists(id: string): ConflictError {
  return new ConflictError(`campaign ${id} already exists`, { kind: 'already-exists', subject: `campaign ${id}` });
}
