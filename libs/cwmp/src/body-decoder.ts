import * as zlib from 'node:zlib';
import { CwmpParseError } from './cwmp-parse-error';

export interface BodyDecodingOptions {
  /** The Content-Encoding header, if any. */
  contentEncoding?: string;
  /** The Content-Type header, if any; its charset parameter wins over the XML declaration. */
  contentType?: string;
  /** Maximum size of the decompressed body, in bytes. */
  maxBytes: number;
}

function tooLarge(maxBytes: number): CwmpParseError {
  return new CwmpParseError('too-large', `decoded body exceeds ${maxBytes} bytes`);
}

function isBufferTooLarge(error: unknown): boolean {
  return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

// `maxOutputLength` makes zlib stop at the limit instead of inflating a zip bomb into memory.
function inflate(raw: Buffer, encoding: string, maxBytes: number): Buffer {
  const options: zlib.ZlibOptions = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(raw, options);
      case 'deflate':
        // HTTP's "deflate" is zlib-wrapped, but some clients send a raw deflate stream: read both.
        try {
          return zlib.inflateSync(raw, options);
        } catch (error) {
          if (isBufferTooLarge(error)) throw error;
          return zlib.inflateRawSync(raw, options);
        }
      default:
        throw new CwmpParseError('bad-encoding', `unsupported Content-Encoding "${encoding.slice(0, 40)}"`);
    }
  } catch (error) {
    if (error instanceof CwmpParseError) throw error;
    if (isBufferTooLarge(error)) throw tooLarge(maxBytes);
    throw new CwmpParseError('bad-encoding', `corrupt ${encoding} body: ${(error as Error).message}`);
  }
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

function charsetFromDeclaration(raw: Buffer): string | undefined {
  // The declaration is ASCII in every encoding the sniff below leaves to it.
  const head = raw.toString('latin1', 0, Math.min(raw.length, 256));
  const match = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

// windows-1252 differs from ISO-8859-1 only in 0x80–0x9F. Mapped by hand: Node 20's TextDecoder('windows-1252')
// decodes those bytes as ISO-8859-1 C1 controls ("\u0080" for 0x80, not "€"). Unassigned bytes keep their
// C1 code point, as the WHATWG decoder does.
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(raw: Buffer): string {
  return raw.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

function decodeUtf16(raw: Buffer, bigEndian: boolean): string {
  const even = raw.length % 2 === 0 ? raw : raw.subarray(0, raw.length - 1);
  if (!bigEndian) return even.toString('utf16le');
  const swapped = Buffer.from(even);
  swapped.swap16();
  return swapped.toString('utf16le');
}

function decodeText(raw: Buffer, charset: string | undefined): string {
  // A byte order mark is the most reliable signal there is: it wins over the headers.
  if (raw.length >= 2 && raw[0] === 0xff && raw[1] === 0xfe) return decodeUtf16(raw.subarray(2), false);
  if (raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff) return decodeUtf16(raw.subarray(2), true);
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    return raw.toString('utf8', 3);
  }
  // UTF-16 without a BOM still starts with '<' and a zero byte on one side of it.
  if (raw.length >= 2 && raw[0] === 0x3c && raw[1] === 0x00) return decodeUtf16(raw, false);
  if (raw.length >= 2 && raw[0] === 0x00 && raw[1] === 0x3c) return decodeUtf16(raw, true);

  switch (charset ?? charsetFromDeclaration(raw)) {
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'l1':
      return raw.toString('latin1');
    case 'windows-1252':
    case 'cp1252':
      return decodeWindows1252(raw);
    case 'us-ascii':
    case 'ascii':
      // Bytes above 0x7F are not ASCII; Latin-1 keeps them readable instead of failing the message.
      return raw.toString('latin1');
    case 'utf-16':
      // No BOM: a zero high byte first means big-endian ASCII-range text.
      return decodeUtf16(raw, raw[0] === 0x00);
    case 'utf-16le':
      return decodeUtf16(raw, false);
    case 'utf-16be':
      return decodeUtf16(raw, true);
    case undefined:
    default:
      // utf-8, utf8, no charset at all, and anything unknown: UTF-8 is what nearly every CPE sends, and invalid sequences become U+FFFD.
      return raw.toString('utf8');
  }
}

/**
 * Turns an HTTP request body into XML text: undoes Content-Encoding within `maxBytes`, then decodes the charset
 * (BOM, else the Content-Type charset, else the XML declaration, else UTF-8) and drops a leading BOM.
 */
export function decodeBody(raw: Buffer, opts: BodyDecodingOptions): string {
  const encoding = (opts.contentEncoding ?? '').trim().toLowerCase();
  let bytes = raw;
  if (encoding !== '' && encoding !== 'identity') bytes = inflate(raw, encoding, opts.maxBytes);
  if (bytes.length > opts.maxBytes) throw tooLarge(opts.maxBytes);
  const text = decodeText(bytes, charsetFromContentType(opts.contentType));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
