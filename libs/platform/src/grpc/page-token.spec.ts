import { ValidationError } from '../errors/domain-errors';
import { decodeAfterKeyPageToken, decodeKeysetPageToken, decodePageToken, encodeAfterKeyPageToken, encodeKeysetPageToken, encodePageToken } from './page-token';

describe('keyset page tokens', () => {
  it('carry the key of the last item back, for the same query', () => {
    const token = encodeKeysetPageToken(41, 'campaign c1 · failed');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetPageToken(token, 'campaign c1 · failed')).toBe(41);
    expect(decodeKeysetPageToken(encodeKeysetPageToken(0, 'q'), 'q')).toBe(0);
    expect(decodeKeysetPageToken('', 'q')).toBeUndefined();
  });

  it('refuse a token of another query, naming what to do', () => {
    const token = encodeKeysetPageToken(41, 'campaign c1 · failed');
    expect(() => decodeKeysetPageToken(token, 'campaign c1 · skipped')).toThrow(ValidationError);
    expect(() => decodeKeysetPageToken(token, 'campaign c1 · skipped')).toThrow(/another query/);
  });

  it.each([
    ['garbage', 'not-a-page-token!'],
    ['an offset token', encodePageToken(100)],
    ['a key that is not a number', Buffer.from('k:abc:xyz').toString('base64url')],
    ['a key beyond safe integers', Buffer.from('k:12345678901234567:xyz').toString('base64url')],
  ])('refuse %s as a token of this listing', (_name, token) => {
    expect(() => decodeKeysetPageToken(token, 'q', 'page_token')).toThrow(/not a page token of this listing/);
  });

  it('are not taken as offset tokens either', () => {
    expect(() => decodePageToken(encodeKeysetPageToken(5, 'q'))).toThrow(ValidationError);
  });
});

describe('after-key page tokens', () => {
  it('carry the last string key back, whatever it holds, for the same query', () => {
    for (const key of ['00259E-EX220-SN%3A1', 'a:b:c', 'ü\n"', ' ']) {
      const token = encodeAfterKeyPageToken(key, 'tag = "lab"');
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeAfterKeyPageToken(token, 'tag = "lab"')).toBe(key);
    }
    expect(decodeAfterKeyPageToken('', 'q')).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-page-token!'],
    ['an offset token', encodePageToken(100)],
    ['an integer keyset token', encodeKeysetPageToken(5, 'q')],
    ['an empty key', Buffer.from('a:abc:').toString('base64url')],
  ])('refuse %s', (_name, token) => {
    expect(() => decodeAfterKeyPageToken(token, 'q')).toThrow(ValidationError);
  });

  it('refuse a token of another query, and are not taken as offset tokens', () => {
    const token = encodeAfterKeyPageToken('dev-1', 'tag = "lab"');
    expect(() => decodeAfterKeyPageToken(token, 'tag = "home"')).toThrow(/another query/);
    expect(() => decodePageToken(token)).toThrow(ValidationError);
  });
});
