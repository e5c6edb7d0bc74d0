import type { CwmpValue, XsdType } from './messages';

/** The "unknown time" TR-069 uses for dateTime values a device cannot know (3.2.1 of TR-106). */
export const UNKNOWN_TIME = '0001-01-01T00:00:00Z';

const XSD_TYPES: ReadonlySet<string> = new Set<XsdType>([
  'string',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'boolean',
  'dateTime',
  'base64',
  'hexBinary',
]);

export function isXsdType(name: string): name is XsdType {
  return XSD_TYPES.has(name);
}

const INTEGER = /^[+-]?\d+$/;

function integerInRange(text: string, min: number, max: number): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;

// long / unsignedLong: a number when it is a safe integer, else its canonical decimal string.
function parseLong(text: string, unsigned: boolean): number | string | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  if (Number.isSafeInteger(n)) return unsigned && n < 0 ? undefined : n;
  const big = BigInt(text);
  if (unsigned ? big < 0n || big > ULONG_MAX : big < LONG_MIN || big > LONG_MAX) return undefined;
  return big.toString();
}

function parseBoolean(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case '1':
    case 'true':
      return true;
    case '0':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

function typedOrString(type: XsdType, parsed: string | number | boolean | undefined, text: string): CwmpValue {
  // Tolerant: a value that does not fit its declared type is kept as the device sent it, with the type noted.
  return parsed === undefined ? { type: 'string', value: text, declaredType: type } : { type, value: parsed };
}

/**
 * Reads a parameter value. `xsiType` is the xsi:type attribute as sent (`xsd:int`, `int`, `xs:int`…); missing means
 * string, an unknown type is string with `declaredType` set. Never throws.
 */
export function parseValue(text: string, xsiType: string | undefined): CwmpValue {
  if (xsiType === undefined) return { type: 'string', value: text };
  const colon = xsiType.indexOf(':');
  const declared = (colon === -1 ? xsiType : xsiType.slice(colon + 1)).trim();
  if (!isXsdType(declared)) return { type: 'string', value: text, declaredType: declared };
  switch (declared) {
    case 'string':
    case 'base64':
    case 'hexBinary':
    case 'dateTime':
      return { type: declared, value: text };
    case 'int':
      return typedOrString(declared, integerInRange(text.trim(), -2147483648, 2147483647), text);
    case 'unsignedInt':
      return typedOrString(declared, integerInRange(text.trim(), 0, 4294967295), text);
    case 'long':
      return typedOrString(declared, parseLong(text.trim(), false), text);
    case 'unsignedLong':
      return typedOrString(declared, parseLong(text.trim(), true), text);
    case 'boolean':
      return typedOrString(declared, parseBoolean(text.trim()), text);
  }
}

/** The lexical form of a value, as it goes into a Value element (before XML escaping). */
export function formatValue(v: CwmpValue): string {
  const value = v.value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return value;
}

/** The xsi:type a value is sent with: its declared type when the device gave one we keep verbatim. */
export function xsiTypeOf(v: CwmpValue): string {
  return v.declaredType !== undefined && v.type === 'string' ? v.declaredType : v.type;
}
