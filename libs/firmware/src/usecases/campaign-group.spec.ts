import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The grouping service itself, on its embedded store: a spec may use another service's lib (production code may not).
import { createGroupingCore, openSqliteGroupingStore, type DeviceInventory as GroupingInventory, type GroupingCore, type SqliteGroupingStore } from '@acs/grouping';
import { ConflictError, ValidationError } from '@acs/platform';
import { DEFAULT_RETRY, type RolloutPolicy } from '@acs/rollout';
import pino from 'pino';

import type { DeviceFacts } from '../domain';
import { InProcessGroupMembers } from '../grouping/group-members';
import { CampaignFixture, chunksOf, type InMemoryInventory } from '../testing';
import type { CampaignCore } from './campaign-usecases';
import { IDS_PER_QUERY } from './campaign-targets';

const OUI = 'A1B2C3';

const POLICY: RolloutPolicy = {
  waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
  windows: [],
  timeZone: 'UTC',
  concurrency: 10,
  mode: 'active',
  retry: DEFAULT_RETRY,
  attemptTimeoutMs: 3_600_000,
};

function device(productClass: string, serial: number, softwareVersion: string): DeviceFacts {
  return { id: `${OUI}-${productClass}-S${String(serial).padStart(4, '0')}`, oui: OUI, productClass, hardwareVersion: 'hw1', softwareVersion };
}

/** Grouping's view of the campaign fixture's inventory: the ids a filter selects (what provisioning's ListDevices gives it). */
function groupingInventoryOver(inventory: InMemoryInventory): GroupingInventory {
  return {
    matchingIds: async (filter, pageToken, pageSize) => {
      const page = await inventory.page(filter, pageToken, pageSize);
      return { ids: page.devices.map((d) => d.id), nextPageToken: page.nextPageToken };
    },
    device: async () => null,
  };
}

/** Campaigns over a group: the members come from a real grouping core (SQLite), through the in-process adapter. */
describe('campaigns over a group', () => {
  let fixture: CampaignFixture;
  let groupingDir: string;
  let groupingStore: SqliteGroupingStore;
  let grouping: GroupingCore;
  let campaigns: CampaignCore;
  let groupIds = 0;

  beforeEach(async () => {
    fixture = await CampaignFixture.open();
    groupingDir = await mkdtemp(join(tmpdir(), 'acs-campaign-groups-'));
    groupingStore = openSqliteGroupingStore({ dataDir: groupingDir });
    const events = { groupCreated: async () => {}, groupChanged: async () => {}, groupDeleted: async () => {}, membershipChanged: async () => {} };
    grouping = createGroupingCore({ store: groupingStore, inventory: groupingInventoryOver(fixture.inventory), events, logger: pino({ level: 'silent' }), newId: () => `group-${++groupIds}` });
    campaigns = fixture.pod('spec-pod', fixture.inventory, new InProcessGroupMembers(() => grouping.useCases.listGroupMembers));
  });

  afterEach(async () => {
    await groupingStore.close();
    await rm(groupingDir, { recursive: true, force: true });
    await fixture.close();
  });

  async function image(productClass: string, softwareVersion: string) {
    return fixture.firmware.useCases.uploadFile.execute({
      description: { name: `${productClass}-${softwareVersion}.bin`, fileType: '1 Firmware Upgrade Image', targets: [{ oui: OUI, productClass, hardwareVersions: [] }], softwareVersion, notes: '' },
      createdBy: 'ops',
      content: chunksOf(Buffer.from(`image ${productClass} ${softwareVersion}`)),
    });
  }

  function fleet(devices: DeviceFacts[]): void {
    for (const d of devices) fixture.inventory.devices.set(d.id, d);
  }

  async function targetIds(campaignId: string): Promise<string[]> {
    const page = await campaigns.useCases.listCampaignDevices.execute({ campaignId, states: [], limit: 1000 });
    return page.devices.map((d) => d.deviceId).sort();
  }

  it("targets a dynamic group's members with their facts from the inventory, and records the group", async () => {
    const gw = await image('GW', '2.0');
    fleet([device('GW', 1, '1.0'), device('GW', 2, '1.0'), device('GW', 3, '2.0'), device('AP', 1, '1.0')]);
    const { group } = await grouping.useCases.createGroup.execute({ name: 'gateways', kind: 'dynamic', filter: 'productClass = "GW"', createdBy: 'ops' });

    const campaign = await campaigns.useCases.createCampaign.execute({ name: 'gw upgrade', filter: '', groupId: group.id, imageRules: [{ fileId: gw.id }], policy: POLICY, createdBy: 'alice' });
    expect(campaign).toMatchObject({ groupId: group.id, status: 'running', selection: { matched: 3, targeted: 2, alreadyOnTarget: 1, noImage: 0, complete: true } });
    expect(await targetIds(campaign.id)).toEqual([`${OUI}-GW-S0001`, `${OUI}-GW-S0002`, `${OUI}-GW-S0003`]);
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, `${OUI}-GW-S0001`)).toMatchObject({ data: { previousVersion: '1.0', targetVersion: '2.0', productClass: 'GW' } });
    expect((await campaigns.useCases.getCampaign.execute({ campaignId: campaign.id })).campaign.groupId).toBe(group.id);
  });

  it("ANDs the filter with the group: the static group's members that match it, members the inventory does not know left out", async () => {
    const gw = await image('GW', '2.0');
    fleet([device('GW', 1, '1.0'), device('GW', 2, '1.5'), device('GW', 3, '1.0')]);
    const { group } = await grouping.useCases.createGroup.execute({ name: 'pilot', kind: 'static', createdBy: 'ops' });
    await grouping.useCases.addMembers.execute({ groupId: group.id, selection: { deviceIds: [`${OUI}-GW-S0001`, `${OUI}-GW-S0002`, `${OUI}-GW-S9999`] } });

    const campaign = await campaigns.useCases.createCampaign.execute({ name: 'pilot', filter: 'softwareVersion = "1.0"', groupId: group.id, imageRules: [{ fileId: gw.id }], policy: POLICY, createdBy: 'alice' });
    expect(campaign.selection).toEqual({ matched: 1, targeted: 1, alreadyOnTarget: 0, noImage: 0, complete: true });
    expect(await targetIds(campaign.id)).toEqual([`${OUI}-GW-S0001`]);
  });

  it('reads a group larger than one id query in batches, each member once', async () => {
    const gw = await image('GW', '2.0');
    const count = IDS_PER_QUERY * 2 + 7;
    fleet(Array.from({ length: count }, (_, i) => device('GW', i, '1.0')));
    const { group } = await grouping.useCases.createGroup.execute({ name: 'all-gw', kind: 'dynamic', filter: 'productClass = "GW"', createdBy: 'ops' });
    const campaign = await campaigns.useCases.createCampaign.execute({ name: 'big', filter: '', groupId: group.id, imageRules: [{ fileId: gw.id }], policy: POLICY, createdBy: 'alice' });
    expect(campaign.selection).toMatchObject({ matched: count, targeted: count });
    expect(new Set(await targetIds(campaign.id)).size).toBe(count);
  });

  it('refuses a group the grouping service does not know, naming group_id, and keeps nothing', async () => {
    const gw = await image('GW', '2.0');
    const refused = campaigns.useCases.createCampaign.execute({ name: 'x', filter: '', groupId: 'no-such-group', imageRules: [{ fileId: gw.id }], policy: POLICY, createdBy: 'alice' });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ fieldViolations: [{ field: 'group_id', reason: 'NOT_FOUND' }] });
    expect((await campaigns.useCases.listCampaigns.execute({ skip: 0, limit: 10 })).items).toEqual([]);
  });

  it('refuses a campaign over a group where no grouping service is reached: FAILED_PRECONDITION', async () => {
    const gw = await image('GW', '2.0');
    const withoutGrouping = fixture.pod('pod-without-grouping');
    const refused = withoutGrouping.useCases.createCampaign.execute({ name: 'x', filter: '', groupId: 'group-1', imageRules: [{ fileId: gw.id }], policy: POLICY, createdBy: 'alice' });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ details: { kind: 'precondition', reason: 'GROUPING_UNAVAILABLE' } });
  });
});
