import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// HTTP Basic and Digest (RFC 7616, RFC 2617) for both sides of both CWMP exchanges: the ACS verifies CPEs and
// answers their connection-request challenges; the simulator does the mirror image. Written here rather than taken
// from npm because the digest packages there are request wrappers (around fetch/axios) that own the request, while
// the callers need their own timeouts, nonce counting and "never fall back to Basic unless allowed" rule, and a
// server half, which none of them has. Only qop=auth is implemented: no CWMP peer offers auth-int.

export interface AuthChallenge {
  /** Lower-case scheme: 'digest', 'basic', … */
  scheme: string;
  /** Lower-case parameter names, unquoted values; a token68 (`Basic dXNlcjpwYXNz`) is kept as `token68`. */
  params: Record<string, string>;
}

export interface HttpCredentials {
  username: string;
  password: string;
}

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
// A token68 only counts when it ends the challenge: `realm="x"` must read as a parameter, not as a token68 `realm`.
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/y;

/**
 * Reads WWW-Authenticate values into challenges (RFC 7235 section 4.1), or an Authorization value into the one
 * "challenge" whose params are the credentials. One value may carry several challenges
 * (`Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="2"`) and commas may sit inside quoted
 * strings (`qop="auth,auth-int"`), so this walks the value rather than splitting it.
 */
export function parseAuthChallenges(values: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) new ChallengeWalker(value).readInto(challenges);
  return challenges;
}

class ChallengeWalker {
  private at = 0;

  constructor(private readonly value: string) {}

  readInto(challenges: AuthChallenge[]): void {
    let current: AuthChallenge | undefined;
    while (this.skip(' \t,') < this.value.length) {
      const word = this.match(TOKEN);
      if (word === undefined) {
        this.at++; // a stray character: step over it rather than give up on the rest of the header
        continue;
      }
      const afterWord = this.at;
      this.skip(' \t');
      if (this.value[this.at] === '=' && current) {
        this.at++;
        this.skip(' \t');
        current.params[word.toLowerCase()] = this.value[this.at] === '"' ? this.quoted() : (this.match(TOKEN) ?? '');
        continue;
      }
      this.at = afterWord;
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
      this.skip(' \t');
      const token68 = this.match(TOKEN68);
      if (token68 !== undefined) current.params['token68'] = token68;
    }
  }

  private skip(chars: string): number {
    while (this.at < this.value.length && chars.includes(this.value[this.at]!)) this.at++;
    return this.at;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.value);
    if (!found) return undefined;
    this.at = pattern.lastIndex;
    return found[0];
  }

  private quoted(): string {
    let text = '';
    this.at++; // opening quote
    while (this.at < this.value.length && this.value[this.at] !== '"') {
      if (this.value[this.at] === '\\' && this.at + 1 < this.value.length) this.at++;
      text += this.value[this.at++];
    }
    this.at++; // closing quote
    return text;
  }
}

/** The algorithm named by a challenge's or credentials' `algorithm` parameter; absent means MD5 (RFC 7616 3.3). */
export function digestAlgorithmOf(name: string | undefined): DigestAlgorithm | undefined {
  switch ((name ?? 'MD5').toUpperCase()) {
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

/** The hash H() of RFC 7616 section 3.4.1 for `algorithm`, as lower-case hex. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** As sent; absent for an RFC 2069 exchange without qop. */
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** The `response` value of RFC 7616 section 3.4.1 (HA1, its -sess form, HA2, with or without qop). */
export function digestResponse(input: DigestResponseInput): string {
  const { algorithm, nonce } = input;
  const cnonce = input.cnonce ?? '';
  let ha1 = digestHash(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) ha1 = digestHash(algorithm, `${ha1}:${nonce}:${cnonce}`);
  const ha2 = digestHash(algorithm, `${input.method}:${input.uri}`);
  return input.qop
    ? digestHash(algorithm, `${ha1}:${nonce}:${input.nc ?? ''}:${cnonce}:${input.qop}:${ha2}`)
    : digestHash(algorithm, `${ha1}:${nonce}:${ha2}`);
}

// --- client side ---------------------------------------------------------------------------------------------------

export interface DigestChoice {
  challenge: AuthChallenge;
  algorithm: DigestAlgorithm;
  /** 'auth' when the server offers it; undefined for an RFC 2069 challenge without qop. */
  qop: 'auth' | undefined;
}

/**
 * The Digest challenge to answer: SHA-256 before MD5 (RFC 7616 asks clients to take the strongest), qop=auth when
 * offered. A challenge without a nonce, offering only qop=auth-int, or naming an unknown algorithm is skipped.
 */
export function chooseDigestChallenge(challenges: readonly AuthChallenge[]): DigestChoice | undefined {
  const usable: DigestChoice[] = [];
  for (const challenge of challenges) {
    if (challenge.scheme !== 'digest' || challenge.params['nonce'] === undefined) continue;
    const algorithm = digestAlgorithmOf(challenge.params['algorithm']);
    if (!algorithm) continue;
    const offered = challenge.params['qop'];
    if (offered === undefined) {
      usable.push({ challenge, algorithm, qop: undefined });
      continue;
    }
    const qops = offered.split(',').map((q) => q.trim().toLowerCase());
    if (qops.includes('auth')) usable.push({ challenge, algorithm, qop: 'auth' });
  }
  return usable.find((c) => c.algorithm.startsWith('SHA-256')) ?? usable[0];
}

/** Whether a 401 says the credentials were right but the nonce expired (RFC 7616 `stale=true`): retry, don't give up. */
export function isStaleDigestChallenge(challenges: readonly AuthChallenge[]): boolean {
  return challenges.some((c) => c.scheme === 'digest' && c.params['stale']?.toLowerCase() === 'true');
}

/** The `nc` parameter: the count of requests made with one nonce, as eight hex digits. */
export function formatNonceCount(count: number): string {
  return count.toString(16).padStart(8, '0');
}

export interface DigestRequest {
  method: string;
  uri: string;
  /** Requests made with this nonce so far, this one included. Default 1: a fresh exchange. */
  nonceCount?: number;
  /** Random per call unless given (tests, or clients that derive it from a prefix and the count). */
  cnonce?: string;
}

/** The Authorization header answering `choice` for one request (RFC 7616 section 3.4). */
export function digestAuthorization(choice: DigestChoice, credentials: HttpCredentials, request: DigestRequest): string {
  const { algorithm, qop } = choice;
  const realm = choice.challenge.params['realm'] ?? '';
  const nonce = choice.challenge.params['nonce'] ?? '';
  const nc = formatNonceCount(request.nonceCount ?? 1);
  const cnonce = request.cnonce ?? randomBytes(12).toString('hex');
  const { method, uri } = request;
  const response = digestResponse({ algorithm, ...credentials, realm, nonce, method, uri, qop, nc, cnonce });
  const parts = [
    `username="${quote(credentials.username)}"`,
    `realm="${quote(realm)}"`,
    `nonce="${quote(nonce)}"`,
    `uri="${quote(uri)}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
  ];
  const opaque = choice.challenge.params['opaque'];
  if (opaque !== undefined) parts.push(`opaque="${quote(opaque)}"`);
  // cnonce goes with qop, and -sess needs it even without qop (RFC 2617 section 3.2.2.2).
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${quote(cnonce)}"`);
  else if (algorithm.endsWith('-sess')) parts.push(`cnonce="${quote(cnonce)}"`);
  return `Digest ${parts.join(', ')}`;
}

export function basicAuthorization(credentials: HttpCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

// --- server side ---------------------------------------------------------------------------------------------------

/** A Digest challenge offering qop=auth, as both CWMP servers (ACS and CPE) send it. */
export function digestChallenge(offer: { realm: string; algorithm: DigestAlgorithm; nonce: string; stale?: boolean }): string {
  const stale = offer.stale ? ', stale=true' : '';
  return `Digest realm="${quote(offer.realm)}", qop="auth", algorithm=${offer.algorithm}, nonce="${quote(offer.nonce)}"${stale}`;
}

/** The credentials of a Digest Authorization header, with what the server must check present. */
export interface DigestCredentials {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/**
 * Reads a Digest Authorization header. Undefined when it is not Digest, names an algorithm we do not know, or lacks
 * any of username, realm, nonce, uri and response: the server answers all of these with a fresh challenge.
 */
export function parseDigestAuthorization(header: string): DigestCredentials | undefined {
  const [given] = parseAuthChallenges([header]);
  if (given?.scheme !== 'digest') return undefined;
  const p = given.params;
  const algorithm = digestAlgorithmOf(p['algorithm']);
  const { username, realm, nonce, uri, response } = p;
  if (!algorithm || !username || realm === undefined || !nonce || !uri || !response) return undefined;
  return { algorithm, username, realm, nonce, uri, response, qop: p['qop'], nc: p['nc'], cnonce: p['cnonce'], opaque: p['opaque'] };
}

/**
 * Whether Digest credentials were made with `expected` for this request method. The caller checks realm, nonce and
 * uri against its own; comparisons here take the same time whatever the mismatch.
 */
export function digestCredentialsMatch(given: DigestCredentials, expected: HttpCredentials, method: string): boolean {
  const wanted = digestResponse({ ...given, password: expected.password, method });
  // Both are evaluated, so a wrong username costs as long as a wrong password.
  const userOk = constantTimeEqual(given.username, expected.username);
  const responseOk = constantTimeEqual(given.response.toLowerCase(), wanted);
  return userOk && responseOk;
}

/** Whether a Basic Authorization header carries `expected`, compared in constant time. */
export function basicCredentialsMatch(header: string, expected: HttpCredentials): boolean {
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = constantTimeEqual(decoded.slice(0, colon), expected.username);
  const passwordOk = constantTimeEqual(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}

/** String equality whose time does not depend on where the strings differ (only on their lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function quote(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
