import { acsV1 as pb } from '@acs/contracts';
import { policyToProto } from '@acs/rollout';

import type { Campaign, CampaignDevice, ImageRule } from '../domain';

// The policy and progress messages are every rollout's (rollouts.proto): their mappers live with the rollouts.
export { policyFromProto, policyToProto, progressToProto } from '@acs/rollout';

export function imageRuleFromProto(rule: pb.ImageRule): ImageRule {
  return {
    ...(rule.oui !== '' ? { oui: rule.oui } : {}),
    ...(rule.productClass !== '' ? { productClass: rule.productClass } : {}),
    ...(rule.hardwareVersion !== '' ? { hardwareVersion: rule.hardwareVersion } : {}),
    ...(rule.fromVersions.length > 0 ? { fromVersions: rule.fromVersions } : {}),
    fileId: rule.fileId,
  };
}

export function imageRuleToProto(rule: ImageRule): pb.ImageRule {
  return { oui: rule.oui ?? '', productClass: rule.productClass ?? '', hardwareVersion: rule.hardwareVersion ?? '', fromVersions: rule.fromVersions ?? [], fileId: rule.fileId };
}

export function campaignToProto(campaign: Campaign): pb.Campaign {
  return {
    id: campaign.id,
    name: campaign.name,
    kind: campaign.kind,
    filter: campaign.filter,
    imageRules: campaign.imageRules.map(imageRuleToProto),
    policy: policyToProto(campaign.policy),
    status: campaign.status,
    fileIds: campaign.fileIds,
    rollbackOf: campaign.rollbackOf ?? '',
    createTime: new Date(campaign.createdAt),
    createdBy: campaign.createdBy,
    selection: campaign.selection,
    groupId: campaign.groupId ?? '',
  };
}

export function campaignDeviceToProto(device: CampaignDevice): pb.CampaignDevice {
  return {
    deviceId: device.deviceId,
    state: device.state,
    stage: device.stage ?? '',
    ...(device.wave !== undefined ? { wave: device.wave } : {}),
    attempts: device.attempts,
    ...(device.error ? { error: { code: device.error.code, message: device.error.message } } : {}),
    skipReason: device.skipReason ?? '',
    previousVersion: device.previousVersion ?? '',
    targetVersion: device.targetVersion ?? '',
    taskId: device.taskId ?? '',
    ...(device.startedAt !== undefined ? { startTime: new Date(device.startedAt) } : {}),
    ...(device.finishedAt !== undefined ? { finishTime: new Date(device.finishedAt) } : {}),
  };
}
