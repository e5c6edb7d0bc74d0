import { InvalidParameterPathError, isParameterPath, parameterPathProblem } from '@acs/cwmp';
import type { FieldRef, FilterShape } from '@acs/filter';

import { RECENT_EVENTS_KEPT, type DeviceRecord, type ParameterNode } from '../domain/device';
import { DEVICE_QUERY_FIELDS, DEVICE_RECORD_FIELDS, DEVICE_TIME_FIELDS, isDeviceQueryField } from '../domain/device-fields';

// How a device is kept in MongoDB (and the embedded nedb store), the shape the filter language (@acs/filter) queries
// through DEVICE_FILTER_SHAPE:
//
//   { _id: id, oui, productClass, …, tags: [..], recentEvents: [..],
//     p: { Device: { DeviceInfo: { SoftwareVersion: { _v: '1.2', _t: 'string', _w: false, _at: 1714… } } } } }
//
// Parameters nest by path segment so a query on one parameter is a plain dotted key (`p.Device.DeviceInfo.
// SoftwareVersion._v`) that every store can index and match. Node attributes use `_`-prefixed keys, which TR-106
// names (a letter first, or an instance number) can never collide with.

/** A parameter or object node as stored: value, type, writable, object, learnedAt. */
export interface StoredParameterNode {
  _v?: string | number | boolean;
  _t?: string;
  _w?: boolean;
  _o?: boolean;
  _at: number;
}

/** A level of the stored parameter tree: child segments, and the node's own attributes when the ACS knows it. */
export type StoredParameterTree = { [segment: string]: StoredParameterTree | StoredParameterNode[keyof StoredParameterNode] };

/** A device as stored: its record's fields at the top level, `_id` for `id`, the parameter tree under `p`. */
export type StoredDevice = Omit<DeviceRecord, 'id' | 'parameters'> & { _id: string; p: StoredParameterTree };

/** The stored document of a device. Throws InvalidParameterPathError for a parameter path the protocol's rule refuses. */
export function toStoredDevice(device: DeviceRecord): StoredDevice {
  const stored: Record<string, unknown> = { _id: device.id };
  for (const field of DEVICE_RECORD_FIELDS) {
    const value = device[field];
    // Absent, not undefined: nedb and BSON treat an explicit undefined differently. Lists are copied, not shared.
    if (value !== undefined) stored[field] = Array.isArray(value) ? structuredClone(value) : value;
  }
  const tree: StoredParameterTree = {};
  for (const path of Object.keys(device.parameters)) {
    // A path the rule refuses (an empty segment, `$where`, `__proto__`) must never become nested keys.
    if (!isParameterPath(path)) throw new InvalidParameterPathError(path, parameterPathProblem(path) ?? 'a stored path has no trailing dot');
    const node = device.parameters[path];
    let level = tree;
    for (const segment of path.split('.')) {
      const child = Object.hasOwn(level, segment) ? level[segment] : undefined;
      if (child !== undefined && typeof child === 'object') {
        level = child;
      } else {
        const created: StoredParameterTree = {};
        level[segment] = created;
        level = created;
      }
    }
    Object.assign(level, storedNode(node));
  }
  stored.p = tree;
  return stored as StoredDevice;
}

/** The device a stored document holds (fields the repository adds beside these are ignored). */
export function fromStoredDevice(stored: StoredDevice): DeviceRecord {
  const device: Record<string, unknown> = { id: stored._id };
  for (const field of DEVICE_RECORD_FIELDS) {
    const value = stored[field];
    // The lists (recentEvents, tags) are copied below, element by element.
    if (value !== undefined && value !== null) device[field] = value;
  }
  // Stored in the order they were added (appended), and up to twice the cap between trims: shown newest first, capped.
  device.recentEvents = [...(stored.recentEvents ?? [])]
    .sort((a, b) => b.at - a.at)
    .slice(0, RECENT_EVENTS_KEPT)
    .map((e) => ({ at: e.at, codes: [...e.codes] }));
  device.tags = [...(stored.tags ?? [])];
  const parameters: Record<string, ParameterNode> = {};
  collectNodes(stored.p ?? {}, '', parameters);
  device.parameters = parameters;
  return device as unknown as DeviceRecord;
}

/**
 * The stored key a filter field maps to, for sorting and projecting device queries the same way filters see them:
 * `id` → `_id`, `tag` → `tags`, a parameter → `p.<path>._v`.
 */
export function storedFieldPath(field: FieldRef): string {
  switch (field.kind) {
    case 'device':
      return field.name === 'id' ? '_id' : field.name;
    case 'tag':
      return 'tags';
    case 'parameter':
      return `p.${field.path}._v`;
  }
}

/** Provisioning's devices as the filter language sees them: in memory (DeviceRecord) and stored (StoredDevice). */
export const DEVICE_FILTER_SHAPE: FilterShape<DeviceRecord> = {
  fields: DEVICE_QUERY_FIELDS,
  timeFields: DEVICE_TIME_FIELDS,
  examplePath: 'Device.DeviceInfo.SoftwareVersion',
  valueOf: (device, field) => {
    if (field.kind === 'parameter') return device.parameters[field.path]?.value;
    // The parser admits only the vocabulary's fields; anything else is unknown rather than a property of the record.
    return isDeviceQueryField(field.name) ? device[field.name] : undefined;
  },
  tagsOf: (device) => device.tags,
  storedKey: storedFieldPath,
};

function storedNode(node: ParameterNode): StoredParameterNode {
  const stored: StoredParameterNode = { _at: node.learnedAt };
  if (node.value !== undefined) stored._v = node.value;
  if (node.type !== undefined) stored._t = node.type;
  if (node.writable !== undefined) stored._w = node.writable;
  if (node.object !== undefined) stored._o = node.object;
  return stored;
}

function collectNodes(level: StoredParameterTree, prefix: string, into: Record<string, ParameterNode>): void {
  if (prefix !== '' && typeof level._at === 'number') {
    const node: ParameterNode = { learnedAt: level._at };
    if (level._v !== undefined && level._v !== null) node.value = level._v as ParameterNode['value'];
    if (typeof level._t === 'string') node.type = level._t as ParameterNode['type'];
    if (typeof level._w === 'boolean') node.writable = level._w;
    if (typeof level._o === 'boolean') node.object = level._o;
    into[prefix] = node;
  }
  for (const key of Object.keys(level)) {
    if (key.startsWith('_')) continue;
    const child = level[key];
    if (child !== null && typeof child === 'object') collectNodes(child, prefix === '' ? key : `${prefix}.${key}`, into);
  }
}
