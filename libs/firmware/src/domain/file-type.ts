/**
 * TR-069's FileType of a Download (TR-069 Amendment 6, A.3.2.8): the five standard types a file of ours may be, and
 * the vendor-specific form `X <OUI> <name>`. Upload-only types (`3 Vendor Log File`, …) are not files CPEs download.
 */
export const STANDARD_FILE_TYPES = ['1 Firmware Upgrade Image', '2 Web Content', '3 Vendor Configuration File', '4 Tone File', '5 Ringer File'] as const;

export type StandardFileType = (typeof STANDARD_FILE_TYPES)[number];

export const FIRMWARE_IMAGE_FILE_TYPE: StandardFileType = '1 Firmware Upgrade Image';

/** `X` SP six hex digits SP a name of printable characters; the name is the vendor's, case kept. */
const VENDOR_FILE_TYPE = /^X [0-9A-F]{6} [\x21-\x7e][\x20-\x7e]{0,62}$/;

/** TR-069's FileType is a string(64). */
export const MAX_FILE_TYPE_LENGTH = 64;

/** Why `fileType` is not a FileType a CPE can download, or undefined when it is one. */
export function fileTypeProblem(fileType: string): string | undefined {
  if ((STANDARD_FILE_TYPES as readonly string[]).includes(fileType)) return undefined;
  if (fileType.length > MAX_FILE_TYPE_LENGTH) return `at most ${MAX_FILE_TYPE_LENGTH} characters`;
  if (VENDOR_FILE_TYPE.test(fileType)) return undefined;
  return `one of ${STANDARD_FILE_TYPES.map((type) => `"${type}"`).join(', ')}, or a vendor type "X <OUI> <name>" (OUI: six uppercase hex digits)`;
}
