import { createHmac } from 'node:crypto';
import {
  basicCredentialsMatch,
  constantTimeEqual,
  digestChallenge,
  digestCredentialsMatch,
  parseDigestAuthorization,
  StatelessDigestNonces,
  type DigestAlgorithm,
} from '@acs/cwmp';

/** What the campaign code asks for to put one device's download of one file into a Download task. */
export interface DownloadGrant {
  fileId: string;
  /** The file's name, shown as the last path segment (some CPEs name the downloaded file after it). */
  name: string;
  deviceId: string;
  /** Epoch milliseconds after which neither the URL nor the credentials are accepted. */
  expiresAt: number;
  /** Where CPEs reach the file server, e.g. `https://files.acs.example.net:7549` (no trailing path). */
  baseUrl: string;
}

/** The Download RPC's URL, Username and Password: the URL works on its own; the credentials work with the bare URL. */
export interface SignedDownload {
  url: string;
  username: string;
  password: string;
}

/** Why a download was refused; the label of the refusal metrics and the reason in the download log. */
export type RefusalReason =
  | 'credentials-missing'
  | 'credentials-invalid'
  | 'credentials-expired'
  | 'nonce-stale'
  | 'signature-invalid'
  | 'signature-expired';

export type AuthorizationOutcome =
  | { ok: true; deviceId: string; via: 'signed-url' | 'basic' | 'digest' }
  | { ok: false; status: 401; reason: RefusalReason; challenge: string[]; deviceId?: string }
  | { ok: false; status: 403; reason: RefusalReason; deviceId?: string };

export interface DownloadRequestCredentials {
  fileId: string;
  /** The request's query string parameters (d, e, s of a signed URL). */
  query: URLSearchParams;
  authorization: string | undefined;
  method: string;
  /** The request target as sent (path and query), which a Digest answer must name. */
  uri: string;
}

// Versioned so the token's shape can change without old tokens being misread.
const USERNAME_PREFIX = 'f1';
const OFFERED_DIGEST: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/**
 * Download authorisation without state (ADR 18): every pod derives the same keys from one shared secret, so a URL or
 * credentials signed by any firmware pod are accepted by any file server pod, and nothing is stored per download.
 * Three keys are derived from the secret so a signature made for one use is never accepted for another.
 */
class DownloadKeys {
  readonly url: Buffer;
  readonly credentials: Buffer;
  readonly nonces: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 16) throw new Error('the download secret must be at least 16 bytes');
    const derive = (purpose: string) => createHmac('sha256', secret).update(`acs-firmware/${purpose}`).digest();
    this.url = derive('signed-url');
    this.credentials = derive('download-credentials');
    this.nonces = derive('digest-nonces');
  }

  urlSignature(fileId: string, deviceId: string, expirySeconds: string): string {
    return createHmac('sha256', this.url).update(`${fileId}\n${deviceId}\n${expirySeconds}`).digest('base64url');
  }

  /** The password of a username token, bound to the file so credentials for one image do not fetch another. */
  password(fileId: string, username: string): string {
    return createHmac('sha256', this.credentials).update(`${fileId}\n${username}`).digest('base64url');
  }
}

/** Signs downloads for Download tasks. Any holder of the shared secret can, so every firmware pod does. */
export class DownloadSigner {
  private readonly keys: DownloadKeys;

  constructor(secret: Buffer) {
    this.keys = new DownloadKeys(secret);
  }

  sign(grant: DownloadGrant): SignedDownload {
    const expiry = String(Math.floor(grant.expiresAt / 1000));
    const base = grant.baseUrl.replace(/\/+$/, '');
    const path = `/files/${encodeURIComponent(grant.fileId)}/${encodeURIComponent(grant.name)}`;
    const query = new URLSearchParams({ d: grant.deviceId, e: expiry, s: this.keys.urlSignature(grant.fileId, grant.deviceId, expiry) });
    const username = `${USERNAME_PREFIX}.${expiry}.${Buffer.from(grant.deviceId, 'utf8').toString('base64url')}`;
    return { url: `${base}${path}?${query.toString()}`, username, password: this.keys.password(grant.fileId, username) };
  }
}

/** Signs one download: the URL, username and password the campaign code puts into a Download task. */
export function signDownload(secret: Buffer, grant: DownloadGrant): SignedDownload {
  return new DownloadSigner(secret).sign(grant);
}

export interface DownloadAuthorizerOptions {
  secret: Buffer;
  realm: string;
  nonceTtlMs: number;
  now?: () => number;
}

/**
 * Checks a download request: a signed URL (`?d=&e=&s=`) decides on its own when present; otherwise the request needs
 * the per-download credentials, as Basic or as an answer to a Digest challenge (stateless nonces, as the gateway's,
 * ADR 4). Wrong credentials get a new challenge (401); expired credentials or a bad or expired signature get 403,
 * since trying again with the same ones cannot succeed.
 */
export class DownloadAuthorizer {
  private readonly keys: DownloadKeys;
  private readonly nonces: StatelessDigestNonces;
  private readonly now: () => number;

  constructor(private readonly options: DownloadAuthorizerOptions) {
    this.keys = new DownloadKeys(options.secret);
    this.now = options.now ?? Date.now;
    this.nonces = new StatelessDigestNonces(this.keys.nonces, options.nonceTtlMs, this.now);
  }

  authorize(request: DownloadRequestCredentials): AuthorizationOutcome {
    if (request.query.has('s')) return this.signedUrl(request);
    const authorization = request.authorization;
    if (!authorization) return this.challenge('credentials-missing');
    const space = authorization.indexOf(' ');
    const scheme = (space > 0 ? authorization.slice(0, space) : authorization).toLowerCase();
    if (scheme === 'basic') return this.basic(request, authorization);
    if (scheme === 'digest') return this.digest(request, authorization);
    return this.challenge('credentials-missing');
  }

  private signedUrl({ fileId, query }: DownloadRequestCredentials): AuthorizationOutcome {
    const deviceId = query.get('d');
    const expiry = query.get('e');
    const signature = query.get('s') ?? '';
    if (deviceId === null || expiry === null || !/^\d{1,12}$/.test(expiry)) return { ok: false, status: 403, reason: 'signature-invalid' };
    if (!constantTimeEqual(signature, this.keys.urlSignature(fileId, deviceId, expiry))) {
      return { ok: false, status: 403, reason: 'signature-invalid', deviceId };
    }
    if (this.expired(expiry)) return { ok: false, status: 403, reason: 'signature-expired', deviceId };
    return { ok: true, deviceId, via: 'signed-url' };
  }

  private basic({ fileId }: DownloadRequestCredentials, header: string): AuthorizationOutcome {
    const decoded = Buffer.from(header.slice(header.indexOf(' ') + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const token = parseUsername(username);
    if (!token || !basicCredentialsMatch(header, { username, password: this.keys.password(fileId, username) })) {
      return this.challenge('credentials-invalid', token?.deviceId);
    }
    return this.unexpired(token, 'basic');
  }

  private digest({ fileId, method, uri }: DownloadRequestCredentials, header: string): AuthorizationOutcome {
    const given = parseDigestAuthorization(header);
    if (!given || given.realm !== this.options.realm || !sameTarget(given.uri, uri)) return this.challenge('credentials-invalid');
    const token = parseUsername(given.username);
    const nonce = this.nonces.check(given.nonce);
    if (!token || nonce === 'forged') return this.challenge('credentials-invalid', token?.deviceId);
    if (!digestCredentialsMatch(given, { username: given.username, password: this.keys.password(fileId, given.username) }, method)) {
      return this.challenge('credentials-invalid', token.deviceId);
    }
    // Expired credentials first: a fresh nonce would not help them.
    const outcome = this.unexpired(token, 'digest');
    // Right password, old nonce: the CPE should retry with a fresh nonce, not conclude its password is wrong.
    if (outcome.ok && nonce === 'expired') return this.challenge('nonce-stale', token.deviceId);
    return outcome;
  }

  private unexpired(token: UsernameToken, via: 'basic' | 'digest'): AuthorizationOutcome {
    if (this.expired(token.expiry)) return { ok: false, status: 403, reason: 'credentials-expired', deviceId: token.deviceId };
    return { ok: true, deviceId: token.deviceId, via };
  }

  private expired(expirySeconds: string): boolean {
    return this.now() >= Number(expirySeconds) * 1000;
  }

  /** Offers Digest (SHA-256, then MD5) and Basic: CPEs pick the one they know, and the password is one download's. */
  private challenge(reason: RefusalReason, deviceId?: string): AuthorizationOutcome {
    const realm = this.options.realm;
    const nonce = this.nonces.issue();
    const stale = reason === 'nonce-stale';
    const challenge = [...OFFERED_DIGEST.map((algorithm) => digestChallenge({ realm, algorithm, nonce, stale })), `Basic realm="${realm}"`];
    return { ok: false, status: 401, reason, challenge, deviceId };
  }
}

interface UsernameToken {
  expiry: string;
  deviceId: string;
}

function parseUsername(username: string): UsernameToken | undefined {
  const parts = username.split('.');
  if (parts.length !== 3 || parts[0] !== USERNAME_PREFIX || !/^\d{1,12}$/.test(parts[1]!) || parts[2] === '') return undefined;
  const deviceId = Buffer.from(parts[2]!, 'base64url').toString('utf8');
  return { expiry: parts[1]!, deviceId };
}

/** Whether a Digest answer's uri names this request (a few clients send the absolute URL instead of the path). */
function sameTarget(given: string, actual: string): boolean {
  if (given === actual) return true;
  try {
    const a = new URL(given, 'http://target.invalid');
    const b = new URL(actual, 'http://target.invalid');
    return a.pathname === b.pathname && a.search === b.search;
  } catch {
    return false;
  }
}
