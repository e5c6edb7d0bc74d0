import type { AuthLockoutStore, LockoutKey, LockoutPolicy } from '@acs/platform';

import { type ContractFactory, type ContractSubject, uniqueToken } from './contract-subject';

const POLICY: LockoutPolicy = { threshold: 3, windowMs: 60_000, baseLockoutMs: 1_000, maxLockoutMs: 4_000 };

/**
 * The AuthLockoutStore port's rules, run against any adapter. Time is the `now` every call takes: the suite moves it
 * by hand from the real clock's present, so nothing waits and the Redis keys' own TTLs stay realistic.
 */
export function describeAuthLockoutStoreContract(name: string, factory: ContractFactory<AuthLockoutStore>): void {
  describe(`AuthLockoutStore contract: ${name}`, () => {
    let subject: ContractSubject<AuthLockoutStore> | undefined;
    let store: AuthLockoutStore;
    let device: string;
    let source: string;
    let t0: number;

    beforeEach(async () => {
      subject = await factory();
      store = subject.adapter;
      device = `contract-{${uniqueToken()}}`;
      source = `2001:db8:${parseInt(uniqueToken(2), 16).toString(16)}::/64`;
      t0 = Date.now();
    });
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    const failTimes = async (key: LockoutKey, times: number, at: number, policy = POLICY) => {
      const outcomes = [];
      for (let i = 0; i < times; i++) outcomes.push(await store.recordFailure(key, at, policy));
      return outcomes;
    };

    it('locks a key when its failures reach the threshold within a window, and only that key', async () => {
      const deviceKey: LockoutKey = { scope: 'device', deviceId: device };
      const pairKey: LockoutKey = { scope: 'device', deviceId: device, source };
      const sourceKey: LockoutKey = { scope: 'source', source };
      expect(await store.lockedUntil([deviceKey, pairKey, sourceKey], t0)).toEqual([0, 0, 0]);
      const outcomes = await failTimes(deviceKey, 3, t0);
      expect(outcomes.map((o) => o.lockStarted)).toEqual([false, false, true]);
      expect(outcomes[0]).toMatchObject({ lockedUntil: 0, strikes: 0 });
      expect(outcomes[0]!.failures).toBeCloseTo(1);
      expect(outcomes[2]).toMatchObject({ lockedUntil: t0 + 1_000, strikes: 1 });
      expect(await store.lockedUntil([deviceKey, pairKey, sourceKey], t0 + 999)).toEqual([t0 + 1_000, 0, 0]);
      expect(await store.lockedUntil([deviceKey], t0 + 1_000)).toEqual([0]);
    });

    it('lets failures decay: as many spread over several windows lock nothing', async () => {
      const key: LockoutKey = { scope: 'source', source };
      for (let i = 0; i < 10; i++) {
        const outcome = await store.recordFailure(key, t0 + i * 2 * POLICY.windowMs, POLICY);
        expect(outcome.lockStarted).toBe(false);
      }
      expect(await store.lockedUntil([key], t0 + 20 * POLICY.windowMs)).toEqual([0]);
    });

    it('neither counts nor extends failures while a key is locked', async () => {
      const key: LockoutKey = { scope: 'device', deviceId: device };
      await failTimes(key, 3, t0);
      const during = await failTimes(key, 5, t0 + 500);
      expect(during.every((o) => !o.lockStarted && o.lockedUntil === t0 + 1_000 && o.strikes === 1)).toBe(true);
      // After the lockout the count starts from nothing: two more failures do not lock, the third does.
      const after = await failTimes(key, 3, t0 + 1_000);
      expect(after.map((o) => o.lockStarted)).toEqual([false, false, true]);
    });

    it('doubles each further lockout up to the cap', async () => {
      const key: LockoutKey = { scope: 'device', deviceId: device, source };
      let now = t0;
      const lengths: number[] = [];
      for (let strike = 1; strike <= 5; strike++) {
        const [, , last] = await failTimes(key, 3, now);
        expect(last).toMatchObject({ lockStarted: true, strikes: strike });
        lengths.push(last!.lockedUntil - now);
        now = last!.lockedUntil;
      }
      expect(lengths).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    });

    it('forgets the back-off of a key that stayed quiet long enough', async () => {
      const key: LockoutKey = { scope: 'source', source };
      const [, , first] = await failTimes(key, 3, t0);
      const [, , second] = await failTimes(key, 3, first!.lockedUntil);
      expect(second!.lockedUntil - first!.lockedUntil).toBe(2_000);
      const quietUntil = second!.lockedUntil + POLICY.maxLockoutMs + 4 * POLICY.windowMs;
      const [, , third] = await failTimes(key, 3, quietUntil);
      expect(third).toMatchObject({ lockStarted: true, strikes: 1, lockedUntil: quietUntil + 1_000 });
    });

    it('counts locked keys by scope, leaving out lockouts that ended', async () => {
      const before = { device: await store.lockedCount('device', t0), source: await store.lockedCount('source', t0) };
      await failTimes({ scope: 'device', deviceId: device }, 3, t0);
      await failTimes({ scope: 'device', deviceId: device, source }, 3, t0);
      await failTimes({ scope: 'source', source }, 3, t0);
      expect(await store.lockedCount('device', t0 + 10)).toBe(before.device + 2);
      expect(await store.lockedCount('source', t0 + 10)).toBe(before.source + 1);
      // Other runs sharing the store may hold lockouts of their own: compare with what ended here.
      expect(await store.lockedCount('device', t0 + 1_000)).toBeLessThanOrEqual(before.device);
    });

    it('remembers the sources a device authenticated from, for a while', async () => {
      const policy = { ttlMs: 10_000, maxPerDevice: 4 };
      expect(await store.isKnownSource(device, source, t0, policy.ttlMs)).toBe(false);
      await store.rememberSource(device, source, t0, policy);
      expect(await store.isKnownSource(device, source, t0 + 1, policy.ttlMs)).toBe(true);
      expect(await store.isKnownSource(device, '192.0.2.1', t0 + 1, policy.ttlMs)).toBe(false);
      expect(await store.isKnownSource(`${device}-other`, source, t0 + 1, policy.ttlMs)).toBe(false);
      expect(await store.isKnownSource(device, source, t0 + 10_000, policy.ttlMs)).toBe(false);
      await store.rememberSource(device, source, t0 + 9_000, policy);
      expect(await store.isKnownSource(device, source, t0 + 10_000, policy.ttlMs)).toBe(true);
    });

    it('keeps only the most recent sources of a device', async () => {
      const policy = { ttlMs: 60_000, maxPerDevice: 2 };
      for (let i = 1; i <= 3; i++) await store.rememberSource(device, `192.0.2.${i}`, t0 + i, policy);
      const known = [];
      for (let i = 1; i <= 3; i++) known.push(await store.isKnownSource(device, `192.0.2.${i}`, t0 + 10, policy.ttlMs));
      expect(known).toEqual([false, true, true]);
      // Authenticating again from a kept source makes it the most recent.
      await store.rememberSource(device, '192.0.2.2', t0 + 20, policy);
      await store.rememberSource(device, '192.0.2.4', t0 + 21, policy);
      expect(await store.isKnownSource(device, '192.0.2.2', t0 + 30, policy.ttlMs)).toBe(true);
      expect(await store.isKnownSource(device, '192.0.2.3', t0 + 30, policy.ttlMs)).toBe(false);
    });

    it('answers its health check', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
