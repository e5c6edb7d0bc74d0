import { createHash, randomBytes } from 'node:crypto';

// The client half of HTTP Digest (RFC 7616) for connection requests, written here because the ACS is the client only
// for this one GET: the npm digest clients wrap fetch/axios and own the request, while we need to keep our own
// timeout, error mapping and the "never fall back to Basic unless allowed" rule. The server half lives in
// ../auth/cpe-authenticator.ts.

export interface AuthChallenge {
  /** Lower-case scheme: 'digest', 'basic', … */
  scheme: string;
  /** Lower-case parameter names, unquoted values. */
  params: Record<string, string>;
}

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Splits WWW-Authenticate values into challenges. One value may carry several challenges
 * (`Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="2"`) and commas may sit inside quoted
 * strings (`qop="auth,auth-int"`), so this walks the value rather than splitting it. A token68 after a scheme
 * (`Negotiate abc==`) is skipped: connection requests never use one.
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) {
    let at = 0;
    let current: AuthChallenge | undefined;
    const skip = (chars: string): void => {
      while (at < value.length && chars.includes(value[at]!)) at++;
    };
    const token = (): string => {
      const start = at;
      while (at < value.length && TOKEN_CHAR.test(value[at]!)) at++;
      return value.slice(start, at);
    };
    const quoted = (): string => {
      let text = '';
      at++; // opening quote
      while (at < value.length && value[at] !== '"') {
        if (value[at] === '\\' && at + 1 < value.length) at++;
        text += value[at++];
      }
      at++; // closing quote
      return text;
    };
    while (at < value.length) {
      skip(' \t,');
      const word = token();
      if (word === '') {
        at++;
        continue;
      }
      const afterWord = at;
      skip(' \t');
      if (value[at] === '=' && current) {
        at++;
        skip(' \t');
        current.params[word.toLowerCase()] = value[at] === '"' ? quoted() : token();
        continue;
      }
      at = afterWord;
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

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

export interface DigestChoice {
  challenge: AuthChallenge;
  algorithm: DigestAlgorithm;
  /** 'auth' when the server offers it; undefined for an RFC 2069 challenge without qop. */
  qop: 'auth' | undefined;
}

/**
 * The Digest challenge we answer: SHA-256 before MD5 (RFC 7616 asks clients to take the strongest), qop=auth when
 * offered. A challenge offering only qop=auth-int, or an unknown algorithm, is skipped.
 */
export function chooseDigest(challenges: readonly AuthChallenge[]): DigestChoice | undefined {
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

function hashHex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

export interface DigestCredentials {
  username: string;
  password: string;
}

/**
 * The Authorization header answering `choice` for one request (RFC 7616 section 3.4). `cnonce` is random per call
 * unless given (tests); the nonce count is always 1 since each connection request is a fresh exchange.
 */
export function digestAuthorization(
  choice: DigestChoice,
  credentials: DigestCredentials,
  method: string,
  uri: string,
  cnonce: string = randomBytes(12).toString('hex'),
): string {
  const { algorithm, qop } = choice;
  const realm = choice.challenge.params['realm'] ?? '';
  const nonce = choice.challenge.params['nonce'] ?? '';
  const nc = '00000001';
  let ha1 = hashHex(algorithm, `${credentials.username}:${realm}:${credentials.password}`);
  if (algorithm.endsWith('-sess')) ha1 = hashHex(algorithm, `${ha1}:${nonce}:${cnonce}`);
  const ha2 = hashHex(algorithm, `${method}:${uri}`);
  const response = qop
    ? hashHex(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : hashHex(algorithm, `${ha1}:${nonce}:${ha2}`);
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
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  else if (algorithm.endsWith('-sess')) parts.push(`cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}

export function basicAuthorization(credentials: DigestCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function quote(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
