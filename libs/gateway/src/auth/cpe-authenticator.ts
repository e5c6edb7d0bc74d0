import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CpeCredentials, CpeCredentialStore } from './cpe-credentials';

export type CpeAuthMode = 'none' | 'basic' | 'digest';

export interface CpeAuthOptions {
  mode: CpeAuthMode;
  realm: string;
  /** Shared credentials for devices without their own; undefined: every device needs its own. */
  defaultCredentials?: CpeCredentials;
  /** Accept devices that have no credentials of their own (they then use the default ones, if any). */
  acceptUnknown: boolean;
  /** HMAC key for Digest nonces. Every gateway pod must share it, since any pod may check any nonce. */
  nonceSecret: Buffer;
  nonceTtlMs: number;
}

export type AuthOutcome =
  | { ok: true }
  | { ok: false; status: 401; reason: 'missing' | 'invalid' | 'stale'; challenge: string[] }
  | { ok: false; status: 403; reason: 'unknown-device' };

const DIGEST_ALGORITHMS = { MD5: 'md5', 'MD5-SESS': 'md5', 'SHA-256': 'sha256', 'SHA-256-SESS': 'sha256' } as const;

/**
 * HTTP authentication of CPEs on the Inform that opens a session (later requests are bound to the session by its
 * cookie). Digest nonces are stateless — a timestamp signed with a secret all pods share — so a CPE may answer the
 * challenge of one pod on another. The trade-off: a nonce can be replayed within its lifetime; the request it could
 * replay is an Inform of the same device, which only opens a session.
 */
export class CpeAuthenticator {
  constructor(
    private readonly options: CpeAuthOptions,
    private readonly store: CpeCredentialStore,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(deviceId: string, authorization: string | undefined, method: string): Promise<AuthOutcome> {
    const own = await this.store.forDevice(deviceId);
    if (!own && !this.options.acceptUnknown) return { ok: false, status: 403, reason: 'unknown-device' };
    if (this.options.mode === 'none') return { ok: true };
    const expected = own ?? this.options.defaultCredentials;
    if (!expected) return { ok: false, status: 403, reason: 'unknown-device' };
    if (!authorization) return this.challenge('missing');
    const space = authorization.indexOf(' ');
    const scheme = (space > 0 ? authorization.slice(0, space) : authorization).toLowerCase();
    const rest = space > 0 ? authorization.slice(space + 1) : '';
    if (scheme === 'basic' && this.options.mode === 'basic') return this.basic(rest, expected);
    if (scheme === 'digest' && this.options.mode === 'digest') return this.digest(rest, expected, method);
    return this.challenge('invalid');
  }

  private basic(token: string, expected: CpeCredentials): AuthOutcome {
    const decoded = Buffer.from(token.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return this.challenge('invalid');
    const ok = safeEqual(decoded.slice(0, colon), expected.username) && safeEqual(decoded.slice(colon + 1), expected.password);
    return ok ? { ok: true } : this.challenge('invalid');
  }

  private digest(header: string, expected: CpeCredentials, method: string): AuthOutcome {
    const p = parseAuthParams(header);
    const algorithmName = (p.algorithm ?? 'MD5').toUpperCase() as keyof typeof DIGEST_ALGORITHMS;
    const algorithm = DIGEST_ALGORITHMS[algorithmName];
    if (!algorithm || !p.username || !p.nonce || !p.uri || !p.response || p.realm !== this.options.realm) return this.challenge('invalid');
    const nonce = this.checkNonce(p.nonce);
    if (nonce === 'forged') return this.challenge('invalid');
    if (!safeEqual(p.username, expected.username)) return this.challenge('invalid');
    const h = (s: string) => createHash(algorithm).update(s).digest('hex');
    let ha1 = h(`${p.username}:${p.realm}:${expected.password}`);
    if (algorithmName.endsWith('-SESS')) ha1 = h(`${ha1}:${p.nonce}:${p.cnonce ?? ''}`);
    const ha2 = h(`${method}:${p.uri}`);
    const response = p.qop ? h(`${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`) : h(`${ha1}:${p.nonce}:${ha2}`);
    if (!safeEqual(response, p.response.toLowerCase())) return this.challenge('invalid');
    // Right password, old nonce: tell the CPE to retry with a fresh one rather than that its password is wrong.
    if (nonce === 'expired') return this.challenge('stale');
    return { ok: true };
  }

  private challenge(reason: 'missing' | 'invalid' | 'stale'): AuthOutcome {
    const realm = this.options.realm;
    if (this.options.mode === 'basic') return { ok: false, status: 401, reason, challenge: [`Basic realm="${realm}"`] };
    const nonce = this.issueNonce();
    const stale = reason === 'stale' ? ', stale=true' : '';
    // SHA-256 first (preferred), MD5 for the many CPEs that only know RFC 2617.
    return {
      ok: false,
      status: 401,
      reason,
      challenge: ['SHA-256', 'MD5'].map((a) => `Digest realm="${realm}", qop="auth", algorithm=${a}, nonce="${nonce}"${stale}`),
    };
  }

  private issueNonce(): string {
    const stamp = this.now().toString(36);
    const salt = randomBytes(6).toString('base64url');
    return `${stamp}.${salt}.${this.sign(`${stamp}.${salt}`)}`;
  }

  private checkNonce(nonce: string): 'fresh' | 'expired' | 'forged' {
    const parts = nonce.split('.');
    if (parts.length !== 3 || !safeEqual(parts[2], this.sign(`${parts[0]}.${parts[1]}`))) return 'forged';
    const issuedAt = parseInt(parts[0], 36);
    return this.now() - issuedAt > this.options.nonceTtlMs ? 'expired' : 'fresh';
  }

  private sign(value: string): string {
    return createHmac('sha256', this.options.nonceSecret).update(value).digest('base64url').slice(0, 22);
  }
}

/** Parses `key=value, key="quoted, value"` lists of RFC 7235 auth parameters. */
export function parseAuthParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return params;
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
