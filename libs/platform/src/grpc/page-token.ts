import { createHash } from 'node:crypto';

import { ValidationError } from '../errors/domain-errors';

/** Page size when the request says 0. */
export const DEFAULT_PAGE_SIZE = 100;
/** Larger requested pages are cut to this (the proto's rule, so one answer stays well under the message limit). */
export const MAX_PAGE_SIZE = 1000;

const TOKEN_PREFIX = 'o:';

/** The page size a request asks for, with the proto's defaults applied: 0 → 100, more than 1000 → 1000. */
export function pageSizeOf(requested: number): number {
  if (!Number.isFinite(requested) || requested <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.floor(requested), MAX_PAGE_SIZE);
}

/**
 * A page token of every service's listings: the offset of the next page, base64url-encoded so clients treat it as opaque. Offsets (rather than
 * keys of the last item) keep one scheme for every listing; a listing that changes between pages may then skip or
 * repeat an item, which these administrative listings accept.
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, 'utf8').toString('base64url');
}

/** The offset a request's page token stands for; 0 for none. ValidationError on `page_token` when it is not ours. */
export function decodePageToken(token: string, field = 'page_token'): number {
  if (token === '') return 0;
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const digits = text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : '';
  const offset = /^\d{1,15}$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(offset)) {
    throw ValidationError.forField(field, 'not a page token of this listing: pass the previous response\'s next_page_token', 'BAD_FORMAT');
  }
  return offset;
}

/** The token of the page after `offset + returned` items, or '' when `total` says there is none. */
export function nextPageToken(offset: number, returned: number, total: number): string {
  const next = offset + returned;
  return returned > 0 && next < total ? encodePageToken(next) : '';
}

const KEYSET_PREFIX = 'k:';

/**
 * A page token of a listing read in the order of an integer key (keyset paging: the key of the last item returned,
 * the next page starting after it), so a listing that grows or changes between pages neither skips nor repeats an
 * item and a deep page costs what the first does. It is bound to the rest of the request (`query`: the fields that
 * choose the items), so a token passed with another query is refused rather than answered with a page of something
 * else.
 */
export function encodeKeysetPageToken(key: number, query: string): string {
  return Buffer.from(`${KEYSET_PREFIX}${key}:${queryFingerprint(query)}`, 'utf8').toString('base64url');
}

/**
 * The key a keyset page token stands for; undefined for none (the first page). ValidationError on `field` when it is
 * not a token of this listing, or was given for another query.
 */
export function decodeKeysetPageToken(token: string, query: string, field = 'page_token'): number | undefined {
  if (token === '') return undefined;
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const match = text.startsWith(KEYSET_PREFIX) ? /^(-?\d{1,15}):([A-Za-z0-9_-]+)$/.exec(text.slice(KEYSET_PREFIX.length)) : null;
  if (!match) throw ValidationError.forField(field, "not a page token of this listing: pass the previous response's next_page_token", 'BAD_FORMAT');
  if (match[2] !== queryFingerprint(query)) {
    throw ValidationError.forField(field, 'a page token of another query: repeat the request that returned it with only page_token changed, or start again without one', 'BAD_FORMAT');
  }
  return Number(match[1]);
}

function queryFingerprint(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 12);
}

const AFTER_KEY_PREFIX = 'a:';

/**
 * A keyset page token over a string key (a device id): the next page starts after `key`. Bound to the query like
 * encodeKeysetPageToken's, so a token passed with another filter is refused.
 */
export function encodeAfterKeyPageToken(key: string, query: string): string {
  return Buffer.from(`${AFTER_KEY_PREFIX}${queryFingerprint(query)}:${key}`, 'utf8').toString('base64url');
}

/**
 * The key an encodeAfterKeyPageToken token stands for; undefined for none (the first page). ValidationError on
 * `field` when it is not such a token, or was given for another query.
 */
export function decodeAfterKeyPageToken(token: string, query: string, field = 'page_token'): string | undefined {
  if (token === '') return undefined;
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const match = text.startsWith(AFTER_KEY_PREFIX) ? /^([A-Za-z0-9_-]+):(.+)$/s.exec(text.slice(AFTER_KEY_PREFIX.length)) : null;
  if (!match) throw ValidationError.forField(field, "not a page token of this listing: pass the previous response's next_page_token", 'BAD_FORMAT');
  if (match[1] !== queryFingerprint(query)) {
    throw ValidationError.forField(field, 'a page token of another query: repeat the request that returned it with only page_token changed, or start again without one', 'BAD_FORMAT');
  }
  return match[2];
}
