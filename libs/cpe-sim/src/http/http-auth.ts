import { createHash, randomBytes } from 'node:crypto';

// HTTP Basic and Digest (RFC 7616) written here rather than taken from a library: the simulator needs both sides
// (client for the ACS, server for connection requests), both algorithms and qop=auth only, which is ~100 lines;
// the npm digest clients wrap fetch/axios and would hide the per-request nonce counting we want to observe.

export interface AuthChallenge {
  /** Lower-case scheme: 'basic', 'digest', … */
  scheme: string;
  params: Record<string, string>;
}

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/y;

/**
 * Reads challenges from WWW-Authenticate values (one header may hold several challenges, and several headers may be
 * present), or the credentials of an Authorization value (one "challenge" whose params are the credentials).
 * A token68 (Basic credentials) is kept as the param `token68`.
 */
export function parseAuthChallenges(values: string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) {
    let at = 0;
    let current: AuthChallenge | undefined;
    const skipSpaces = (): void => {
      while (value[at] === ' ' || value[at] === '\t') at++;
    };
    const match = (pattern: RegExp): string | undefined => {
      pattern.lastIndex = at;
      const m = pattern.exec(value);
      if (!m) return undefined;
      at = pattern.lastIndex;
      return m[0];
    };
    while (at < value.length) {
      while (value[at] === ' ' || value[at] === '\t' || value[at] === ',') at++;
      if (at >= value.length) break;
      const word = match(TOKEN);
      if (!word) {
        at++;
        continue;
      }
      const afterWord = at;
      skipSpaces();
      if (value[at] === '=' && current) {
        at++;
        skipSpaces();
        current.params[word.toLowerCase()] = value[at] === '"' ? quotedString() : (match(TOKEN) ?? '');
        continue;
      }
      at = afterWord;
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
      skipSpaces();
      const token68 = match(TOKEN68);
      if (token68 !== undefined) current.params['token68'] = token68;
    }

    function quotedString(): string {
      let text = '';
      at++;
      while (at < value.length && value[at] !== '"') {
        if (value[at] === '\\' && at + 1 < value.length) at++;
        text += value[at++];
      }
      at++;
      return text;
    }
  }
  return challenges;
}

export function hashHex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text)
    .digest('hex');
}

export function digestAlgorithmOf(param: string | undefined): DigestAlgorithm | undefined {
  switch ((param ?? 'MD5').toUpperCase()) {
    case 'MD5':
      return 'MD5';
    case 'MD5-SESS':
      return 'MD5-sess';
    case 'SHA-256':
      return 'SHA-256';
    case 'SHA-256-SESS':
      return 'SHA-256-sess';
    default:
      return undefined;
  }
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

/** The `response` value of RFC 7616 section 3.4.1. */
export function digestResponse(input: DigestInput): string {
  const { algorithm } = input;
  let ha1 = hashHex(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) ha1 = hashHex(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = hashHex(algorithm, `${input.method}:${input.uri}`);
  return input.qop
    ? hashHex(algorithm, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
    : hashHex(algorithm, `${ha1}:${input.nonce}:${ha2}`);
}

export interface Credentials {
  username: string;
  password: string;
}

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
  private digest?: { challenge: Record<string, string>; algorithm: DigestAlgorithm; count: number };

  private readonly cnoncePrefix = randomBytes(6).toString('hex');

  constructor(private readonly credentials: Credentials) {}

  /** Chooses the strongest challenge we can answer; false when there is none. */
  accept(wwwAuthenticate: string[]): boolean {
    const challenges = parseAuthChallenges(wwwAuthenticate);
    const digests = challenges
      .filter((c) => c.scheme === 'digest')
      .map((c) => ({ challenge: c.params, algorithm: digestAlgorithmOf(c.params['algorithm']) }))
      .filter((c) => c.algorithm && (!c.challenge['qop'] || qopList(c.challenge['qop']).includes('auth')));
    const best = digests.find((c) => c.algorithm!.startsWith('SHA-256')) ?? digests[0];
    if (best) {
      this.digest = { challenge: best.challenge, algorithm: best.algorithm!, count: 0 };
      this.basic = undefined;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const { username, password } = this.credentials;
      this.basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      this.digest = undefined;
      return true;
    }
    return false;
  }

  /** Whether a challenge was stale (RFC 7616 stale=true): the credentials were right, the nonce expired. */
  static isStale(wwwAuthenticate: string[]): boolean {
    return parseAuthChallenges(wwwAuthenticate).some((c) => c.scheme === 'digest' && c.params['stale']?.toLowerCase() === 'true');
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
    const { challenge, algorithm } = this.digest;
    const realm = challenge['realm'] ?? '';
    const nonce = challenge['nonce'] ?? '';
    const qop = challenge['qop'] ? ('auth' as const) : undefined;
    const nc = (++this.digest.count).toString(16).padStart(8, '0');
    // Unique per request without a CSPRNG call each time: a random per-CPE prefix and the nonce count.
    const cnonce = `${this.cnoncePrefix}${nc}`;
    const response = digestResponse({ algorithm, ...this.credentials, realm, nonce, method, uri, qop, nc, cnonce });
    const parts = [
      `username="${quote(this.credentials.username)}"`,
      `realm="${quote(realm)}"`,
      `nonce="${quote(nonce)}"`,
      `uri="${quote(uri)}"`,
      `algorithm=${algorithm}`,
      `response="${response}"`,
    ];
    if (challenge['opaque'] !== undefined) parts.push(`opaque="${quote(challenge['opaque'])}"`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    return `Digest ${parts.join(', ')}`;
  }
}

function qopList(qop: string): string[] {
  return qop.split(',').map((s) => s.trim().toLowerCase());
}

function quote(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
