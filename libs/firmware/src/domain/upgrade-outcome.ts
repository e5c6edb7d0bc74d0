import type { RolloutTarget, TargetOutcome } from '@acs/rollout';

import { upgradeDataOf } from './campaign';

/** Stages an upgrade's target goes through while in progress (reported to the rollout engine, shown in progress). */
export const UpgradeStage = {
  /** The Download task exists; the device has not taken it yet (passive mode: until its next inform). */
  queued: 'queued',
  /** The Download RPC went to the device: it is downloading. */
  downloading: 'downloading',
  /** TransferComplete without fault (or the download done at once): the device installs and reboots. */
  awaitingBoot: 'awaiting-boot',
} as const;

/** What the outcome rules read of a provisioning task event (acs.task). */
export interface DownloadTaskReport {
  status: 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';
  fault?: { code: string; message: string };
}

/**
 * What a Download task's news means for the device's upgrade. `done` is not success: the device must still come back
 * reporting the target version (outcomeOfDeviceReport). A task retried by provisioning (`pending`) changes nothing.
 */
export function outcomeOfDownloadTask(report: DownloadTaskReport): TargetOutcome | null {
  switch (report.status) {
    case 'pending':
      return null;
    case 'dispatched':
      return { kind: 'stage', stage: UpgradeStage.downloading };
    case 'done':
      return { kind: 'stage', stage: UpgradeStage.awaitingBoot };
    case 'faulted': {
      const fault = report.fault ?? { code: 'faulted', message: 'the Download task faulted without a fault' };
      // A connection request nobody answered is the device being unreachable, whatever provisioning called it.
      const code = fault.code === 'cr-unreachable' ? 'unreachable' : fault.code;
      return { kind: 'failed', error: { code, message: fault.message } };
    }
    case 'expired':
      return { kind: 'failed', error: { code: 'unreachable', message: 'the device did not take the Download before the task expired' } };
    case 'cancelled':
      return { kind: 'failed', error: { code: 'task-cancelled', message: 'the Download task was cancelled through the task API' } };
  }
}

/** What the outcome rules read of a device event (acs.device): the version it runs and the Inform's event codes. */
export interface DeviceReport {
  softwareVersion?: string;
  eventCodes?: readonly string[];
}

const BOOT = '1 BOOT';
/** Codes of an Inform that closes a download: the boot that follows it runs whatever the transfer installed. */
const TRANSFER_CODES = ['7 TRANSFER COMPLETE', 'M Download'];

/**
 * What a device reporting its version means for its upgrade in progress: the target version is success (also when
 * no TransferComplete ever came); another version on a boot that follows the transfer (the stage says so, or the
 * boot's own Inform carries the transfer's codes — the task's news and the boot may arrive in either order) is the
 * device booting an image other than the one sent. Any other report (a boot before the download, a value change)
 * says nothing yet.
 */
export function outcomeOfDeviceReport(report: DeviceReport, upgrade: { targetVersion: string; stage?: string }): TargetOutcome | null {
  const version = report.softwareVersion;
  if (version === undefined || version === '') return null;
  if (version === upgrade.targetVersion) return { kind: 'succeeded' };
  const codes = report.eventCodes ?? [];
  if (!codes.includes(BOOT)) return null;
  const afterTransfer = upgrade.stage === UpgradeStage.awaitingBoot || codes.some((code) => TRANSFER_CODES.includes(code));
  if (!afterTransfer) return null;
  return { kind: 'failed', error: { code: 'wrong-version', message: `booted ${version} after the transfer, expected ${upgrade.targetVersion}` } };
}

/**
 * What a firmware pod saw of a device's upgrade, kept as a rollout observation until the campaign's driver reads it
 * against the device's current attempt (interpretUpgradeObservation): only what the rules read, not the whole event.
 */
export type UpgradeObservation =
  | { kind: 'task'; taskId: string; status: DownloadTaskReport['status']; fault?: { code: string; message: string } }
  | { kind: 'device'; softwareVersion: string; eventCodes: string[] };

const TASK_STATUSES: ReadonlySet<string> = new Set<DownloadTaskReport['status']>(['pending', 'dispatched', 'done', 'faulted', 'expired', 'cancelled']);

/**
 * An upgrade observation read against the target as the driver has it: a task's news counts only for the task of the
 * current attempt (a late event of an earlier attempt's task says nothing); a device's version is read with the stage
 * the target is in. Anything unreadable is null.
 */
export function interpretUpgradeObservation(target: RolloutTarget, body: Record<string, unknown>): TargetOutcome | null {
  const upgrade = upgradeDataOf(target.data);
  if (!upgrade) return null;
  if (body.kind === 'task') {
    if (typeof body.taskId !== 'string' || body.taskId !== upgrade.taskId || typeof body.status !== 'string' || !TASK_STATUSES.has(body.status)) return null;
    const fault = body.fault as { code?: unknown; message?: unknown } | undefined;
    return outcomeOfDownloadTask({
      status: body.status as DownloadTaskReport['status'],
      ...(fault && typeof fault.code === 'string' ? { fault: { code: fault.code, message: typeof fault.message === 'string' ? fault.message : '' } } : {}),
    });
  }
  if (body.kind === 'device' && typeof body.softwareVersion === 'string') {
    const eventCodes = Array.isArray(body.eventCodes) ? body.eventCodes.filter((code): code is string => typeof code === 'string') : [];
    return outcomeOfDeviceReport({ softwareVersion: body.softwareVersion, eventCodes }, { targetVersion: upgrade.targetVersion, ...(target.stage !== undefined ? { stage: target.stage } : {}) });
  }
  return null;
}
