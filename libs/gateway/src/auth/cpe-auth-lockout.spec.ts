import { createHash } from 'node:crypto';
import { parseAuthChallenges } from '@acs/cwmp';
import { InProcessAuthLockoutStore, type LockoutScope } from '@acs/platform';

import { CpeAuthLockout, type CpeLockoutConfig, type LockoutObserver, type LockoutStarted } from './cpe-auth-lockout';
import { CpeAuthenticator, type AuthOutcome } from './cpe-authenticator';
import { FileCpeCredentialStore } from './cpe-credentials';

const CONFIG: CpeLockoutConfig = {
  enabled: true,
  deviceThreshold: 5,
  sourceThreshold: 8,
  windowMs: 60_000,
  baseLockoutMs: 60_000,
  maxLockoutMs: 240_000,
  knownSourceTtlMs: 86_400_000,
  knownSourcesPerDevice: 4,
};

class RecordingObserver implements LockoutObserver {
  readonly failures: string[] = [];
  readonly started: Array<LockoutStarted & { deviceId: string; source: string }> = [];
  readonly refusals: LockoutScope[] = [];
  failure(reason: string): void {
    this.failures.push(reason);
  }
  lockoutStarted(started: LockoutStarted, deviceId: string, source: string): void {
    this.started.push({ ...started, deviceId, source });
  }
  refused(scope: LockoutScope): void {
    this.refusals.push(scope);
  }
}

/** Credentials the authenticator looked up, so a test can prove a locked-out request never reached them. */
class CountingCredentials extends FileCpeCredentialStore {
  lookups = 0;
  override async forDevice(deviceId: string) {
    this.lookups += 1;
    return super.forDevice(deviceId);
  }
}

function digestAnswer(challenges: string[], user: string, password: string): string {
  const { nonce, realm } = parseAuthChallenges(challenges)[0]!.params;
  const h = (s: string) => createHash('sha256').update(s).digest('hex');
  const response = h(`${h(`${user}:${realm}:${password}`)}:${nonce}:00000001:c:auth:${h('POST:/')}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="/", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c", response="${response}"`;
}

function harness(config: Partial<CpeLockoutConfig> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const observer = new RecordingObserver();
  const lockout = new CpeAuthLockout(new InProcessAuthLockoutStore(), { ...CONFIG, ...config }, observer, () => clock.now);
  const credentials = new CountingCredentials({
    victim: { username: 'victim', password: 'right' },
    neighbour: { username: 'neighbour', password: 'right' },
    newcomer: { username: 'newcomer', password: 'right' },
  });
  const auth = new CpeAuthenticator(
    { mode: 'digest', realm: 'acs', acceptUnknown: false, nonceSecret: Buffer.from('k'), nonceTtlMs: 600_000 },
    credentials,
    () => clock.now,
    lockout,
  );
  /** One Inform's two legs (challenge, answer) as a CPE runs them; the answer's outcome. */
  const attempt = async (deviceId: string, password: string, source: string): Promise<AuthOutcome> => {
    const challenge = await auth.authenticate(deviceId, undefined, 'POST', source);
    if (challenge.ok || challenge.status !== 401) return challenge;
    return auth.authenticate(deviceId, digestAnswer(challenge.challenge, deviceId, password), 'POST', source);
  };
  /** A guess sent with credentials straight away (answering a challenge got for a real device), as a scanner does. */
  const guess = async (deviceId: string, source: string): Promise<AuthOutcome> => {
    const challenge = await auth.authenticate('neighbour', undefined, 'POST');
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    return auth.authenticate(deviceId, digestAnswer(challenge.challenge, deviceId, 'guess'), 'POST', source);
  };
  return { clock, observer, lockout, credentials, auth, attempt, guess };
}

describe('CpeAuthLockout', () => {
  const ATTACKER = '198.51.100.66';
  const HOME = '203.0.113.7';

  it('locks a device id after its threshold of wrong passwords, refusing even the right one unchecked', async () => {
    const h = harness();
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await h.attempt('victim', `guess-${i}`, ATTACKER));
    expect(outcomes.map((o) => !o.ok && o.reason)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    expect(h.observer.started).toEqual([expect.objectContaining({ scope: 'device', deviceId: 'victim', strikes: 1, lockedUntil: h.clock.now + 60_000 })]);
    const lookups = h.credentials.lookups;
    expect(await h.attempt('victim', 'right', ATTACKER)).toEqual({ ok: false, status: 503, reason: 'locked-out', scope: 'device', retryAfterMs: 60_000 });
    // Only the challenge leg looked at the store; the answer was refused before its credentials were read.
    expect(h.credentials.lookups).toBe(lookups + 1);
    expect(h.observer.refusals).toEqual(['device']);
    expect(h.observer.failures).toHaveLength(5);
  });

  it('serves other devices from the same source while only the device is locked', async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) await h.attempt('victim', 'wrong', ATTACKER);
    expect(await h.attempt('neighbour', 'right', ATTACKER)).toEqual({ ok: true });
  });

  it('locks a source that guesses across many device ids, even ids that do not exist', async () => {
    const h = harness();
    for (let i = 0; i < 4; i++) await h.attempt('victim', 'wrong', ATTACKER);
    for (let i = 0; i < 4; i++) expect(await h.guess(`invented-${i}`, ATTACKER)).toMatchObject({ status: 403 });
    expect(h.observer.started.map((s) => s.scope)).toEqual(['source']);
    expect(await h.attempt('newcomer', 'right', ATTACKER)).toMatchObject({ status: 503, scope: 'source' });
    // Elsewhere the same devices are served: the device keys are below their threshold.
    expect(await h.attempt('victim', 'right', HOME)).toEqual({ ok: true });
    expect(h.observer.failures.filter((f) => f === 'unknown-device')).toHaveLength(4);
  });

  it('doubles each further lockout up to the cap, and a lockout ends by itself', async () => {
    const h = harness();
    const lengths: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 5; i++) await h.attempt('victim', 'wrong', ATTACKER);
      const refused = await h.attempt('victim', 'wrong', ATTACKER);
      if (refused.ok || refused.status !== 503) throw new Error(`round ${round}: expected a lockout, got ${JSON.stringify(refused)}`);
      lengths.push(refused.retryAfterMs);
      h.clock.now += refused.retryAfterMs;
    }
    expect(lengths).toEqual([60_000, 120_000, 240_000, 240_000]);
    // Over: the device authenticates again with its password.
    expect(await h.attempt('victim', 'right', ATTACKER)).toEqual({ ok: true });
  });

  it('forgets failures that decayed: a slow trickle of mistakes never locks', async () => {
    const h = harness();
    for (let i = 0; i < 20; i++) {
      expect(await h.attempt('victim', 'wrong', ATTACKER)).toMatchObject({ reason: 'invalid' });
      h.clock.now += 60_000;
    }
    expect(h.observer.started).toEqual([]);
  });

  it('keeps a known-good device working from behind a locked source (NAT), while capping guesses at it there', async () => {
    const h = harness();
    expect(await h.attempt('victim', 'right', HOME)).toEqual({ ok: true });
    // Someone in the same NAT floods other ids: the source locks, the known device does not notice.
    for (let i = 0; i < 8; i++) await h.guess(i < 4 ? 'neighbour' : `invented-${i}`, HOME);
    expect(h.observer.started.map((s) => s.scope)).toContain('source');
    expect(await h.attempt('newcomer', 'right', HOME)).toMatchObject({ status: 503, scope: 'source' });
    expect(await h.attempt('victim', 'right', HOME)).toEqual({ ok: true });
    // Guessing the known device's own password from there is still capped by the device threshold.
    for (let i = 0; i < 5; i++) await h.attempt('victim', 'wrong', HOME);
    expect(await h.attempt('victim', 'right', HOME)).toMatchObject({ status: 503, scope: 'device' });
  });

  it('lets nobody lock a device out of its known-good source by guessing its id from elsewhere', async () => {
    const h = harness();
    expect(await h.attempt('victim', 'right', HOME)).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) await h.attempt('victim', 'wrong', ATTACKER);
    expect(await h.attempt('victim', 'right', ATTACKER)).toMatchObject({ status: 503, scope: 'device' });
    expect(await h.attempt('victim', 'right', HOME)).toEqual({ ok: true });
  });

  it('forgets a known-good source after its TTL', async () => {
    const h = harness();
    await h.attempt('victim', 'right', HOME);
    h.clock.now += CONFIG.knownSourceTtlMs;
    for (let i = 0; i < 5; i++) await h.attempt('victim', 'wrong', ATTACKER);
    expect(await h.attempt('victim', 'right', HOME)).toMatchObject({ status: 503, scope: 'device' });
  });

  it('counts nothing for a stale nonce with the right password, nor when the lockout is off', async () => {
    const h = harness();
    const challenge = await h.auth.authenticate('victim', undefined, 'POST', ATTACKER);
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    const answer = digestAnswer(challenge.challenge, 'victim', 'right');
    h.clock.now += 700_000;
    expect(await h.auth.authenticate('victim', answer, 'POST', ATTACKER)).toMatchObject({ reason: 'stale' });
    expect(h.observer.failures).toEqual([]);

    const off = harness({ enabled: false });
    for (let i = 0; i < 20; i++) expect(await off.attempt('victim', 'wrong', ATTACKER)).toMatchObject({ reason: 'invalid' });
    expect(off.observer.failures).toEqual([]);
  });
});
