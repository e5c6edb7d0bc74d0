import type { RolloutPolicy } from '@acs/rollout';

/** What a campaign does: upgrade devices to the image chosen for their model, or roll them back to their previous one. */
export type CampaignKind = 'upgrade' | 'rollback';

/**
 * A campaign's status as stored with it: the state of its rollout (`created`, `running`, `paused`, `completed`,
 * `cancelled`). The rollout is the truth; this copy lets a file's deletion see which campaigns hold it.
 */
export type CampaignStatus = 'created' | 'running' | 'paused' | 'completed' | 'cancelled';

/**
 * Which image a device gets: the first rule whose given fields all match the device (an absent field matches any
 * value; `fromVersions` empty or absent matches any current version).
 */
export interface ImageRule {
  oui?: string;
  productClass?: string;
  hardwareVersion?: string;
  /** The device's current SoftwareVersion must be one of these. */
  fromVersions?: string[];
  fileId: string;
}

export interface Campaign {
  /** Also the id of its rollout. */
  id: string;
  name: string;
  kind: CampaignKind;
  /** Filter-language expression selecting the devices (docs/filter-language.md); '' = every device (of the group). */
  filter: string;
  /** The grouping service's group whose members (at the creation, within `filter`) are the devices; absent: none. */
  groupId?: string;
  imageRules: ImageRule[];
  /** The rollout policy: waves, windows, concurrency, rate, mode (active/passive), retries, attemptTimeoutMs (how long a device has to come back verified), threshold. */
  policy: RolloutPolicy;
  status: CampaignStatus;
  /** Every file the campaign installs: what a file's deletion checks. */
  fileIds: string[];
  /** The campaign a rollback undoes. */
  rollbackOf?: string;
  /** Which of its devices a rollback returns: the failed ones, or all it upgraded too. */
  rollbackScope?: 'failed' | 'all';
  createdAt: number;
  createdBy: string;
  /** Devices the selection found, and how they were sorted out when the targets were added. */
  selection: CampaignSelection;
}

export interface CampaignSelection {
  /** Devices matching the filter. */
  matched: number;
  /** Devices with an image to install (targets that will run). */
  targeted: number;
  /** Devices already on the image's version. */
  alreadyOnTarget: number;
  /** Devices no image rule matched (also recorded as skipped, with that reason). */
  noImage: number;
  /** Whether every device has been read and the rollout sealed. */
  complete: boolean;
}

/** What a device is, as the campaign matches it against the rules. */
export interface DeviceFacts {
  id: string;
  oui: string;
  productClass: string;
  hardwareVersion: string;
  softwareVersion: string;
}

/** The service's data on each rollout target: what the executor installs and how the outcome is judged. */
export interface UpgradeTargetData {
  fileId: string;
  /** The file's softwareVersion: what the device must report to be verified. */
  targetVersion: string;
  /** What the device ran when it was added: where a rollback returns it. */
  previousVersion: string;
  /** The provisioning Download task of the current attempt, once created. */
  taskId?: string;
  /** The attempt the task belongs to. */
  taskAttempt?: number;
}

export function ruleMatches(rule: ImageRule, device: DeviceFacts): boolean {
  return (
    (rule.oui === undefined || rule.oui === device.oui) &&
    (rule.productClass === undefined || rule.productClass === device.productClass) &&
    (rule.hardwareVersion === undefined || rule.hardwareVersion === device.hardwareVersion) &&
    (rule.fromVersions === undefined || rule.fromVersions.length === 0 || rule.fromVersions.includes(device.softwareVersion))
  );
}

/** The first rule that matches the device, or undefined. */
export function chooseImageRule(rules: readonly ImageRule[], device: DeviceFacts): ImageRule | undefined {
  return rules.find((rule) => ruleMatches(rule, device));
}

/** Reads target data written by the campaign; null when it is not an upgrade's (a rollout of another kind). */
export function upgradeDataOf(data: Record<string, unknown> | undefined): UpgradeTargetData | null {
  if (!data || typeof data.fileId !== 'string' || typeof data.targetVersion !== 'string' || typeof data.previousVersion !== 'string') return null;
  return {
    fileId: data.fileId,
    targetVersion: data.targetVersion,
    previousVersion: data.previousVersion,
    ...(typeof data.taskId === 'string' ? { taskId: data.taskId } : {}),
    ...(typeof data.taskAttempt === 'number' ? { taskAttempt: data.taskAttempt } : {}),
  };
}

/** The provisioning task source of a campaign's Download tasks; how a task event is traced back to its campaign. */
export function campaignTaskSource(campaignId: string): string {
  return `firmware:${campaignId}`;
}

export function campaignIdOfTaskSource(source: string): string | null {
  return source.startsWith('firmware:') && source.length > 'firmware:'.length ? source.slice('firmware:'.length) : null;
}
