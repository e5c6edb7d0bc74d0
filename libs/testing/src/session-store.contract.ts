import { newSessionId, type SessionRecord, type SessionStore } from '@acs/platform';

import { type ContractFactory, type ContractSubject, sleep, uniqueToken } from './contract-subject';

/** A fresh session record for `deviceId`, started now, at revision 0. */
export function sampleSession(deviceId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: newSessionId(deviceId, uniqueToken(12)),
    deviceId,
    cwmpVersion: '1.2',
    turn: 'cpe',
    rpcCount: 0,
    requestCount: 1,
    startedAt: now,
    deadline: now + 30_000,
    events: ['2 PERIODIC'],
    holdRequests: false,
    planWaitOver: false,
    openedBy: 'contract-test',
    revision: 0,
    ...overrides,
  };
}

const TTL = 30_000;
const SUPERSEDE = 5_000;

/**
 * The SessionStore port's rules, run against any adapter. TTL tests use TTLs of a few hundred ms and wait a little
 * longer, so every test stays well under 2 s.
 */
export function describeSessionStoreContract(name: string, factory: ContractFactory<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let subject: ContractSubject<SessionStore> | undefined;
    let store: SessionStore;
    let device: string;

    beforeEach(async () => {
      subject = await factory();
      store = subject.adapter;
      device = `contract-${uniqueToken()}`;
    });
    afterEach(async () => {
      // Absent when the factory failed (server down): the test already failed with the factory's message.
      await subject?.cleanup();
      subject = undefined;
    });

    it('opens a session on a free device and finds it by id and by device', async () => {
      const record = sampleSession(device, {
        outstanding: { rpcId: 'r1', itemId: 'i1', taskId: 't1', method: 'Reboot', request: { kind: 'Reboot', commandKey: 'k' }, sentAt: 1 },
      });
      await expect(store.open(record, TTL, SUPERSEDE)).resolves.toEqual({ opened: true });
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.byDevice(device)).toEqual(record);
    });

    it('refuses a second session of a device while the first is younger than supersedeAfterMs', async () => {
      const first = sampleSession(device);
      const second = sampleSession(device);
      await store.open(first, TTL, SUPERSEDE);
      await expect(store.open(second, TTL, SUPERSEDE)).resolves.toEqual({ opened: false, reason: 'busy', holder: first });
      expect(await store.get(second.id)).toBeNull();
      expect(await store.byDevice(device)).toEqual(first);
    });

    it('supersedes an older session: returns it, deletes it and its plan mark, and takes the lock', async () => {
      const old = sampleSession(device, { startedAt: Date.now() - 2 * SUPERSEDE });
      const next = sampleSession(device);
      await store.open(old, TTL, SUPERSEDE);
      await store.markPlanned(device, old.id, TTL);
      await expect(store.open(next, TTL, SUPERSEDE)).resolves.toEqual({ opened: true, superseded: old });
      expect(await store.get(old.id)).toBeNull();
      expect(await store.isPlanned(device, old.id)).toBe(false);
      expect(await store.byDevice(device)).toEqual(next);
    });

    it('forgets a session after its TTL and lets the next one open without superseding', async () => {
      const short = sampleSession(device);
      await store.open(short, 300, SUPERSEDE);
      await sleep(450);
      expect(await store.get(short.id)).toBeNull();
      expect(await store.byDevice(device)).toBeNull();
      await expect(store.open(sampleSession(device), TTL, SUPERSEDE)).resolves.toEqual({ opened: true });
    });

    it('keeps sessions of different devices apart', async () => {
      const a = sampleSession(device);
      const b = sampleSession(`${device}-other`);
      await expect(store.open(a, TTL, SUPERSEDE)).resolves.toEqual({ opened: true });
      await expect(store.open(b, TTL, SUPERSEDE)).resolves.toEqual({ opened: true });
      expect(await store.byDevice(a.deviceId)).toEqual(a);
      expect(await store.byDevice(b.deviceId)).toEqual(b);
    });

    it('handles device ids with braces, percent signs and non-ASCII characters', async () => {
      const odd = sampleSession(`${device}-{x}%7B-ü}`);
      await store.open(odd, TTL, SUPERSEDE);
      expect(await store.get(odd.id)).toEqual(odd);
      expect(await store.byDevice(odd.deviceId)).toEqual(odd);
      expect(await store.byDevice(device)).toBeNull();
      await store.close(odd);
      expect(await store.byDevice(odd.deviceId)).toBeNull();
    });

    it('answers null for unknown and malformed session ids', async () => {
      expect(await store.get(sampleSession(device).id)).toBeNull();
      expect(await store.get('not-a-session-id')).toBeNull();
      expect(await store.get('')).toBeNull();
      expect(await store.byDevice(device)).toBeNull();
    });

    it('writes an update only on the next revision', async () => {
      const record = sampleSession(device);
      await store.open(record, TTL, SUPERSEDE);
      const next = { ...record, turn: 'acs' as const, rpcCount: 1, revision: 1 };
      expect(await store.update(next, TTL)).toBe(true);
      expect(await store.get(record.id)).toEqual(next);
      expect(await store.update({ ...next, rpcCount: 7 }, TTL)).toBe(false); // same revision again: stale
      expect(await store.update({ ...next, revision: 5 }, TTL)).toBe(false); // skips revisions
      expect(await store.get(record.id)).toEqual(next);
    });

    it('lets exactly one of two concurrent updates from the same revision win', async () => {
      const record = sampleSession(device);
      await store.open(record, TTL, SUPERSEDE);
      const left = { ...record, openedBy: 'left', revision: 1 };
      const right = { ...record, openedBy: 'right', revision: 1 };
      const results = await Promise.all([store.update(left, TTL), store.update(right, TTL)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(record.id)).toEqual(results[0] ? left : right);
    });

    it('refuses to update a session that is gone', async () => {
      const record = sampleSession(device);
      expect(await store.update({ ...record, revision: 1 }, TTL)).toBe(false);
      await store.open(record, TTL, SUPERSEDE);
      await store.close(record);
      expect(await store.update({ ...record, revision: 1 }, TTL)).toBe(false);
      expect(await store.get(record.id)).toBeNull();
    });

    it('refreshes the TTL of the session and its lock on update', async () => {
      const record = sampleSession(device);
      // Each step lands 1.2 s into a 2 s TTL: the record outlives the first 2 s only if the update renewed it, and the
      // 0.8 s to spare lets a busy machine be late.
      await store.open(record, 2_000, SUPERSEDE);
      await sleep(1_200);
      expect(await store.update({ ...record, revision: 1 }, 2_000)).toBe(true);
      await sleep(1_200);
      expect(await store.get(record.id)).toMatchObject({ revision: 1 });
      expect(await store.byDevice(device)).toMatchObject({ id: record.id });
      const busy = await store.open(sampleSession(device), TTL, SUPERSEDE);
      expect(busy.opened).toBe(false);
    });

    it('closes: deletes the record, the plan mark and the lock; closing again is a no-op', async () => {
      const record = sampleSession(device);
      await store.open(record, TTL, SUPERSEDE);
      await store.markPlanned(device, record.id, TTL);
      await store.close(record);
      expect(await store.get(record.id)).toBeNull();
      expect(await store.byDevice(device)).toBeNull();
      expect(await store.isPlanned(device, record.id)).toBe(false);
      await expect(store.close(record)).resolves.toBeUndefined();
      await expect(store.open(sampleSession(device), TTL, SUPERSEDE)).resolves.toEqual({ opened: true });
    });

    it('releases the device lock only for the session holding it', async () => {
      const old = sampleSession(device, { startedAt: Date.now() - 2 * SUPERSEDE });
      const next = sampleSession(device);
      await store.open(old, TTL, SUPERSEDE);
      await store.open(next, TTL, SUPERSEDE);
      await store.close(old); // the superseded session's late close
      expect(await store.byDevice(device)).toEqual(next);
      const third = await store.open(sampleSession(device), TTL, SUPERSEDE);
      expect(third).toEqual({ opened: false, reason: 'busy', holder: next });
      await store.close({ id: sampleSession(device).id, deviceId: device }); // a session that never existed
      expect(await store.byDevice(device)).toEqual(next);
    });

    it('binds client addresses to sessions, rebinds, and forgets them after their TTL', async () => {
      const a = sampleSession(device);
      const b = sampleSession(device);
      const address = `192.0.2.${Number.parseInt(uniqueToken(1), 16)}:${device}`;
      expect(await store.sessionForAddress(address)).toBeNull();
      await store.bindAddress(address, a.id, TTL);
      expect(await store.sessionForAddress(address)).toBe(a.id);
      // Long enough for the reads below on a busy machine; the wait after it is longer still.
      await store.bindAddress(address, b.id, 1_000);
      expect(await store.sessionForAddress(address)).toBe(b.id);
      expect(await store.sessionForAddress(`${address}-other`)).toBeNull();
      await sleep(1_200);
      expect(await store.sessionForAddress(address)).toBeNull();
    });

    it("keeps provisioning's planned mark per session, until its TTL", async () => {
      const record = sampleSession(device);
      const other = sampleSession(device);
      expect(await store.isPlanned(device, record.id)).toBe(false);
      await store.markPlanned(device, record.id, 1_000);
      expect(await store.isPlanned(device, record.id)).toBe(true);
      expect(await store.isPlanned(device, other.id)).toBe(false);
      expect(await store.isPlanned(`${device}-other`, record.id)).toBe(false);
      await sleep(1_200);
      expect(await store.isPlanned(device, record.id)).toBe(false);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('counts a pod’s sessions in flight until any pod ends them or they expire', async () => {
      const pod = `pod-${uniqueToken()}`;
      const now = Date.now();
      await store.trackOpened(pod, 's1', now + 60_000);
      await store.trackOpened(pod, 's2', now + 60_000);
      // Expires after the counts below are read, even on a busy machine, and before the wait after them ends.
      await store.trackOpened(pod, 's3', now + 1_000);
      await store.trackOpened(`${pod}-other`, 's4', now + 60_000);
      expect(await store.openedCount(pod)).toBe(3);
      await store.trackClosed(pod, 's1');
      await store.trackClosed(pod, 's1');
      expect(await store.openedCount(pod)).toBe(2);
      await sleep(Math.max(0, now + 1_200 - Date.now()));
      expect(await store.openedCount(pod)).toBe(1);
      expect(await store.openedCount(`${pod}-other`)).toBe(1);
      expect(await store.openedCount(`${pod}-never`)).toBe(0);
    });
  });
}
