import type { RolloutTarget, TargetError, TargetState } from '@acs/rollout';

import { upgradeDataOf } from './campaign';

/** One device of a campaign as an operator sees it: its rollout target, with the upgrade's data read out. */
export interface CampaignDevice {
  deviceId: string;
  state: TargetState;
  /** The stage its last attempt reached (`queued`, `downloading`, `awaiting-boot`). */
  stage?: string;
  /** The wave it was scheduled in; absent until scheduled. */
  wave?: number;
  attempts: number;
  /** Why its last attempt failed: the CPE's fault, `timeout`, `wrong-version`, `unreachable`… */
  error?: TargetError;
  skipReason?: string;
  /** Absent for a device skipped without an image (it was never given one). */
  previousVersion?: string;
  targetVersion?: string;
  /** The provisioning Download task of its last attempt. */
  taskId?: string;
  startedAt?: number;
  finishedAt?: number;
  /** Insertion order: where a listing's next page starts. */
  seq: number;
}

export function campaignDeviceOf(target: RolloutTarget): CampaignDevice {
  const upgrade = upgradeDataOf(target.data);
  return {
    deviceId: target.deviceId,
    state: target.state,
    attempts: target.attempts,
    seq: target.seq,
    ...(target.stage !== undefined ? { stage: target.stage } : {}),
    ...(target.wave !== undefined ? { wave: target.wave } : {}),
    ...(target.error !== undefined ? { error: target.error } : {}),
    ...(target.skipReason !== undefined ? { skipReason: target.skipReason } : {}),
    ...(upgrade ? { previousVersion: upgrade.previousVersion, targetVersion: upgrade.targetVersion } : {}),
    ...(upgrade?.taskId !== undefined ? { taskId: upgrade.taskId } : {}),
    ...(target.startedAt !== undefined ? { startedAt: target.startedAt } : {}),
    ...(target.finishedAt !== undefined ? { finishedAt: target.finishedAt } : {}),
  };
}
