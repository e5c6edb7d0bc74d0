import { NotFoundError } from '@acs/platform';
import type { RolloutExecutor, RolloutStore, StartedTarget } from '@acs/rollout';

import { campaignTaskSource, upgradeDataOf, UpgradeStage } from '../domain';
import { signDownload } from '../file-server/download-auth';
import type { FirmwareFileRepository } from '../repositories/ports';
import type { DeviceTasks } from './campaign-ports';

/** How far the firmware pod's and provisioning's clocks may differ when a task's creation is compared with a start. */
const CLOCK_SKEW_MS = 5_000;

export interface DownloadSigning {
  /** The file server's shared secret (loadOrCreateDownloadSecret / ACS_FIRMWARE_URL_SECRET). */
  secret: Buffer;
  /** Where CPEs reach the file server (ACS_FIRMWARE_FILES_PUBLIC_URL, or the address it listens on): asked at each start, since the port may be known only once it listens. */
  baseUrl: () => string;
  /** How long the signed URL and credentials, and the Download task, stay valid. */
  validForMs: number;
}

/**
 * The campaigns' rollout executor: one attempt at one device is a provisioning Download task of the target's image,
 * with a signed URL and per-download credentials (CPEs that ignore the credentials use the URL alone), filed under
 * `firmware:<campaign>` so its acs.task events come back to the campaign. The task id is kept on the target, so a late
 * event of an earlier attempt's task is told apart.
 */
export class StartDeviceUpgrade implements RolloutExecutor {
  constructor(
    private readonly deps: {
      files: Pick<FirmwareFileRepository, 'get'>;
      tasks: DeviceTasks;
      rollouts: Pick<RolloutStore, 'updateTarget'>;
      signing: DownloadSigning;
      now: () => number;
    },
  ) {}

  /**
   * A start recorded by a pod that died (the engine asks when it takes the campaign over): it took effect when its task
   * id is on the target, or when provisioning has a Download task of the campaign for the device created since the
   * start (its id is then recorded, so the task's news counts); otherwise the Download was never asked for, and the
   * new driver asks for it — the device gets one Download, not none and not two.
   */
  async recover(target: StartedTarget & { startedAt: number }): Promise<'started' | 'not-started'> {
    const upgrade = upgradeDataOf(target.data);
    if (!upgrade || upgrade.taskAttempt === target.attempt) return 'started';
    const task = await this.deps.tasks.findDownload({
      deviceId: target.deviceId,
      source: campaignTaskSource(target.rolloutId),
      createdSince: target.startedAt - CLOCK_SKEW_MS,
      ...(upgrade.taskId !== undefined ? { except: upgrade.taskId } : {}),
    });
    if (!task) return 'not-started';
    const stage = task.status === 'done' ? UpgradeStage.awaitingBoot : task.status === 'dispatched' ? UpgradeStage.downloading : UpgradeStage.queued;
    await this.recordTask(target, task.taskId, stage);
    return 'started';
  }

  async start(target: StartedTarget): Promise<void> {
    const upgrade = upgradeDataOf(target.data);
    if (!upgrade) throw new Error(`target ${target.rolloutId}:${target.deviceId} carries no image to install`);
    // A file deleted under a running campaign is refused (DeleteFile), so this is a store gone wrong; the attempt fails.
    const file = await this.deps.files.get(upgrade.fileId);
    if (!file) throw new NotFoundError('file', upgrade.fileId);
    const expiresAt = this.deps.now() + this.deps.signing.validForMs;
    const signed = signDownload(this.deps.signing.secret, { fileId: file.id, name: file.name, deviceId: target.deviceId, expiresAt, baseUrl: this.deps.signing.baseUrl() });
    const { taskId } = await this.deps.tasks.createDownload({
      deviceId: target.deviceId,
      source: campaignTaskSource(target.rolloutId),
      fileType: file.fileType,
      url: signed.url,
      username: signed.username,
      password: signed.password,
      fileSize: file.size,
      connectionRequest: target.mode === 'active',
      expiresAt,
    });
    // Written by the driver within its tick, before any observation of this task is applied (the driver applies them
    // in its next turn), so the task's news always finds the task id it is checked against.
    await this.recordTask(target, taskId, UpgradeStage.queued);
  }

  /** The attempt's task on its target: what a task event is matched against. */
  private async recordTask(target: StartedTarget, taskId: string, stage: string): Promise<void> {
    await this.deps.rollouts.updateTarget(
      target.rolloutId,
      target.deviceId,
      { state: 'in-progress', attempts: target.attempt },
      { set: { stage, data: { ...target.data, taskId, taskAttempt: target.attempt } } },
    );
  }
}
