import { status } from '@grpc/grpc-js';
import type { GroupingClient, ProvisioningClient } from '@acs/clients';
import { filterStringLiteral } from '@acs/filter';

import type { RuleTarget } from '../domain/threshold-rule';
import type { RuleTargets } from '../usecases/alarm-ports';

/** Ids per ListDevices call: the filter grows by one quoted id each, and a page holds them all. */
const IDS_PER_QUERY = 200;
/** Answers kept at most; beyond it the cache starts afresh (a rule's devices near a threshold are few). */
const MAX_CACHED = 100_000;

export interface ServiceRuleTargetsOptions {
  /** How long a device's match is trusted (default 5 s, as the NBI's group scope does). */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Which devices a rule selects, asked of the services that know: a filter target of provisioning (ListDevices of the
 * filter ANDed with the ids asked about, no total), a group target of grouping (ListDeviceGroups per device). Answers
 * are cached briefly: an evaluation asks per rule per batch, and a device over a threshold is asked about at each of
 * its points until it clears.
 */
export class ServiceRuleTargets implements RuleTargets {
  private readonly cache = new Map<string, { matches: boolean; until: number }>();
  private readonly groupsCache = new Map<string, { groupIds: ReadonlySet<string>; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly provisioning: Pick<ProvisioningClient, 'devices'>,
    private readonly grouping: Pick<GroupingClient, 'groups'>,
    options: ServiceRuleTargetsOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  async matching(target: RuleTarget, deviceIds: readonly string[]): Promise<ReadonlySet<string>> {
    return 'filter' in target ? this.matchingFilter(target.filter, deviceIds) : this.matchingGroup(target.groupId, deviceIds);
  }

  async groupExists(groupId: string): Promise<boolean> {
    try {
      await this.grouping.groups.getGroup({ groupId });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === status.NOT_FOUND) return false;
      throw error;
    }
  }

  private async matchingFilter(filter: string, deviceIds: readonly string[]): Promise<ReadonlySet<string>> {
    const now = this.now();
    const matched = new Set<string>();
    const unknown: string[] = [];
    for (const id of new Set(deviceIds)) {
      const cached = this.cache.get(`${filter}\u0000${id}`);
      if (cached && cached.until > now) {
        if (cached.matches) matched.add(id);
      } else unknown.push(id);
    }
    for (let i = 0; i < unknown.length; i += IDS_PER_QUERY) {
      const chunk = unknown.slice(i, i + IDS_PER_QUERY);
      const response = await this.provisioning.devices.listDevices({
        filter: `(${filter}) AND id IN (${chunk.map(filterStringLiteral).join(', ')})`,
        projection: [],
        sort: [],
        pageSize: chunk.length,
        pageToken: '',
        omitTotal: true,
      });
      const found = new Set(response.devices.map((device) => device.id));
      for (const id of chunk) {
        if (found.has(id)) matched.add(id);
        this.remember(this.cache, `${filter}\u0000${id}`, { matches: found.has(id), until: now + this.cacheMs });
      }
    }
    return matched;
  }

  private async matchingGroup(groupId: string, deviceIds: readonly string[]): Promise<ReadonlySet<string>> {
    const now = this.now();
    const matched = new Set<string>();
    for (const id of new Set(deviceIds)) {
      let entry = this.groupsCache.get(id);
      if (!entry || entry.until <= now) {
        const { groups } = await this.grouping.groups.listDeviceGroups({ deviceId: id });
        entry = { groupIds: new Set(groups.map((group) => group.id)), until: now + this.cacheMs };
        this.remember(this.groupsCache, id, entry);
      }
      if (entry.groupIds.has(groupId)) matched.add(id);
    }
    return matched;
  }

  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, value);
  }
}
