import { StatelessDigestNonces } from './digest-nonces';

describe('StatelessDigestNonces', () => {
  const clock = { now: 1_000_000 };
  const nonces = new StatelessDigestNonces(Buffer.from('shared'), 60_000, () => clock.now);

  it('checks a nonce on any holder of the secret until it expires', () => {
    const nonce = nonces.issue();
    expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{22}$/);
    const peer = new StatelessDigestNonces(Buffer.from('shared'), 60_000, () => clock.now);
    expect(peer.check(nonce)).toBe('fresh');
    clock.now += 60_001;
    expect(peer.check(nonce)).toBe('expired');
  });

  it('calls forged what another secret signed or what was altered', () => {
    const nonce = nonces.issue();
    expect(new StatelessDigestNonces(Buffer.from('other'), 60_000, () => clock.now).check(nonce)).toBe('forged');
    const [stamp, salt, signature] = nonce.split('.');
    expect(nonces.check(`${(parseInt(stamp!, 36) + 1).toString(36)}.${salt}.${signature}`)).toBe('forged');
    expect(nonces.check('0.AAAA.BBBB')).toBe('forged');
    expect(nonces.check('no-dots')).toBe('forged');
    expect(nonces.check('')).toBe('forged');
  });

  it('issues a different nonce each time, even within one millisecond', () => {
    expect(nonces.issue()).not.toBe(nonces.issue());
  });
});
