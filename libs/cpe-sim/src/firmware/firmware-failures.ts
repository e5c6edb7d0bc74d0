/**
 * Which share of a fleet misbehaves during a firmware upgrade, and how. Each mode picks its own CPEs from a fixed
 * per-CPE draw, so changing one mode's share never moves another mode's failures to different CPEs, raising a share
 * only adds CPEs, and setting it to 0 "fixes" exactly the CPEs that failed. When a CPE falls in several modes the
 * first one in FIRMWARE_FAILURE_MODES wins (a download that fails installs nothing).
 */
export const FIRMWARE_FAILURE_MODES = ['download', 'install', 'oldImage', 'noTransferComplete'] as const;
export type FirmwareFailureMode = (typeof FIRMWARE_FAILURE_MODES)[number];

/** Shares in [0, 1] per mode; absent = 0. */
export type FirmwareFailureShares = Partial<Record<FirmwareFailureMode, number>>;

/** A CPE's fixed position in [0, 1) per mode: it fails a mode when its draw is below the mode's share. */
export type FirmwareFailureDraws = Record<FirmwareFailureMode, number>;

const CLI_NAMES: Record<string, FirmwareFailureMode> = {
  download: 'download',
  install: 'install',
  'old-image': 'oldImage',
  'no-transfer-complete': 'noTransferComplete',
};

export class FirmwareFailureSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirmwareFailureSpecError';
  }
}

/** `download=0.05,install=0.1,old-image=0.02,no-transfer-complete=0.01` (the CLI's --fw-fail). */
export function parseFirmwareFailures(spec: string): FirmwareFailureShares {
  const shares: FirmwareFailureShares = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value, extra] = part.split('=');
    const mode = CLI_NAMES[name ?? ''];
    if (!mode || value === undefined || extra !== undefined) {
      throw new FirmwareFailureSpecError(`"${part}" is not <mode>=<share> with mode one of ${Object.keys(CLI_NAMES).join(', ')}`);
    }
    shares[mode] = Number(value);
  }
  return validFirmwareFailures(shares);
}

/** The shares, checked: each a number in [0, 1]. */
export function validFirmwareFailures(shares: FirmwareFailureShares): FirmwareFailureShares {
  for (const [mode, share] of Object.entries(shares)) {
    if (!(FIRMWARE_FAILURE_MODES as readonly string[]).includes(mode)) throw new FirmwareFailureSpecError(`unknown failure mode "${mode}"`);
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw new FirmwareFailureSpecError(`the share of ${mode} must be a number from 0 to 1, not ${String(share)}`);
    }
  }
  return { ...shares };
}

/** The failure this CPE shows under these shares, if any. */
export function firmwareFailureOf(draws: FirmwareFailureDraws, shares: FirmwareFailureShares): FirmwareFailureMode | undefined {
  return FIRMWARE_FAILURE_MODES.find((mode) => draws[mode] < (shares[mode] ?? 0));
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Draws of the `index`-th CPE of a fleet: a golden-ratio sequence per mode (offset by the seed and the mode), so any
 * share of a fleet fails to within a few CPEs of that share, and the same seed picks the same CPEs on every run.
 */
export function fleetFailureDraws(index: number, seed: number): FirmwareFailureDraws {
  const draws = {} as FirmwareFailureDraws;
  FIRMWARE_FAILURE_MODES.forEach((mode, m) => {
    const offset = unitHash(`${seed}/${mode}`);
    // A different stride per mode keeps the modes from picking the same CPEs (their sets are not nested).
    draws[mode] = fraction(offset + (index + 1) * fraction(GOLDEN * (m + 1)));
  });
  return draws;
}

/** Draws of a CPE on its own: a hash of its device id and the seed. */
export function deviceFailureDraws(deviceId: string, seed: number): FirmwareFailureDraws {
  const draws = {} as FirmwareFailureDraws;
  for (const mode of FIRMWARE_FAILURE_MODES) draws[mode] = unitHash(`${seed}/${mode}/${deviceId}`);
  return draws;
}

/** A stable value in [0, 1) for a text (FNV-1a). */
export function unitHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash / 2 ** 32;
}

function fraction(x: number): number {
  return x - Math.floor(x);
}
