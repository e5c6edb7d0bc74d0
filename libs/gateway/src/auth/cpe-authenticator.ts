import {
  basicCredentialsMatch,
  digestChallenge,
  digestCredentialsMatch,
  parseDigestAuthorization,
  StatelessDigestNonces,
  type DigestAlgorithm,
} from '@acs/cwmp';
import type { CpeAuthLockout } from './cpe-auth-lockout';
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
  | { ok: false; status: 401; reason: 'missing' | 'invalid' | 'stale' | 'scheme'; challenge: string[] }
  | { ok: false; status: 403; reason: 'unknown-device' }
  /** Too many failures: the credentials were not looked at (docs/adr/0016-cpe-auth-lockout.md for why 503). */
  | { ok: false; status: 503; reason: 'locked-out'; scope: 'device' | 'source'; retryAfterMs: number };

// SHA-256 first (preferred), MD5 for the many CPEs that only know RFC 2617. Answers with -sess variants are accepted too.
const OFFERED_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/**
 * HTTP authentication of CPEs on the Inform that opens a session (later requests are bound to the session by its
 * cookie). Digest nonces are stateless — a timestamp signed with a secret all pods share — so a CPE may answer the
 * challenge of one pod on another. The trade-off: a nonce can be replayed within its lifetime; the request it could
 * replay is an Inform of the same device, which only opens a session.
 */
export class CpeAuthenticator {
  private readonly nonces: StatelessDigestNonces;

  constructor(
    private readonly options: CpeAuthOptions,
    private readonly store: CpeCredentialStore,
    now: () => number = Date.now,
    /** Brute-force limits; none when absent (the connection-request side checks CPE answers without them). */
    private readonly lockout?: CpeAuthLockout,
  ) {
    this.nonces = new StatelessDigestNonces(options.nonceSecret, options.nonceTtlMs, now);
  }

  /**
   * Checks the credentials of a request from `source` (sourceAddressOf the connection). Only requests that carry
   * credentials meet the lockout: a request without them cannot guess anything, and its challenge costs no store trip.
   */
  async authenticate(deviceId: string, authorization: string | undefined, method: string, source?: string): Promise<AuthOutcome> {
    if (!this.lockout?.enabled || source === undefined || !authorization || this.options.mode === 'none') {
      return this.verify(deviceId, authorization, method);
    }
    const check = await this.lockout.check(deviceId, source);
    // Locked: answered without looking at the credentials, so guessing on costs the attacker nothing but tells nothing.
    if (check.locked) return { ok: false, status: 503, reason: 'locked-out', scope: check.scope, retryAfterMs: check.retryAfterMs };
    const outcome = await this.verify(deviceId, authorization, method);
    if (outcome.ok) await this.lockout.succeeded(deviceId, source);
    else if (outcome.reason === 'invalid' || outcome.reason === 'unknown-device') await this.lockout.failed(deviceId, source, check.knownSource, outcome.reason);
    return outcome;
  }

  private async verify(deviceId: string, authorization: string | undefined, method: string): Promise<AuthOutcome> {
    const own = await this.store.forDevice(deviceId);
    if (!own && !this.options.acceptUnknown) return { ok: false, status: 403, reason: 'unknown-device' };
    if (this.options.mode === 'none') return { ok: true };
    const expected = own ?? this.options.defaultCredentials;
    if (!expected) return { ok: false, status: 403, reason: 'unknown-device' };
    if (!authorization) return this.challenge('missing');
    const space = authorization.indexOf(' ');
    const scheme = (space > 0 ? authorization.slice(0, space) : authorization).toLowerCase();
    if (scheme === 'basic' && this.options.mode === 'basic') {
      return basicCredentialsMatch(authorization, expected) ? { ok: true } : this.challenge('invalid');
    }
    if (scheme === 'digest' && this.options.mode === 'digest') return this.digest(authorization, expected, method);
    // Another scheme than the one offered is a CPE that has not read the challenge yet, not a wrong password.
    return this.challenge('scheme');
  }

  private digest(header: string, expected: CpeCredentials, method: string): AuthOutcome {
    const given = parseDigestAuthorization(header);
    if (!given || given.realm !== this.options.realm) return this.challenge('invalid');
    const nonce = this.nonces.check(given.nonce);
    if (nonce === 'forged' || !digestCredentialsMatch(given, expected, method)) return this.challenge('invalid');
    // Right password, old nonce: tell the CPE to retry with a fresh one rather than that its password is wrong.
    if (nonce === 'expired') return this.challenge('stale');
    return { ok: true };
  }

  private challenge(reason: 'missing' | 'invalid' | 'stale' | 'scheme'): AuthOutcome {
    const realm = this.options.realm;
    if (this.options.mode === 'basic') return { ok: false, status: 401, reason, challenge: [`Basic realm="${realm}"`] };
    const nonce = this.nonces.issue();
    const stale = reason === 'stale';
    return { ok: false, status: 401, reason, challenge: OFFERED_ALGORITHMS.map((algorithm) => digestChallenge({ realm, algorithm, nonce, stale })) };
  }
}
