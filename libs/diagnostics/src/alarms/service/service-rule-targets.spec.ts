import { status } from '@grpc/grpc-js';
import type { GroupingClient, ProvisioningClient } from '@acs/clients';

import { ServiceRuleTargets } from './service-rule-targets';

/** Provisioning's ListDevices as far as the adapter uses it: the filter it was sent, answered from a fixed set. */
function provisioningOf(matching: ReadonlySet<string>) {
  const filters: string[] = [];
  const client = {
    devices: {
      listDevices: async (request: { filter: string; pageSize: number }) => {
        filters.push(request.filter);
        const ids = [...request.filter.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
        return { devices: ids.filter((id) => matching.has(id)).map((id) => ({ id })), nextPageToken: '', totalSize: 0, warnings: [] };
      },
    },
  } as unknown as Pick<ProvisioningClient, 'devices'>;
  return { client, filters };
}

function groupingOf(groupsByDevice: Record<string, string[]>) {
  const asked: string[] = [];
  const client = {
    groups: {
      listDeviceGroups: async ({ deviceId }: { deviceId: string }) => {
        asked.push(deviceId);
        return { groups: (groupsByDevice[deviceId] ?? []).map((id) => ({ id })) };
      },
      getGroup: async ({ groupId }: { groupId: string }) => {
        if (groupId === 'g1') return { group: { id: 'g1' } };
        throw Object.assign(new Error('not found'), { code: status.NOT_FOUND });
      },
    },
  } as unknown as Pick<GroupingClient, 'groups'>;
  return { client, asked };
}

describe('ServiceRuleTargets', () => {
  it('asks provisioning for the filter ANDed with the ids in question, in chunks, and caches each answer briefly', async () => {
    let now = 1000;
    const ids = Array.from({ length: 250 }, (_, i) => `00D09E-Box-${i}`);
    const provisioning = provisioningOf(new Set([ids[3], ids[240], 'quoted"id']));
    const targets = new ServiceRuleTargets(provisioning.client, groupingOf({}).client, { cacheMs: 5000, now: () => now });

    expect([...(await targets.matching({ filter: 'tag = "fiber"' }, [...ids, 'quoted"id']))].sort()).toEqual([ids[240], ids[3], 'quoted"id'].sort());
    expect(provisioning.filters).toHaveLength(2);
    expect(provisioning.filters[0]).toMatch(/^\(tag = "fiber"\) AND id IN \("00D09E-Box-0", /);
    expect(provisioning.filters[1]).toContain('"quoted\\"id"');

    await targets.matching({ filter: 'tag = "fiber"' }, [ids[3], ids[4]]);
    expect(provisioning.filters).toHaveLength(2);
    now += 5000;
    await targets.matching({ filter: 'tag = "fiber"' }, [ids[3]]);
    expect(provisioning.filters).toHaveLength(3);
  });

  it('answers a group target from each device\'s groups, cached per device', async () => {
    const grouping = groupingOf({ a: ['g1', 'g2'], b: ['g2'] });
    const targets = new ServiceRuleTargets(provisioningOf(new Set()).client, grouping.client);
    expect([...(await targets.matching({ groupId: 'g1' }, ['a', 'b', 'c']))]).toEqual(['a']);
    expect([...(await targets.matching({ groupId: 'g2' }, ['a', 'b']))].sort()).toEqual(['a', 'b']);
    expect(grouping.asked).toEqual(['a', 'b', 'c']);
  });

  it('tells whether a group exists, and lets other failures through', async () => {
    const targets = new ServiceRuleTargets(provisioningOf(new Set()).client, groupingOf({}).client);
    await expect(targets.groupExists('g1')).resolves.toBe(true);
    await expect(targets.groupExists('nope')).resolves.toBe(false);
  });
});
