import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodeBody } from './body-decoder';
import { CwmpParseError, type CwmpParseErrorCode } from './cwmp-parse-error';

const XML = '<?xml version="1.0"?><a>Café ☕</a>';
const MAX = 1024 * 1024;

function codeOf(run: () => unknown): CwmpParseErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof CwmpParseError) return error.code;
    throw error;
  }
  throw new Error('expected a CwmpParseError');
}

describe('decodeBody', () => {
  it('passes identity UTF-8 through, with or without a Content-Encoding of identity', () => {
    expect(decodeBody(Buffer.from(XML), { maxBytes: MAX })).toBe(XML);
    expect(decodeBody(Buffer.from(XML), { contentEncoding: 'identity', maxBytes: MAX })).toBe(XML);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['GZIP ', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
  ])('inflates %s', (encoding, compress) => {
    expect(decodeBody(compress(Buffer.from(XML)), { contentEncoding: encoding, maxBytes: MAX })).toBe(XML);
  });

  it('stops a zip bomb at maxBytes with too-large', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(codeOf(() => decodeBody(bomb, { contentEncoding: 'gzip', maxBytes: 4 * 1024 * 1024 }))).toBe('too-large');
    const deflateBomb = deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
    expect(codeOf(() => decodeBody(deflateBomb, { contentEncoding: 'deflate', maxBytes: MAX }))).toBe('too-large');
  });

  it('rejects an identity body over maxBytes with too-large', () => {
    expect(codeOf(() => decodeBody(Buffer.alloc(2000, 0x20), { maxBytes: 1000 }))).toBe('too-large');
  });

  it('rejects a corrupt compressed body and an unknown encoding with bad-encoding', () => {
    expect(codeOf(() => decodeBody(Buffer.from('not gzip'), { contentEncoding: 'gzip', maxBytes: MAX }))).toBe('bad-encoding');
    expect(codeOf(() => decodeBody(Buffer.from(XML), { contentEncoding: 'compress', maxBytes: MAX }))).toBe('bad-encoding');
  });

  it('decodes the charset of the Content-Type header', () => {
    const latin1 = Buffer.from('<a>Caf\xe9</a>', 'latin1');
    expect(decodeBody(latin1, { contentType: 'text/xml; charset=ISO-8859-1', maxBytes: MAX })).toBe('<a>Café</a>');
    expect(decodeBody(latin1, { contentType: 'text/xml;charset="latin1"', maxBytes: MAX })).toBe('<a>Café</a>');
    const cp1252 = Buffer.from([0x3c, 0x61, 0x3e, 0x80, 0x93, 0x94, 0x3c, 0x2f, 0x61, 0x3e]);
    expect(decodeBody(cp1252, { contentType: 'text/xml; charset=windows-1252', maxBytes: MAX })).toBe('<a>€“”</a>');
    expect(decodeBody(Buffer.from('<a>x</a>'), { contentType: 'text/xml; charset=us-ascii', maxBytes: MAX })).toBe('<a>x</a>');
  });

  it('falls back to the XML declaration when the header has no charset', () => {
    const body = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9t\xe9</a>', 'latin1');
    expect(decodeBody(body, { contentType: 'text/xml', maxBytes: MAX })).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?><a>été</a>',
    );
  });

  it('prefers the Content-Type charset over the XML declaration', () => {
    const body = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>', 'utf8');
    expect(decodeBody(body, { contentType: 'text/xml; charset=utf-8', maxBytes: MAX })).toContain('<a>é</a>');
  });

  it('decodes UTF-16 LE and BE with a BOM, and strips it', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XML, 'utf16le')]);
    expect(decodeBody(le, { maxBytes: MAX })).toBe(XML);
    const be = Buffer.from(le.subarray(2));
    be.swap16();
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), { contentType: 'text/xml; charset=utf-16', maxBytes: MAX })).toBe(XML);
  });

  it('recognises UTF-16 without a BOM from its first character', () => {
    const le = Buffer.from(XML, 'utf16le');
    expect(decodeBody(le, { maxBytes: MAX })).toBe(XML);
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeBody(be, { maxBytes: MAX })).toBe(XML);
  });

  it('strips a UTF-8 BOM', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XML)]), { maxBytes: MAX })).toBe(XML);
  });

  it('decodes an unknown charset as UTF-8 rather than failing', () => {
    expect(decodeBody(Buffer.from(XML), { contentType: 'text/xml; charset=klingon', maxBytes: MAX })).toBe(XML);
  });

  it('returns an empty string for an empty body', () => {
    expect(decodeBody(Buffer.alloc(0), { maxBytes: MAX })).toBe('');
    expect(decodeBody(gzipSync(Buffer.alloc(0)), { contentEncoding: 'gzip', maxBytes: MAX })).toBe('');
  });
});
