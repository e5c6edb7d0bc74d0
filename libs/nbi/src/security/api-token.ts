import { createHash, randomBytes } from 'node:crypto';

/** Marks our tokens, so secret scanners and people recognise one in a log or a paste. */
export const API_TOKEN_PREFIX = 'acs_';

const TOKEN_BYTES = 32;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A new API token and the digest to put in the client registry. The token is shown once to whoever asked for it;
 * only the digest is stored.
 */
export function generateApiToken(): { token: string; sha256: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, sha256: hashApiToken(token) };
}

/**
 * SHA-256 (hex) of a token. A plain, fast hash is enough here, unlike for passwords: a token carries 256 random bits,
 * so nobody can guess it from its digest, and a slow KDF would cost every call its latency for nothing.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
