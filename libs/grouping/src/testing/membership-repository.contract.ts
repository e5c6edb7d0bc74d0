import type { LeaseRepository } from '@acs/platform';
import type { GroupRepository, MembershipRepository } from '../repositories/ports';
import type { Group } from '../domain/group';

export interface GroupingRepositoriesUnderTest {
  members: MembershipRepository;
  groups: GroupRepository;
  leases: LeaseRepository;
  cleanup(): Promise<void>;
}

function group(id: string, name: string, revision = 1): Group {
  return { id, name, kind: 'dynamic', filter: 'oui = "00259E"', createdAt: 1, createdBy: 'spec', updatedAt: 1, revision };
}

/** The contract of the membership and group repositories, run on SQLite (sqlite.contract.spec.ts) and MongoDB (mongo.contract.int-spec.ts). */
export function describeGroupingRepositoriesContract(name: string, open: () => Promise<GroupingRepositoriesUnderTest>): void {
  describe(`grouping repositories on ${name}`, () => {
    let under: GroupingRepositoriesUnderTest;
    beforeEach(async () => {
      under = await open();
    });
    afterEach(async () => {
      await under.cleanup();
    });

    it('adds a pair once and removes it once', async () => {
      expect(await under.members.add('g1', 'dev-a', 10)).toBe(true);
      expect(await under.members.add('g1', 'dev-a', 11)).toBe(false);
      expect(await under.members.has('g1', 'dev-a')).toBe(true);
      expect(await under.members.has('g2', 'dev-a')).toBe(false);
      expect(await under.members.remove('g1', 'dev-a')).toBe(true);
      expect(await under.members.remove('g1', 'dev-a')).toBe(false);
      expect(await under.members.has('g1', 'dev-a')).toBe(false);
    });

    it("pages a group's members in device-id order and counts them", async () => {
      const ids = Array.from({ length: 25 }, (_, i) => `dev-${String(i).padStart(3, '0')}`);
      for (const id of [...ids].reverse()) await under.members.add('g1', id, 1);
      await under.members.add('g2', 'dev-zzz', 1);
      const seen: string[] = [];
      let after = '';
      let pages = 0;
      do {
        const page = await under.members.members('g1', { after, limit: 10 });
        seen.push(...page.deviceIds);
        after = page.next;
        pages += 1;
      } while (after !== '');
      expect(seen).toEqual(ids);
      expect(pages).toBe(3);
      expect(await under.members.count('g1')).toBe(25);
      expect(await under.members.count('g3')).toBe(0);
      expect(await under.members.members('g1', { after: '', limit: 0 })).toEqual({ deviceIds: [], next: '' });
    });

    it('lists the groups of a device', async () => {
      await under.members.add('g2', 'dev-a', 1);
      await under.members.add('g1', 'dev-a', 1);
      await under.members.add('g1', 'dev-b', 1);
      expect(await under.members.groupsOf('dev-a')).toEqual(['g1', 'g2']);
      expect(await under.members.groupsOf('dev-c')).toEqual([]);
    });

    it("removes every pair of a group and no other's", async () => {
      // Few enough for FerretDB, which deletes one document in about 15 ms.
      for (let i = 0; i < 120; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => under.members.add('g1', `dev-${i + j}`, 1)));
      await under.members.add('g2', 'dev-1', 1);
      expect(await under.members.removeGroup('g1')).toBe(120);
      expect(await under.members.count('g1')).toBe(0);
      expect(await under.members.groupsOf('dev-1')).toEqual(['g2']);
    });

    it("removes every pair of a device and no other's", async () => {
      await under.members.add('g1', 'dev-a', 1);
      await under.members.add('g2', 'dev-a', 1);
      await under.members.add('g1', 'dev-b', 1);
      expect(await under.members.removeDevice('dev-a')).toBe(2);
      expect(await under.members.removeDevice('dev-a')).toBe(0);
      expect(await under.members.groupsOf('dev-a')).toEqual([]);
      expect(await under.members.groupsOf('dev-b')).toEqual(['g1']);
    });

    it('leases a work to one owner until it expires, renewed by its holder, taken over after', async () => {
      expect(await under.leases.acquire('work', 'pod-a', 1000, 2000)).toBe(true);
      expect(await under.leases.acquire('work', 'pod-b', 1500, 2500)).toBe(false);
      expect(await under.leases.acquire('work', 'pod-a', 1900, 2900)).toBe(true);
      expect(await under.leases.acquire('work', 'pod-b', 2500, 3500)).toBe(false);
      // pod-a stops renewing: once expired, pod-b takes it and pod-a's renewal fails.
      expect(await under.leases.acquire('work', 'pod-b', 2900, 3900)).toBe(true);
      expect(await under.leases.acquire('work', 'pod-a', 3000, 4000)).toBe(false);
      expect(await under.leases.acquire('other work', 'pod-a', 3000, 4000)).toBe(true);
      // Released: the next try of another pod takes it at once.
      await under.leases.release('work', 'pod-a');
      expect(await under.leases.acquire('work', 'pod-a', 3100, 4100)).toBe(false);
      await under.leases.release('work', 'pod-b');
      expect(await under.leases.acquire('work', 'pod-a', 3100, 4100)).toBe(true);
    });

    it('lets one of two pods racing for a free or expired lease have it', async () => {
      const race = async (now: number) => (await Promise.all(['pod-a', 'pod-b', 'pod-c'].map((pod) => under.leases.acquire('race', pod, now, now + 1000)))).filter(Boolean).length;
      expect(await race(0)).toBe(1);
      expect(await race(5000)).toBe(1);
    });

    it('keeps group names unique, and frees a name on rename and delete', async () => {
      await under.groups.insert(group('g1', 'business'));
      await expect(under.groups.insert(group('g2', 'business'))).rejects.toMatchObject({ name: 'ConflictError', kind: 'already-exists' });
      await under.groups.update({ ...group('g1', 'business tier'), revision: 2 }, 1);
      await under.groups.insert(group('g2', 'business'));
      await expect(under.groups.update({ ...group('g2', 'business tier'), revision: 2 }, 1)).rejects.toMatchObject({ kind: 'already-exists' });
      expect(await under.groups.delete('g1')).toBe(true);
      await under.groups.update({ ...group('g2', 'business tier'), revision: 2 }, 1);
      expect((await under.groups.all()).map((g) => g.name)).toEqual(['business tier']);
    });

    it('updates a group only at the revision read', async () => {
      await under.groups.insert(group('g1', 'a'));
      await under.groups.update({ ...group('g1', 'a'), filter: 'oui = "X"', revision: 2 }, 1);
      await expect(under.groups.update({ ...group('g1', 'a'), revision: 2 }, 1)).rejects.toMatchObject({ kind: 'concurrent-write' });
      expect(await under.groups.get('g1')).toMatchObject({ filter: 'oui = "X"', revision: 2 });
    });
  });
}
