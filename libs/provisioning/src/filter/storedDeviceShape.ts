import { RECENT_EVENTS_KEPT, type DeviceRecord, type ParameterNode } from '../domain/device';
import type { FieldRef } from './filter-ast';

// How a device is kept in MongoDB (and the embedded nedb store), the shape compileFilterToMongo queries:
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

export interface StoredDevice {
  _id: string;
  oui: string;
  productClass: string;
  serialNumber: string;
  manufacturer: string;
  rootObject: DeviceRecord['rootObject'];
  softwareVersion?: string;
  hardwareVersion?: string;
  ip?: string;
  connectionRequestUrl?: string;
  udpConnectionRequestAddress?: string;
  connectionRequestUsername?: string;
  connectionRequestPassword?: string;
  registeredAt: number;
  lastInform?: number;
  lastBoot?: number;
  lastBootstrap?: number;
  recentEvents: DeviceRecord['recentEvents'];
  tags: string[];
  p: StoredParameterTree;
}

/** A parameter path that cannot be stored as nested keys (empty, `$`- or `_`-prefixed or dotted segments). */
export class UnstorablePathError extends Error {
  override readonly name = 'UnstorablePathError';

  constructor(readonly path: string) {
    super(`Parameter path "${path}" cannot be stored: each segment must start with a letter or be an instance number`);
  }
}

const STORABLE_SEGMENT = /^(?:[A-Za-z][A-Za-z0-9_-]*|[0-9]+)$/;

/**
 * Whether a path can be stored (and filtered on). TR-106 names always can; a CPE that reports anything else (an empty
 * segment, `$where`, `__proto__`) must be refused by the inventory before it reaches toStoredDevice.
 */
export function isStorableParameterPath(path: string): boolean {
  return path.length > 0 && path.split('.').every((s) => STORABLE_SEGMENT.test(s));
}

const OPTIONAL_FIELDS = [
  'softwareVersion',
  'hardwareVersion',
  'ip',
  'connectionRequestUrl',
  'udpConnectionRequestAddress',
  'connectionRequestUsername',
  'connectionRequestPassword',
  'lastInform',
  'lastBoot',
  'lastBootstrap',
] as const;

/** The stored document of a device. Throws UnstorablePathError for a parameter path isStorableParameterPath refuses. */
export function toStoredDevice(device: DeviceRecord): StoredDevice {
  const stored: StoredDevice = {
    _id: device.id,
    oui: device.oui,
    productClass: device.productClass,
    serialNumber: device.serialNumber,
    manufacturer: device.manufacturer,
    rootObject: device.rootObject,
    registeredAt: device.registeredAt,
    recentEvents: device.recentEvents.map((e) => ({ at: e.at, codes: [...e.codes] })),
    tags: [...device.tags],
    p: {},
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = device[field];
    // Absent, not undefined: nedb and BSON treat an explicit undefined differently.
    if (value !== undefined) (stored as unknown as Record<string, unknown>)[field] = value;
  }
  for (const path of Object.keys(device.parameters)) {
    if (!isStorableParameterPath(path)) throw new UnstorablePathError(path);
    const node = device.parameters[path];
    let level = stored.p;
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
  return stored;
}

/** The device a stored document holds (fields the repository adds beside these are ignored). */
export function fromStoredDevice(stored: StoredDevice): DeviceRecord {
  const device: DeviceRecord = {
    id: stored._id,
    oui: stored.oui,
    productClass: stored.productClass,
    serialNumber: stored.serialNumber,
    manufacturer: stored.manufacturer,
    rootObject: stored.rootObject,
    registeredAt: stored.registeredAt,
    // Stored in the order they were added (appended), and up to twice the cap between trims: shown newest first, capped.
    recentEvents: [...(stored.recentEvents ?? [])]
      .sort((a, b) => b.at - a.at)
      .slice(0, RECENT_EVENTS_KEPT)
      .map((e) => ({ at: e.at, codes: [...e.codes] })),
    tags: [...(stored.tags ?? [])],
    parameters: {},
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = stored[field];
    if (value !== undefined && value !== null) (device as unknown as Record<string, unknown>)[field] = value;
  }
  collectNodes(stored.p ?? {}, '', device.parameters);
  return device;
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
