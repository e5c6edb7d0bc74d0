import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './http-digest';

export type NonceVerdict = 'fresh' | 'expired' | 'forged';

/**
 * Digest nonces that need no memory (ADR 4): `time.salt.HMAC-SHA256(secret, time.salt)`. Whoever holds the secret
 * can check any nonce it or a peer issued, so a challenge from one ACS pod may be answered on another, and a
 * simulator serving thousands of CPEs keeps nothing per challenge. Nonce counts are not tracked: a nonce can be
 * replayed within its lifetime.
 */
export class StatelessDigestNonces {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    const stamp = this.now().toString(36);
    const salt = randomBytes(6).toString('base64url');
    return `${stamp}.${salt}.${this.sign(`${stamp}.${salt}`)}`;
  }

  /** 'expired' still proves the nonce is ours: with a right answer the server says `stale=true`, not "wrong password". */
  check(nonce: string): NonceVerdict {
    const parts = nonce.split('.');
    if (parts.length !== 3 || !constantTimeEqual(parts[2]!, this.sign(`${parts[0]}.${parts[1]}`))) return 'forged';
    const issuedAt = parseInt(parts[0]!, 36);
    return this.now() - issuedAt > this.ttlMs ? 'expired' : 'fresh';
  }

  private sign(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('base64url').slice(0, 22);
  }
}
