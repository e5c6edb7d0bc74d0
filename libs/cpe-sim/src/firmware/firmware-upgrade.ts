import { FaultCode, faultString, type FaultStruct } from '@acs/cwmp';
import { downloadFirmware, type FirmwareDownloadAttempt, type FirmwareDownloadRequest } from './firmware-downloader';
import type { FirmwareFailureMode } from './firmware-failures';
import { imageFitsModel, SimulatorImageInspector, type SimulatorImageModel } from './simulator-image';

/** How a simulated CPE downloads and installs firmware images. */
export interface FirmwareBehaviour {
  /** Time flashing an image takes, between the end of the download and the reboot. Default 0. */
  installMs?: number;
  /** Download attempts (resumed ones included) before TransferComplete 9010. Default 3. */
  downloadAttempts?: number;
  /** Wait before the n-th download retry: retryDelayMs · 2^(n-1). Default 250. */
  retryDelayMs?: number;
  /** A download connection silent this long is dropped. Default 30 s. */
  idleTimeoutMs?: number;
}

/** One firmware Download as the CPE carried it out, for tests to assert on. */
export interface FirmwareDownloadRecord {
  commandKey: string;
  url: string;
  fileSize: number;
  /** Epoch ms the download began (after DelaySeconds). */
  startedAt: number;
  /** Epoch ms the CPE finished (installed and about to reboot, or gave up). */
  completedAt?: number;
  state: 'downloading' | 'installing' | 'done';
  /** File bytes received over all attempts (a restarted download counts again). */
  bytes: number;
  attempts: FirmwareDownloadAttempt[];
  /** The injected failure this CPE showed, if any. */
  failure?: FirmwareFailureMode;
  /** 0 for success, as reported in TransferComplete (absent while under way or when none is sent). */
  faultCode?: number;
  faultString?: string;
  previousVersion: string;
  /** The SoftwareVersion the CPE booted into (the old one when it booted the old image or did not reboot). */
  bootedVersion?: string;
}

/** What the CPE does once the upgrade is over. */
export interface FirmwareUpgradeOutcome {
  fault: FaultStruct;
  /** Reboot into `bootedVersion` (failed downloads and rejected images do not reboot). */
  reboot: boolean;
  bootedVersion: string;
  sendTransferComplete: boolean;
}

export interface FirmwareUpgradeContext {
  device: SimulatorImageModel;
  currentVersion: string;
  behaviour: FirmwareBehaviour;
  localAddress?: string;
  signal: AbortSignal;
  /** Asked at each step, so a failure fixed at run time applies to upgrades already under way. */
  failure: () => FirmwareFailureMode | undefined;
  /** Which install fault an injected install failure reports: below 0.5 9018 (corrupted), else 9002 (internal). */
  installFaultDraw: number;
  sleep: (ms: number) => Promise<void>;
}

const SUCCESS: FaultStruct = { faultCode: 0, faultString: '' };

/**
 * Downloads the image for real, takes the install time, and decides what the CPE boots into and reports: the
 * image's version when its header, hash and model check out (a foreign or damaged file is refused with 9018, as
 * a real CPE refuses an image that fails its signature check), or the failure injected for this CPE.
 */
export async function upgradeFirmware(
  request: FirmwareDownloadRequest & { commandKey: string },
  record: FirmwareDownloadRecord,
  context: FirmwareUpgradeContext,
): Promise<FirmwareUpgradeOutcome> {
  const stay = (fault: FaultStruct): FirmwareUpgradeOutcome => ({ fault, reboot: false, bootedVersion: context.currentVersion, sendTransferComplete: true });
  const inspector = new SimulatorImageInspector();
  const downloadFailure = context.failure() === 'download';
  if (downloadFailure) record.failure = 'download';
  const result = await downloadFirmware(request, {
    attempts: context.behaviour.downloadAttempts,
    retryDelayMs: context.behaviour.retryDelayMs,
    idleTimeoutMs: context.behaviour.idleTimeoutMs,
    localAddress: context.localAddress,
    signal: context.signal,
    sink: inspector,
    dropEveryConnection: downloadFailure,
  });
  record.bytes = result.bytes;
  record.attempts = result.attempts;
  if (!result.ok) return stay({ faultCode: result.faultCode, faultString: result.faultString });

  record.state = 'installing';
  await context.sleep(context.behaviour.installMs ?? 0);
  const verdict = inspector.verdict();
  if ('problem' in verdict) return stay(corrupted(verdict.problem));
  const { header } = verdict;
  if (!imageFitsModel(header, context.device)) {
    const models = header.models.map((m) => `${m.oui}:${m.productClass}`).join(', ');
    return stay(corrupted(`the image is for ${models}, not ${context.device.oui}:${context.device.productClass}`));
  }
  const failure = context.failure();
  if (failure && failure !== 'download') record.failure = failure;
  switch (failure) {
    case 'install': {
      const code = context.installFaultDraw < 0.5 ? FaultCode.FILE_TRANSFER_FILE_CORRUPTED : FaultCode.INTERNAL_ERROR;
      return stay({ faultCode: code, faultString: `${faultString(code)} (injected install failure)` });
    }
    case 'oldImage':
      return { fault: SUCCESS, reboot: true, bootedVersion: context.currentVersion, sendTransferComplete: true };
    case 'noTransferComplete':
      return { fault: SUCCESS, reboot: true, bootedVersion: header.version, sendTransferComplete: false };
    default:
      return { fault: SUCCESS, reboot: true, bootedVersion: header.version, sendTransferComplete: true };
  }
}

function corrupted(detail: string): FaultStruct {
  return { faultCode: FaultCode.FILE_TRANSFER_FILE_CORRUPTED, faultString: `${faultString(FaultCode.FILE_TRANSFER_FILE_CORRUPTED)}: ${detail}` };
}
