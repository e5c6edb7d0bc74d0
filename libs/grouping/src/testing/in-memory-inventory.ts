import { DEVICE_FILTER_FIELDS, type DeviceFilterField } from '@acs/contracts';
import { evaluateFilter, parseFilter } from '@acs/filter';

import { DEVICE_VIEW_READER, DEVICE_VOCABULARY, type DeviceView } from '../domain/device-view';
import type { DeviceInventory } from '../usecases/grouping-ports';

/** A device as the in-memory inventory holds it: what provisioning would answer. */
export interface InventoryDevice {
  id: string;
  fields?: Partial<Record<DeviceFilterField, string | number>>;
  parameters?: Record<string, string | number | boolean>;
  tags?: string[];
}

/**
 * An inventory in memory that filters with the filter language itself (@acs/filter, the semantics provisioning's
 * queries follow), for the grouping specs and benchmark; the standalone uses provisioning's (ProvisioningDeviceInventory).
 * It counts the reads, so a spec can show which changes needed provisioning.
 */
export class InMemoryInventory implements DeviceInventory {
  private readonly devices = new Map<string, DeviceView>();
  private sortedIds: string[] | null = null;
  /** Calls of `device` (one per device event whose own values did not cover the groups it affects). */
  deviceReads = 0;
  /** Calls of `matchingIds` (pages of full evaluations). */
  pageReads = 0;

  constructor(devices: readonly InventoryDevice[] = []) {
    for (const device of devices) this.put(device);
  }

  /** Adds or replaces a device. */
  put(device: InventoryDevice): void {
    const fields: DeviceView['fields'] = { id: device.id, ...(device.fields ?? {}) };
    const known = new Set<string>([...DEVICE_FILTER_FIELDS.map((field) => `field:${field}`), 'tag', ...Object.keys(device.parameters ?? {}).map((path) => `param:${path}`)]);
    if (!this.devices.has(device.id)) this.sortedIds = null;
    this.devices.set(device.id, { id: device.id, fields, parameters: { ...(device.parameters ?? {}) }, tags: [...(device.tags ?? [])], known });
  }

  /** Changes one parameter of a known device. */
  setParameter(id: string, path: string, value: string | number | boolean): void {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device ${id}`);
    device.parameters[path] = value;
    (device.known as Set<string>).add(`param:${path}`);
  }

  /** Replaces a known device's tags (TagDevice/UntagDevice through the API). */
  setTags(id: string, tags: readonly string[]): void {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device ${id}`);
    device.tags = [...tags];
  }

  /** Changes one field of a known device (what an Inform that publishes nothing, a periodic one, changes). */
  setField(id: string, field: DeviceFilterField, value: string | number): void {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device ${id}`);
    device.fields[field] = value;
  }

  /** A device's software version, as provisioning puts it in acs.device events. */
  softwareVersionOf(id: string): string | undefined {
    const version = this.devices.get(id)?.fields.softwareVersion;
    return typeof version === 'string' ? version : undefined;
  }

  remove(id: string): void {
    this.devices.delete(id);
    this.sortedIds = null;
  }

  get size(): number {
    return this.devices.size;
  }

  async matchingIds(filter: string, pageToken: string, pageSize: number): Promise<{ ids: string[]; nextPageToken: string }> {
    this.pageReads += 1;
    const expr = parseFilter(filter, DEVICE_VOCABULARY);
    this.sortedIds ??= [...this.devices.keys()].sort();
    const ids: string[] = [];
    let index = pageToken === '' ? 0 : Number(pageToken);
    for (; index < this.sortedIds.length && ids.length < pageSize; index++) {
      const device = this.devices.get(this.sortedIds[index])!;
      if (evaluateFilter(expr, device, DEVICE_VIEW_READER)) ids.push(device.id);
    }
    return { ids, nextPageToken: index < this.sortedIds.length ? String(index) : '' };
  }

  async device(id: string, parameterPaths: readonly string[]): Promise<DeviceView | null> {
    this.deviceReads += 1;
    const device = this.devices.get(id);
    if (!device) return null;
    const parameters: Record<string, string | number | boolean> = {};
    for (const path of parameterPaths) if (path in device.parameters) parameters[path] = device.parameters[path];
    return { ...device, parameters, known: new Set([...device.known].filter((key) => !key.startsWith('param:') || parameterPaths.includes(key.slice(6)))) };
  }
}
