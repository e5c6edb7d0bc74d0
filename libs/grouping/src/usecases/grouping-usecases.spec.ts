import { AcsDeviceEventType } from '@acs/contracts';
import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';

import pino from 'pino';

import { GroupingFixture } from '../testing/grouping-fixture';
import { createGroupingCore } from './grouping-usecases';
import type { InventoryDevice } from '../testing/in-memory-inventory';

const VERSION = 'Device.DeviceInfo.SoftwareVersion';
const TIER = 'Device.X_Tier';
const REGION = 'Device.X_Region';

/** Ten devices: even ones in the business tier, the first five in the north. */
function fleet(): InventoryDevice[] {
  return Array.from({ length: 10 }, (_, i) => ({
    id: `00259E-HG8245H-SN${i}`,
    fields: { oui: '00259E', productClass: 'HG8245H', serialNumber: `SN${i}`, softwareVersion: '1.0' },
    parameters: { [TIER]: i % 2 === 0 ? 'business' : 'home', [REGION]: i < 5 ? 'north' : 'south', [VERSION]: '1.0' },
  }));
}
const dev = (i: number) => `00259E-HG8245H-SN${i}`;

describe('grouping use cases (embedded store)', () => {
  let fixture: GroupingFixture;
  beforeEach(async () => {
    fixture = await GroupingFixture.open(fleet());
  });
  afterEach(async () => {
    await fixture.close();
  });

  describe('dynamic groups', () => {
    it('selects the devices its filter matches when created, each with a device-joined event', async () => {
      const { group, evaluation } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' });
      expect(evaluation).toMatchObject({ members: 5, joined: 5, left: 0, groups: 1 });
      expect(await fixture.members(group.id)).toEqual([0, 2, 4, 6, 8].map(dev));
      expect(fixture.published[0]).toMatchObject({ type: 'acs.group.group-created', key: group.id, data: { groupName: 'business', groupKind: 'dynamic', filter: `${TIER} = "business"` } });
      expect(fixture.membershipEvents()).toEqual([0, 2, 4, 6, 8].map((i) => `joined business ${dev(i)} (rule)`));
    });

    it('follows a device whose parameter changes: it joins, then leaves, with events', async () => {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' });
      const from = fixture.published.length;
      await fixture.valueChange(dev(1), { [TIER]: 'business' });
      expect(await fixture.members(group.id)).toContain(dev(1));
      await fixture.valueChange(dev(2), { [TIER]: 'home' });
      expect(await fixture.members(group.id)).not.toContain(dev(2));
      expect(fixture.membershipEvents(from)).toEqual([`joined business ${dev(1)} (rule)`, `left business ${dev(2)} (rule)`]);
      // Both events reported every value the filter reads: provisioning was not asked.
      expect(fixture.inventory.deviceReads).toBe(0);
    });

    it('evaluates only the groups reading what changed, reading provisioning only for values the event lacks', async () => {
      await fixture.useCases.createGroup.execute({ name: 'business north', kind: 'dynamic', filter: `${TIER} = "business" AND ${REGION} = "north"`, createdBy: 'spec' });
      await fixture.useCases.createGroup.execute({ name: 'on 2.0', kind: 'dynamic', filter: `softwareVersion = "2.0"`, createdBy: 'spec' });
      const from = fixture.published.length;
      await fixture.valueChange(dev(3), { 'Device.DeviceInfo.UpTime': 42 });
      expect(fixture.inventory.deviceReads).toBe(0);
      expect(fixture.membershipEvents(from)).toEqual([]);
      // The tier is in the event, the region is not: one read of the device, with the region.
      await fixture.valueChange(dev(3), { [TIER]: 'business' });
      expect(fixture.inventory.deviceReads).toBe(1);
      expect(fixture.membershipEvents(from)).toEqual([`joined business north ${dev(3)} (rule)`]);
    });

    it('takes in a registered device its filter matches, and lets go of a deleted one', async () => {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' });
      const from = fixture.published.length;
      await fixture.register({ id: '00259E-HG8245H-NEW', fields: { oui: '00259E' }, parameters: { [TIER]: 'business' } });
      fixture.inventory.remove(dev(0));
      await fixture.useCases.applyDeviceEvent.execute(AcsDeviceEventType.deleted, { deviceId: dev(0), oui: '00259E', productClass: 'HG8245H', serialNumber: 'SN0' });
      expect(fixture.membershipEvents(from)).toEqual([`joined business 00259E-HG8245H-NEW (rule)`, `left business ${dev(0)} (deleted)`]);
      expect(await fixture.useCases.listDeviceGroups.execute(dev(0))).toEqual([]);
      expect((await fixture.useCases.getGroup.execute(group.id)).members).toBe(5);
    });

    it('follows tags changed through the API from their event alone', async () => {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'vip', kind: 'dynamic', filter: 'tag = "vip"', createdBy: 'spec' });
      const from = fixture.published.length;
      await fixture.tag(dev(3), ['vip', 'lab']);
      await fixture.tag(dev(3), ['lab']);
      await fixture.tag(dev(4), ['vip']);
      expect(fixture.membershipEvents(from)).toEqual([`joined vip ${dev(3)} (rule)`, `left vip ${dev(3)} (rule)`, `joined vip ${dev(4)} (rule)`]);
      expect(await fixture.members(group.id)).toEqual([dev(4)]);
      expect(fixture.inventory.deviceReads).toBe(0);
    });

    it('catches up periodically the groups reading what no event reports, and only those', async () => {
      const recent = await fixture.useCases.createGroup.execute({ name: 'seen lately', kind: 'dynamic', filter: 'lastInform > "2027-01-01T00:00:00Z"', createdBy: 'spec' });
      await fixture.useCases.createGroup.execute({ name: 'seen lately, business', kind: 'dynamic', parentId: recent.group.id, filter: `${TIER} = "business"`, createdBy: 'spec' });
      await fixture.useCases.createGroup.execute({ name: 'vip', kind: 'dynamic', filter: 'tag = "vip"', createdBy: 'spec' });
      // Periodic Informs move lastInform and publish nothing.
      for (const i of [2, 3]) fixture.inventory.setField(dev(i), 'lastInform', Date.UTC(2027, 0, 2));
      const pages = fixture.inventory.pageReads;
      const from = fixture.published.length;
      const summary = await fixture.useCases.reevaluateUneventedGroups.execute();
      expect(summary).toEqual({ groups: 2, joined: 3, left: 0, failed: 0 });
      expect(fixture.membershipEvents(from)).toEqual([
        `joined seen lately ${dev(2)} (rule)`,
        `joined seen lately ${dev(3)} (rule)`,
        `joined seen lately, business ${dev(2)} (rule)`,
      ]);
      // The tag group was not read: one page of the inventory for "seen lately", one for its child.
      expect(fixture.inventory.pageReads - pages).toBe(2);
    });

    it('re-evaluates its members when its filter changes', async () => {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'tier', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' });
      const { evaluation } = await fixture.useCases.updateGroup.execute({ id: group.id, filter: `${TIER} = "home"` });
      expect(evaluation).toMatchObject({ members: 5, joined: 5, left: 5 });
      expect(await fixture.members(group.id)).toEqual([1, 3, 5, 7, 9].map(dev));
      expect(fixture.published.some((event) => event.type === 'acs.group.group-changed')).toBe(true);
    });

    it('refuses a filter that does not parse, naming the field', async () => {
      const creating = fixture.useCases.createGroup.execute({ name: 'broken', kind: 'dynamic', filter: 'softwareVersion = ', createdBy: 'spec' });
      await expect(creating).rejects.toBeInstanceOf(ValidationError);
      await expect(creating).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'filter' })] });
      expect(await fixture.useCases.listGroups.execute()).toEqual([]);
    });
  });

  describe('nested groups', () => {
    it("keep a child's members inside its parent when the parent's filter changes", async () => {
      const { group: north } = await fixture.useCases.createGroup.execute({ name: 'north', kind: 'dynamic', filter: `${REGION} = "north"`, createdBy: 'spec' });
      const { group: business } = await fixture.useCases.createGroup.execute({ name: 'north business', kind: 'dynamic', filter: `${TIER} = "business"`, parentId: north.id, createdBy: 'spec' });
      expect(await fixture.members(business.id)).toEqual([0, 2, 4].map(dev));
      const from = fixture.published.length;
      await fixture.useCases.updateGroup.execute({ id: north.id, filter: `${REGION} = "south"` });
      expect(await fixture.members(business.id)).toEqual([6, 8].map(dev));
      const events = fixture.membershipEvents(from);
      expect(events).toEqual(expect.arrayContaining([0, 2, 4].map((i) => `left north business ${dev(i)} (parent)`)));
      expect(events).toEqual(expect.arrayContaining([6, 8].map((i) => `joined north business ${dev(i)} (rule)`)));
    });

    it("follow a device leaving and rejoining the parent through device events", async () => {
      const { group: north } = await fixture.useCases.createGroup.execute({ name: 'north', kind: 'dynamic', filter: `${REGION} = "north"`, createdBy: 'spec' });
      await fixture.useCases.createGroup.execute({ name: 'north business', kind: 'dynamic', filter: `${TIER} = "business"`, parentId: north.id, createdBy: 'spec' });
      const from = fixture.published.length;
      await fixture.valueChange(dev(2), { [REGION]: 'south' });
      await fixture.valueChange(dev(2), { [REGION]: 'north' });
      expect(fixture.membershipEvents(from)).toEqual([`left north ${dev(2)} (rule)`, `left north business ${dev(2)} (parent)`, `joined north ${dev(2)} (rule)`, `joined north business ${dev(2)} (parent)`]);
    });

    it('make a static child hold only the listed devices that are in its parent', async () => {
      const { group: business } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' });
      const { group: vip } = await fixture.useCases.createGroup.execute({ name: 'vip', kind: 'static', parentId: business.id, createdBy: 'spec' });
      const { changed } = await fixture.useCases.addMembers.execute({ groupId: vip.id, selection: { deviceIds: [dev(0), dev(1)] } });
      expect(changed).toBe(2);
      expect(await fixture.members(vip.id)).toEqual([dev(0)]);
      // dev(1) joins the parent: it was listed, so it joins the child too.
      await fixture.valueChange(dev(1), { [TIER]: 'business' });
      expect(await fixture.members(vip.id)).toEqual([dev(0), dev(1)]);
    });

    it('refuse a cycle: a group as its own parent or under one of its descendants', async () => {
      const { group: a } = await fixture.useCases.createGroup.execute({ name: 'a', kind: 'static', createdBy: 'spec' });
      const { group: b } = await fixture.useCases.createGroup.execute({ name: 'b', kind: 'static', parentId: a.id, createdBy: 'spec' });
      const { group: c } = await fixture.useCases.createGroup.execute({ name: 'c', kind: 'static', parentId: b.id, createdBy: 'spec' });
      await expect(fixture.useCases.updateGroup.execute({ id: a.id, parentId: c.id })).rejects.toMatchObject({ fieldViolations: [expect.objectContaining({ field: 'parentId', reason: 'CYCLE' })] });
      await expect(fixture.useCases.updateGroup.execute({ id: a.id, parentId: a.id })).rejects.toBeInstanceOf(ValidationError);
      expect((await fixture.useCases.getGroup.execute(a.id)).group.parentId).toBeUndefined();
      // Moving c up under a is no cycle.
      await fixture.useCases.updateGroup.execute({ id: c.id, parentId: a.id });
    });

    it('refuse a missing parent, and the deletion of a group that has nested groups', async () => {
      await expect(fixture.useCases.createGroup.execute({ name: 'orphan', kind: 'static', parentId: 'nope', createdBy: 'spec' })).rejects.toBeInstanceOf(NotFoundError);
      const { group: a } = await fixture.useCases.createGroup.execute({ name: 'a', kind: 'static', createdBy: 'spec' });
      const { group: b } = await fixture.useCases.createGroup.execute({ name: 'b', kind: 'static', parentId: a.id, createdBy: 'spec' });
      await expect(fixture.useCases.deleteGroup.execute(a.id)).rejects.toBeInstanceOf(ConflictError);
      await fixture.useCases.deleteGroup.execute(b.id);
      await fixture.useCases.deleteGroup.execute(a.id);
      expect(await fixture.useCases.listGroups.execute()).toEqual([]);
    });
  });

  describe('static groups', () => {
    it('add members by a filter evaluated once: a device matching it later does not join', async () => {
      const { group } = await fixture.useCases.createGroup.execute({ name: 'pilot', kind: 'static', createdBy: 'spec' });
      const { changed, evaluation } = await fixture.useCases.addMembers.execute({ groupId: group.id, selection: { filter: `${REGION} = "north"` } });
      expect({ changed, members: evaluation.members }).toEqual({ changed: 5, members: 5 });
      await fixture.valueChange(dev(7), { [REGION]: 'north' });
      expect(await fixture.members(group.id)).toEqual([0, 1, 2, 3, 4].map(dev));
      await fixture.useCases.removeMembers.execute({ groupId: group.id, selection: { deviceIds: [dev(0)] } });
      expect(await fixture.members(group.id)).toEqual([1, 2, 3, 4].map(dev));
      expect(fixture.membershipEvents().at(-1)).toBe(`left pilot ${dev(0)} (rule)`);
    });

    it('refuse a filter on a static group and explicit members on a dynamic one', async () => {
      await expect(fixture.useCases.createGroup.execute({ name: 'x', kind: 'static', filter: 'oui = "1"', createdBy: 'spec' })).rejects.toBeInstanceOf(ValidationError);
      const { group } = await fixture.useCases.createGroup.execute({ name: 'dyn', kind: 'dynamic', filter: '', createdBy: 'spec' });
      await expect(fixture.useCases.addMembers.execute({ groupId: group.id, selection: { deviceIds: [dev(0)] } })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  it("maintains a group another pod created once its groups are re-read", async () => {
    const other = createGroupingCore({ store: fixture.store, inventory: fixture.inventory, events: { groupCreated: async () => {}, groupChanged: async () => {}, groupDeleted: async () => {}, membershipChanged: async () => {} }, logger: pino({ level: 'silent' }), now: () => fixture.clock.now });
    await fixture.valueChange(dev(1), { [TIER]: 'home' });
    const { group } = await other.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'other pod' });
    fixture.clock.now += 5000;
    await fixture.valueChange(dev(1), { [TIER]: 'business' });
    expect(await fixture.members(group.id)).toContain(dev(1));
  });

  it('keeps names unique', async () => {
    await fixture.useCases.createGroup.execute({ name: 'business', kind: 'static', createdBy: 'spec' });
    await expect(fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: '', createdBy: 'spec' })).rejects.toMatchObject({ kind: 'already-exists' });
  });

  it('pages members and counts them', async () => {
    const { group } = await fixture.useCases.createGroup.execute({ name: 'all', kind: 'dynamic', filter: '', createdBy: 'spec' });
    const first = await fixture.useCases.listGroupMembers.execute({ groupId: group.id, pageToken: '', pageSize: 4 });
    const second = await fixture.useCases.listGroupMembers.execute({ groupId: group.id, pageToken: first.nextPageToken, pageSize: 4 });
    expect(first).toMatchObject({ total: 10, deviceIds: [0, 1, 2, 3].map(dev) });
    expect(second.deviceIds).toEqual([4, 5, 6, 7].map(dev));
    await expect(fixture.useCases.listGroupMembers.execute({ groupId: group.id, pageToken: '', pageSize: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});
