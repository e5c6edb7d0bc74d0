import type { CwmpValue, XsdType } from '@acs/cwmp';

const XSD_TYPES: Record<string, XsdType> = {
  string: 'string',
  int: 'int',
  unsignedint: 'unsignedInt',
  long: 'long',
  unsignedlong: 'unsignedLong',
  boolean: 'boolean',
  datetime: 'dateTime',
  base64: 'base64',
  hexbinary: 'hexBinary',
};

/**
 * Reads a type as exported by ACS inventories (`xsd:unsignedInt`, and the odd-cased `xsd:Int`, `xsd:unsignedint`
 * real firmware reports). Types we do not model (e.g. `xsd:unsignedByte`) are kept as strings, as a CPE would.
 */
export function xsdTypeOf(text: string): XsdType {
  const bare = text.trim().replace(/^xsd:/i, '').toLowerCase();
  return XSD_TYPES[bare] ?? 'string';
}

const INT_PATTERN = /^[+-]?\d+$/;
const UNSIGNED_PATTERN = /^\+?\d+$/;
// ISO 8601 as CWMP uses it: date and time, optional fraction, optional zone.
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const HEX_PATTERN = /^([0-9a-fA-F]{2})*$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/\s]*={0,2}$/;

/**
 * The canonical text of `text` as a value of `type`, or undefined when it is not a valid value of that type
 * (the CPE then answers 9007 Invalid parameter value).
 */
export function normaliseValue(type: XsdType, text: string): string | undefined {
  const value = text.trim();
  switch (type) {
    case 'string':
      return text;
    case 'int':
      return INT_PATTERN.test(value) && inRange(value, -2147483648n, 2147483647n) ? String(BigInt(value)) : undefined;
    case 'unsignedInt':
      return UNSIGNED_PATTERN.test(value) && inRange(value, 0n, 4294967295n) ? String(BigInt(value)) : undefined;
    case 'long':
      return INT_PATTERN.test(value) && inRange(value, -(2n ** 63n), 2n ** 63n - 1n) ? String(BigInt(value)) : undefined;
    case 'unsignedLong':
      return UNSIGNED_PATTERN.test(value) && inRange(value, 0n, 2n ** 64n - 1n) ? String(BigInt(value)) : undefined;
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '1') return 'true';
      if (lower === 'false' || lower === '0') return 'false';
      return undefined;
    }
    case 'dateTime':
      return DATE_TIME_PATTERN.test(value) && isRealDate(value) ? value : undefined;
    case 'hexBinary':
      return HEX_PATTERN.test(value) ? value : undefined;
    case 'base64':
      return BASE64_PATTERN.test(value) ? value : undefined;
  }
}

function inRange(value: string, min: bigint, max: bigint): boolean {
  const n = BigInt(value);
  return n >= min && n <= max;
}

function isRealDate(value: string): boolean {
  // The unknown time of TR-069 (0001-01-01T00:00:00Z) is valid even though Date parses it oddly.
  return value.startsWith('0001-01-01') || !Number.isNaN(Date.parse(value));
}

/** The text of a value as the ACS sent it, before it is checked against the parameter's own type. */
export function textOfValue(value: CwmpValue): string {
  const raw = value.value;
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  return String(raw);
}

/** A stored value as the typed value the CWMP codec writes (numbers and booleans as such). */
export function cwmpValueOf(type: XsdType, text: string): CwmpValue {
  switch (type) {
    case 'int':
    case 'unsignedInt': {
      const n = Number(text);
      // Firmware sends what its data model says (an empty `unsignedInt` is common in real dumps): keep the declared
      // type on the wire even when the text does not fit it.
      return Number.isFinite(n) && text.trim() !== '' ? { type, value: n } : { type: 'string', value: text, declaredType: type };
    }
    case 'long':
    case 'unsignedLong': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) return { type: 'string', value: text, declaredType: type };
      return { type, value: Number.isSafeInteger(n) ? n : text.trim() };
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true' || lower === '1') return { type, value: true };
      if (lower === 'false' || lower === '0') return { type, value: false };
      return { type: 'string', value: text, declaredType: type };
    }
    case 'string':
    case 'dateTime':
    case 'base64':
    case 'hexBinary':
      return { type, value: text };
  }
}
