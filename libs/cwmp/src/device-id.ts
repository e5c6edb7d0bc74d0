import type { DeviceIdStruct } from './messages';

// Device ids are `OUI-ProductClass-SerialNumber` (or `OUI-SerialNumber` without a ProductClass), each part
// percent-escaped exactly as GenieACS escapes it, so operators migrating from GenieACS keep their ids: every
// UTF-16 unit other than A–Z, a–z, 0–9 and `_` becomes `%` + the upper-case hex of its UTF-8 bytes. Two GenieACS
// quirks are kept on purpose: a byte below 0x10 is written with one hex digit (`%9` for a tab), and each half of a
// surrogate pair is escaped on its own, which UTF-8 encodes as U+FFFD (`%EF%BF%BD`).

function isPlain(unit: number): boolean {
  return (
    (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x61 && unit <= 0x7a) || unit === 0x5f
  );
}

function hexByte(b: number): string {
  return '%' + b.toString(16).toUpperCase();
}

function escapeUnit(unit: number): string {
  if (unit < 0x80) return hexByte(unit);
  if (unit < 0x800) return hexByte(0xc0 | (unit >> 6)) + hexByte(0x80 | (unit & 0x3f));
  // A lone surrogate has no UTF-8 form: Node's encoder writes the replacement character.
  const u = unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit;
  return hexByte(0xe0 | (u >> 12)) + hexByte(0x80 | ((u >> 6) & 0x3f)) + hexByte(0x80 | (u & 0x3f));
}

export function escapeDeviceIdPart(part: string): string {
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < part.length; i++) {
    const unit = part.charCodeAt(i);
    if (isPlain(unit)) continue;
    out += part.slice(plainFrom, i) + escapeUnit(unit);
    plainFrom = i + 1;
  }
  return plainFrom === 0 ? part : out + part.slice(plainFrom);
}

export function deviceIdOf(d: DeviceIdStruct): string {
  const oui = escapeDeviceIdPart(d.oui);
  const serial = escapeDeviceIdPart(d.serialNumber);
  return d.productClass ? `${oui}-${escapeDeviceIdPart(d.productClass)}-${serial}` : `${oui}-${serial}`;
}
