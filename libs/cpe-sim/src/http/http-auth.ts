import { randomBytes } from 'node:crypto';
import {
  basicAuthorization,
  chooseDigestChallenge,
  digestAuthorization,
  formatNonceCount,
  isStaleDigestChallenge,
  parseAuthChallenges,
  type DigestChoice,
  type HttpCredentials,
} from '@acs/cwmp';

export type Credentials = HttpCredentials;

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * The client side of one CPE's HTTP authentication with the ACS. After the first challenge it answers every later
 * request of the session pre-emptively (Basic: the same header; Digest: the same nonce with the next nonce count),
 * as CPEs do, so a session costs one 401 rather than one per request.
 */
export class HttpAuthenticator {
  private basic?: string;
  private digest?: { choice: DigestChoice; count: number };

  private readonly cnoncePrefix = randomBytes(6).toString('hex');

  constructor(private readonly credentials: Credentials) {}

  /** Chooses the strongest challenge we can answer; false when there is none. */
  accept(wwwAuthenticate: string[]): boolean {
    const challenges = parseAuthChallenges(wwwAuthenticate);
    const choice = chooseDigestChallenge(challenges);
    if (choice) {
      this.digest = { choice, count: 0 };
      this.basic = undefined;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.basic = basicAuthorization(this.credentials);
      this.digest = undefined;
      return true;
    }
    return false;
  }

  /** Whether a challenge was stale (RFC 7616 stale=true): the credentials were right, the nonce expired. */
  static isStale(wwwAuthenticate: string[]): boolean {
    return isStaleDigestChallenge(parseAuthChallenges(wwwAuthenticate));
  }

  get active(): boolean {
    return this.basic !== undefined || this.digest !== undefined;
  }

  /** Forgets the challenge (a new session starts without credentials, like a CPE that lost its nonce). */
  clear(): void {
    this.basic = undefined;
    this.digest = undefined;
  }

  /** The Authorization header for a request, or undefined before any challenge. */
  authorization(method: string, uri: string): string | undefined {
    if (this.basic) return this.basic;
    if (!this.digest) return undefined;
    const nonceCount = ++this.digest.count;
    // Unique per request without a CSPRNG call each time: a random per-CPE prefix and the nonce count.
    const cnonce = `${this.cnoncePrefix}${formatNonceCount(nonceCount)}`;
    return digestAuthorization(this.digest.choice, this.credentials, { method, uri, nonceCount, cnonce });
  }
}
