import { evaluateFilter, parseFilter, type FilterDocumentReader, type FilterValue } from '@acs/filter';

import { RULE_FILTER_VOCABULARY, type RuleTarget } from '../domain/threshold-rule';
import type { RuleTargets } from '../usecases/alarm-ports';

/** A device as the in-memory targets know it: its filter fields (`productClass`…) and parameters by path. */
export interface TargetDevice {
  id: string;
  fields?: Record<string, FilterValue>;
  parameters?: Record<string, string | number | boolean>;
  tags?: readonly string[];
}

const READER: FilterDocumentReader<TargetDevice> = {
  valueOf: (device, field) => (field.kind === 'parameter' ? device.parameters?.[field.path] : field.name === 'id' ? device.id : device.fields?.[field.name]),
  tagsOf: (device) => device.tags ?? [],
};

/**
 * Rule targets over devices and groups held in memory, filtering with the filter language itself (@acs/filter, as
 * provisioning does), for the use-case specs; the service's wiring asks provisioning and grouping. Counts the
 * questions, so a spec can tell an evaluation asked only about the devices that matter.
 */
export class InMemoryRuleTargets implements RuleTargets {
  readonly devices = new Map<string, TargetDevice>();
  readonly groups = new Map<string, Set<string>>();
  /** The device ids of each `matching` question, in order. */
  readonly asked: string[][] = [];

  constructor(devices: readonly TargetDevice[] = []) {
    for (const device of devices) this.devices.set(device.id, device);
  }

  group(groupId: string, deviceIds: readonly string[]): this {
    this.groups.set(groupId, new Set(deviceIds));
    return this;
  }

  async matching(target: RuleTarget, deviceIds: readonly string[]): Promise<ReadonlySet<string>> {
    this.asked.push([...deviceIds]);
    if ('groupId' in target) return new Set(deviceIds.filter((id) => this.groups.get(target.groupId)?.has(id) ?? false));
    const expr = target.filter.trim() === '' ? null : parseFilter(target.filter, RULE_FILTER_VOCABULARY);
    return new Set(
      deviceIds.filter((id) => {
        const device = this.devices.get(id);
        return device !== undefined && (expr === null || evaluateFilter(expr, device, READER));
      }),
    );
  }

  async groupExists(groupId: string): Promise<boolean> {
    return this.groups.has(groupId);
  }
}
