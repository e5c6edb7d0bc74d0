import type { InformEventData } from '@acs/contracts';

import type { CollectionContext } from './collection-context';
import { entryKey } from './collection-entry';
import { InformMetricMatcher } from './collection-plan';

/**
 * The values an Inform carries that a monitoring profile samples (source `inform`): of its ParameterList, those that
 * map to a metric of an enabled profile whose target holds the device — as of the last membership walk, which gave
 * the device an entry for the profile. Informs of devices no profile targets, or without such values, cost one map
 * look-up per parameter and no store read.
 */
export class InformSamples {
  constructor(private readonly context: CollectionContext) {}

  async onInform(data: InformEventData, receivedAt: number): Promise<void> {
    const { deps } = this.context;
    const catalog = await deps.catalog.current();
    const matcher = InformMetricMatcher.of(catalog);
    const reported = new Map<string, { path: string; value: string | number }[]>();
    for (const parameter of data.inform.parameterList) {
      const metric = matcher.metricOf(parameter.name);
      if (metric === undefined) continue;
      const list = reported.get(metric) ?? [];
      const value = parameter.value.value;
      list.push({ path: parameter.name, value: typeof value === 'boolean' ? (value ? 1 : 0) : value });
      reported.set(metric, list);
    }
    if (reported.size === 0) return;
    const interested = [...(await this.context.enabledProfiles()).values()].filter((profile) => profile.metrics.some((metric) => reported.has(metric)));
    if (interested.length === 0) return;
    const entries = await deps.entries.getMany(interested.map((profile) => entryKey(profile.id, data.deviceId)));
    const wanted = new Set(interested.filter((profile) => entries.has(entryKey(profile.id, data.deviceId))).flatMap((profile) => profile.metrics));
    const values: Record<string, string | number> = {};
    for (const [metric, list] of reported) if (wanted.has(metric)) for (const { path, value } of list) values[path] = value;
    if (Object.keys(values).length === 0) return;
    await deps.samples.add([{ deviceId: data.deviceId, at: informTime(data.inform.currentTime, receivedAt), source: 'inform', values }]);
  }
}

/** The Inform's CurrentTime (when the CPE took its values), else when the ACS received it. */
function informTime(currentTime: string, receivedAt: number): number {
  const at = Date.parse(currentTime);
  // The unknown time (0001-01-01) and clocks before 2000 are no measurement time.
  return Number.isSafeInteger(at) && at > Date.UTC(2000, 0, 1) ? at : receivedAt;
}
