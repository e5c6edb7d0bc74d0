/**
 * Which share of a fleet misbehaves during a firmware upgrade, and how. Each mode picks its CPEs from a fixed
 * per-CPE draw, so changing one mode's share never moves another mode's failures to different CPEs, raising a share
 * only adds CPEs, and setting it to 0 "fixes" exactly the CPEs that failed. Modes share no CPE while every share is
 * at most 25 %; above that, the first mode in FIRMWARE_FAILURE_MODES wins (a download that fails installs nothing).
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
 * One position x in [0, 1) per CPE; mode m takes the CPEs whose x lies in [m/4, m/4 + share): the modes' CPEs are
 * disjoint while each share is at most 25 %, and a mode's CPEs do not depend on the other modes' shares.
 */
function drawsAt(position: number): FirmwareFailureDraws {
  const draws = {} as FirmwareFailureDraws;
  FIRMWARE_FAILURE_MODES.forEach((mode, m) => (draws[mode] = fraction(position - m / FIRMWARE_FAILURE_MODES.length)));
  return draws;
}

/**
 * Draws of the `index`-th CPE of a fleet: positions on a golden-ratio sequence (offset by the seed), so any share
 * of a fleet fails to within a CPE or two of that share, and the same seed picks the same CPEs on every run.
 */
export function fleetFailureDraws(index: number, seed: number): FirmwareFailureDraws {
  return drawsAt(fraction(unitHash(`fleet/${seed}`) + (index + 1) * GOLDEN));
}

/** Draws of a CPE on its own: a hash of its device id and the seed. */
export function deviceFailureDraws(deviceId: string, seed: number): FirmwareFailureDraws {
  return drawsAt(unitHash(`${seed}/${deviceId}`));
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
