import { normalizeParameterPath, parameterPathSegments } from '@acs/cwmp';

import { DEVICE_RECORD_FIELDS, type DeviceRecord, type ParameterNode, type ParameterUpdate } from '../domain';
import { fromStoredDevice as fromStoredDeviceShape, toStoredDevice as toStoredDeviceShape, type StoredDevice } from '../filter/storedDeviceShape';

/**
 * How a device is stored, in MongoDB and in the embedded store alike. The shape and its converters are defined once,
 * in filter/storedDeviceShape.ts, which also tells the filter language (@acs/filter) where each field is stored;
 * this module adds what the repositories
 * need to write it piecemeal. Which paths may be stored is the protocol's rule (@acs/cwmp parameterPathSegments,
 * throwing InvalidParameterPathError), so nothing is stored that a filter cannot find:
 *
 * ```
 * { _id: 'OUI-Class-Serial', oui, productClass, serialNumber, manufacturer, rootObject, softwareVersion, …,
 *   registeredAt, lastInform, lastBoot, lastBootstrap, recentEvents: [{ at, codes }], tags: [],
 *   p: { Device: { _o: true, _w: false, _at: 1700000000000,
 *          DeviceInfo: { _o: true, _at: …, SoftwareVersion: { _v: '1.2', _t: 'string', _w: false, _at: … } } } } }
 * ```
 *
 * Parameters sit under `p`, one nested key per path segment, so a change to one parameter is a `$set` of
 * `p.<path>._v` and a subtree is one `$unset`, and a filter on a parameter is a plain dotted field
 * (`p.Device.DeviceInfo.SoftwareVersion._v`). A node is a key holding `_at` (learnedAt); the other meta keys are
 * `_v` value, `_t` xsd type, `_w` writable, `_o` object. Objects the ACS only knows as a path prefix (no `_at`) are
 * not nodes.
 */
export type { StoredDevice };

export type StoredTree = { [key: string]: unknown };

/** The parameter tree's field in the stored document. */
export const PARAMETERS_FIELD = 'p';

/** Meta keys of a stored node (`_`-prefixed: never a storable path segment). */
export const NODE_META_KEYS: ReadonlySet<string> = new Set(['_v', '_t', '_w', '_o', '_at']);

/** The stored field of a parameter node: `p.Device.IP`. */
export function storedParameterField(path: string): string {
  return `${PARAMETERS_FIELD}.${normalizeParameterPath(path)}`;
}

/**
 * Adds one update's `$set` entries (stored field → value) to `set`: only the fields the update carries, plus
 * learnedAt. Written in place: every Inform builds one such `$set`.
 */
export function addParameterUpdateFields(set: Record<string, unknown>, update: ParameterUpdate, at: number): Record<string, unknown> {
  const fields = nodeFieldNames(update.path);
  if (update.value !== undefined) set[fields._v] = update.value;
  if (update.type !== undefined) set[fields._t] = update.type;
  if (update.writable !== undefined) set[fields._w] = update.writable;
  if (update.object !== undefined) set[fields._o] = update.object;
  set[fields._at] = at;
  return set;
}

type NodeFieldNames = Record<'_v' | '_t' | '_w' | '_o' | '_at', string>;

/**
 * The stored field names of a node's meta keys, kept for the paths seen lately: every Inform names the same few
 * paths, and a name built once (its hash computed once) costs a fraction of one concatenated afresh per Inform.
 */
const FIELD_NAMES = new Map<string, NodeFieldNames>();
const FIELD_NAMES_KEPT = 20_000;

function nodeFieldNames(path: string): NodeFieldNames {
  let names = FIELD_NAMES.get(path);
  if (names === undefined) {
    const base = storedParameterField(path);
    names = { _v: `${base}._v`, _t: `${base}._t`, _w: `${base}._w`, _o: `${base}._o`, _at: `${base}._at` };
    if (FIELD_NAMES.size >= FIELD_NAMES_KEPT) FIELD_NAMES.clear();
    FIELD_NAMES.set(path, names);
  }
  return names;
}

/**
 * Several updates of one path in a batch folded into one (later fields win), paths normalized: a single `$set`
 * may not name the same field twice.
 */
export function mergeParameterUpdates(updates: readonly ParameterUpdate[]): ParameterUpdate[] {
  const byPath = new Map<string, ParameterUpdate>();
  for (const update of updates) {
    const path = normalizeParameterPath(update.path);
    const merged: ParameterUpdate = { ...byPath.get(path), path };
    if (update.value !== undefined) merged.value = update.value;
    if (update.type !== undefined) merged.type = update.type;
    if (update.writable !== undefined) merged.writable = update.writable;
    if (update.object !== undefined) merged.object = update.object;
    byPath.set(path, merged);
  }
  return [...byPath.values()];
}

/** The meta fields of a node: only the fields it carries, plus learnedAt. */
export function storedNodeFields(node: ParameterNode | ParameterUpdate, at: number): StoredTree {
  const stored: StoredTree = {};
  if (node.value !== undefined) stored._v = node.value;
  if (node.type !== undefined) stored._t = node.type;
  if (node.writable !== undefined) stored._w = node.writable;
  if (node.object !== undefined) stored._o = node.object;
  stored._at = at;
  return stored;
}

/** Builds the nested tree for a set of nodes (a new device, or the tree a bootstrap starts from). */
export function treeOf(nodes: Iterable<[string, ParameterNode | ParameterUpdate, number]>): StoredTree {
  const root: StoredTree = {};
  for (const [path, node, at] of nodes) {
    let current = root;
    for (const segment of parameterPathSegments(path)) {
      const child = current[segment];
      if (child === undefined) current[segment] = {};
      current = current[segment] as StoredTree;
    }
    Object.assign(current, storedNodeFields(node, at));
  }
  return root;
}

/** The subtree at `path` of a stored tree (a document read with a projection on it), or undefined. */
export function subtreeAt(tree: unknown, path: string): unknown {
  let current: unknown = tree;
  for (const segment of parameterPathSegments(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as StoredTree)[segment];
  }
  return current;
}

/** The stored document of a device (storedDeviceShape's converter: one definition of the shape). */
export function toStoredDevice(device: DeviceRecord): StoredDevice {
  return toStoredDeviceShape(device);
}

/**
 * A stored document back to a device. A projected document gives only what was read: fields it lacks are left out
 * (and `parameters` is empty when no parameter was read), rather than shown as empty.
 */
export function fromStoredDevice(doc: Record<string, unknown>): DeviceRecord {
  const device = fromStoredDeviceShape(doc as unknown as StoredDevice) as unknown as Record<string, unknown>;
  for (const field of DEVICE_RECORD_FIELDS) {
    if (doc[field] === undefined || doc[field] === null) delete device[field];
  }
  return device as unknown as DeviceRecord;
}
