import { InvalidParameterPathError, normalizeParameterPath } from '@acs/cwmp';

import { DEVICE_RECORD_FIELDS, RECENT_EVENTS_KEPT, isDeviceRecordField, periodicInformIntervalOf, type DeviceRecord, type DeviceSummary, type InformFacts, type ParameterUpdate } from '../domain';
import { DuplicateKeyError, type DocumentCollection, type StoredDocument } from '@acs/platform';
import {
  ConcurrentWriteError,
  DeviceNotFoundError,
  InvalidQueryError,
  type DeviceFilter,
  type DeviceQuery,
  type DeviceRepository,
  type Paged,
  type ProjectedDevice,
} from './ports';
import {
  PARAMETERS_FIELD,
  NODE_META_KEYS,
  fromStoredDevice,
  mergeParameterUpdates,
  addParameterUpdateFields,
  storedNodeFields,
  storedParameterField,
  subtreeAt,
  toStoredDevice,
  treeOf,
  type StoredTree,
} from './stored-device';

/**
 * Stored recentEvents are trimmed back to RECENT_EVENTS_KEPT once they pass this many: entries are appended by each
 * Inform's one write, and trimming is a second write, so it is done once in a while rather than every time.
 */
const RECENT_EVENTS_TRIM_AT = 2 * RECENT_EVENTS_KEPT;

/** The largest page a device query returns; a full TR-181 device is several hundred kB. */
export const MAX_DEVICE_PAGE = 10_000;

/** Parameters per write of setParameters (about 4 stored fields each); see setParameters for the why. */
export const PARAMETER_WRITE_BATCH = 400;

/** Attempts of an Inform's write before giving up (only first Informs of one device racing to create it collide). */
const INFORM_ATTEMPTS = 5;

/**
 * A `$set` to which dozens of stored field names are added: made a dictionary from the start (a prototype-less
 * object is one in V8), so each name added is a hash insert rather than a new hidden class per distinct name.
 */
function fieldMap(initial: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, initial);
}

/** Every stored field but the parameter tree: what an Inform's write reads back. */
const SUMMARY_PROJECTION: readonly string[] = [...DEVICE_RECORD_FIELDS];

/** The device of a document read without (or with) its tree, without the tree. */
function summaryOf(doc: StoredDocument): DeviceSummary {
  const { parameters: _tree, ...summary } = fromStoredDevice({ ...doc, [PARAMETERS_FIELD]: undefined });
  return summary;
}

/** Parameters (below the root object) that are also kept as top-level device fields, for indexes and filters. */
const PROMOTED_PARAMETERS: ReadonlyArray<[string, 'softwareVersion' | 'hardwareVersion' | 'connectionRequestUrl' | 'udpConnectionRequestAddress' | 'periodicInformInterval']> = [
  ['DeviceInfo.SoftwareVersion', 'softwareVersion'],
  ['DeviceInfo.HardwareVersion', 'hardwareVersion'],
  ['ManagementServer.ConnectionRequestURL', 'connectionRequestUrl'],
  ['ManagementServer.UDPConnectionRequestAddress', 'udpConnectionRequestAddress'],
  // Presence (domain/device-presence.ts) reads it for every listed device: a field, not a walk of each tree.
  ['ManagementServer.PeriodicInformInterval', 'periodicInformInterval'],
];
const PROMOTED_BY_RELATIVE_PATH = new Map(PROMOTED_PARAMETERS.map((entry) => [entry[0], entry]));
const ROOT_OBJECTS = ['Device', 'InternetGatewayDevice'];

/**
 * The device inventory over a DocumentCollection (MongoDB or the embedded store). Every parameter write is a
 * targeted `$set`/`$unset` of `p.<path>` fields: a 5,000-parameter document is never rewritten for an Inform.
 */
export class StoredDeviceRepository implements DeviceRepository {
  constructor(private readonly devices: DocumentCollection) {}

  async get(id: string): Promise<DeviceRecord | null> {
    const doc = await this.devices.findOne({ _id: id });
    return doc ? fromStoredDevice(doc) : null;
  }

  /**
   * One write per Inform of a known device, addressed by `_id` alone: the fields and parameters are `$set`, the event
   * is added to recentEvents with `$addToSet` (so a redelivered Inform, same time and codes, is kept once, and
   * concurrent Informs of one device lose nothing without a read-modify-write). A filter on `_id` alone is also what
   * FerretDB serves without scanning the collection. A second write happens only now and then: to trim
   * recentEvents, or to record the connection's source address of a device that reports no ConnectionRequestURL.
   */
  async applyInform(facts: InformFacts): Promise<{ created: boolean; device: DeviceSummary }> {
    const updates = mergeParameterUpdates(facts.parameters);
    const fields = informFields(facts, updates);
    const event = { at: facts.at, codes: [...facts.eventCodes] };
    const bootstrap = facts.eventCodes.includes('0 BOOTSTRAP');

    for (let attempt = 0; attempt < INFORM_ATTEMPTS; attempt++) {
      const set = fieldMap(fields);
      if (bootstrap) {
        // One `$set` of `p` clears the known tree and applies the Inform's parameters at once.
        set[PARAMETERS_FIELD] = treeOf(updates.map((u) => [u.path, u, facts.at]));
      } else {
        for (const update of updates) addParameterUpdateFields(set, update, facts.at);
      }
      const after = await this.devices.findOneAndUpdate({ _id: facts.id }, { set, addToSet: { recentEvents: [event] } }, SUMMARY_PROJECTION);
      if (after) return { created: false, device: summaryOf(await this.afterInform(after, fields, facts.remoteAddress)) };

      const device: DeviceRecord = {
        id: facts.id,
        ...fields,
        ...(fields.ip === undefined && facts.remoteAddress !== undefined ? { ip: facts.remoteAddress } : {}),
        registeredAt: facts.at,
        recentEvents: [event],
        tags: [],
        parameters: Object.fromEntries(updates.map((u) => [u.path, { ...nodeOf(u), learnedAt: facts.at }])),
      };
      const stored = toStoredDevice(device);
      try {
        await this.devices.insertOne(stored as unknown as StoredDocument);
        return { created: true, device: summaryOf(stored as unknown as StoredDocument) };
      } catch (error) {
        // Another consumer created it between our update and insert: update it instead.
        if (error instanceof DuplicateKeyError) continue;
        throw error;
      }
    }
    throw new ConcurrentWriteError(`device ${facts.id}`);
  }

  /** The occasional second write after an Inform's update; returns the document as it now stands. */
  private async afterInform(doc: StoredDocument, fields: { ip?: string }, remoteAddress: string | undefined): Promise<StoredDocument> {
    const set: Record<string, unknown> = {};
    const events = Array.isArray(doc.recentEvents) ? (doc.recentEvents as Array<{ at: number; codes: string[] }>) : [];
    // Kept oldest first, as appended. An Inform that lands between this read and the write below loses its entry
    // here (its fields stay); trimming once every RECENT_EVENTS_KEPT Informs keeps that window rare.
    if (events.length > RECENT_EVENTS_TRIM_AT) set.recentEvents = [...events].sort((a, b) => a.at - b.at).slice(-RECENT_EVENTS_KEPT);
    // The ConnectionRequestURL's host is the better address; the source address stands in while none is known.
    if (fields.ip === undefined && remoteAddress !== undefined && typeof doc.connectionRequestUrl !== 'string' && doc.ip !== remoteAddress) set.ip = remoteAddress;
    if (Object.keys(set).length === 0) return doc;
    await this.devices.updateOne({ _id: doc._id }, { set });
    return { ...doc, ...set };
  }

  async setParameters(id: string, updates: ParameterUpdate[], at: number): Promise<void> {
    const merged = mergeParameterUpdates(updates);
    // In batches: FerretDB 1.24 takes time quadratic in the fields of one `$set` (4,000 fields ≈ 4 s; all values
    // of the TP-Link EX220 in one write ≈ 60 s, in batches of 400 ≈ 9 s). Each batch is a targeted, idempotent
    // write; MongoDB does not care either way.
    for (let start = 0; start < merged.length; start += PARAMETER_WRITE_BATCH) {
      const batch = merged.slice(start, start + PARAMETER_WRITE_BATCH);
      const set = fieldMap(promotedFields(batch));
      for (const update of batch) addParameterUpdateFields(set, update, at);
      if (!(await this.devices.updateOne({ _id: id }, { set }))) throw new DeviceNotFoundError(id);
    }
  }

  async replaceSubtree(id: string, path: string, updates: ParameterUpdate[], at: number): Promise<void> {
    const root = normalizeParameterPath(path);
    const merged = mergeParameterUpdates(updates);
    const kept = new Set<string>([root]);
    const rootPrefix = `${root}.`;
    for (const update of merged) {
      if (update.path !== root && !update.path.startsWith(rootPrefix)) throw new InvalidParameterPathError(update.path, `not under the replaced subtree ${root}`);
      // The update's node and every object between it and the subtree's root stay: each ancestor is a prefix ending
      // before a dot, found without splitting (a refresh lists thousands of paths).
      kept.add(update.path);
      for (let dot = update.path.indexOf('.', rootPrefix.length); dot !== -1; dot = update.path.indexOf('.', dot + 1)) kept.add(update.path.slice(0, dot));
    }

    const doc = await this.devices.findOne({ _id: id }, [storedParameterField(root)]);
    if (!doc) throw new DeviceNotFoundError(id);
    // The refreshed subtree is rebuilt here and written as one `$set` of `p.<path>`: the CPE just listed all of it,
    // so it is rewritten anyway, and one field is what every store writes fast (thousands of `$set`/`$unset` paths
    // are not, on FerretDB). Values known before survive for the nodes the refresh kept.
    const subtree = keptCopy(subtreeAt(doc[PARAMETERS_FIELD], root), root, kept);
    const depth = root.split('.').length;
    for (const update of merged) {
      let node = subtree;
      for (const segment of update.path.split('.').slice(depth)) {
        if (node[segment] === undefined) node[segment] = {};
        node = node[segment] as StoredTree;
      }
      Object.assign(node, storedNodeFields(update, at));
    }
    const set: Record<string, unknown> = { ...promotedFields(merged), [storedParameterField(root)]: subtree };
    if (!(await this.devices.updateOne({ _id: id }, { set }))) throw new DeviceNotFoundError(id);
  }

  async deleteSubtree(id: string, path: string): Promise<void> {
    if (!(await this.devices.updateOne({ _id: id }, { unset: [storedParameterField(path)] }))) throw new DeviceNotFoundError(id);
  }

  async setTags(id: string, add: string[], remove: string[]): Promise<string[]> {
    for (const tag of [...add, ...remove]) {
      if (typeof tag !== 'string' || tag.trim() === '') throw new InvalidQueryError(`tags are non-empty strings, got ${JSON.stringify(tag)}`);
    }
    const removing = [...new Set(remove)];
    const adding = [...new Set(add)].filter((tag) => !removing.includes(tag));
    // Two writes: MongoDB refuses $addToSet and $pullAll on the same field in one update.
    if (adding.length > 0 && !(await this.devices.updateOne({ _id: id }, { addToSet: { tags: adding } }))) throw new DeviceNotFoundError(id);
    if (removing.length > 0 && !(await this.devices.updateOne({ _id: id }, { pullAll: { tags: removing } }))) throw new DeviceNotFoundError(id);
    const doc = await this.devices.findOne({ _id: id }, ['tags']);
    if (!doc) throw new DeviceNotFoundError(id);
    return Array.isArray(doc.tags) ? (doc.tags as string[]) : [];
  }

  async setConnectionRequestCredentials(id: string, username: string, password: string): Promise<void> {
    const set = { connectionRequestUsername: username, connectionRequestPassword: password };
    if (!(await this.devices.updateOne({ _id: id }, { set }))) throw new DeviceNotFoundError(id);
  }

  async query(query: DeviceQuery): Promise<Paged<ProjectedDevice>> {
    const [total, items] = await Promise.all([this.count(query.filter), this.find(query)]);
    return { items, total };
  }

  async find(query: DeviceQuery): Promise<ProjectedDevice[]> {
    const { skip, limit, afterId } = query;
    if (!Number.isInteger(skip) || skip < 0) throw new InvalidQueryError(`skip must be a non-negative integer, got ${skip}`);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_DEVICE_PAGE) throw new InvalidQueryError(`limit must be an integer from 0 to ${MAX_DEVICE_PAGE}, got ${limit}`);
    const projection = query.projection === undefined ? undefined : storedProjection(query.projection);
    const sort = storedSort(query.sort ?? []);
    refuseServerCode(query.filter);
    let filter = query.filter;
    if (afterId !== undefined) {
      if (typeof afterId !== 'string') throw new InvalidQueryError('afterId must be a device id');
      if (sort.length !== 1 || sort[0][1] !== 1 || skip !== 0) throw new InvalidQueryError('afterId pages the devices in id order: sort by id alone, ascending, without skip');
      // An index range on _id, ANDed with the filter: the store walks the ids from there and stops at the page's end.
      filter = Object.keys(filter).length === 0 ? { _id: { $gt: afterId } } : { $and: [filter, { _id: { $gt: afterId } }] };
    }
    if (limit === 0) return [];
    const docs = await this.devices.find(filter, { projection, sort, skip, limit, ...(afterId !== undefined ? { walk: true } : {}) });
    return docs.map((doc) => fromStoredDevice(doc));
  }

  async delete(id: string): Promise<boolean> {
    return this.devices.deleteOne({ _id: id });
  }

  async count(filter: DeviceFilter): Promise<number> {
    refuseServerCode(filter);
    return this.devices.count(filter);
  }
}

function nodeOf(update: ParameterUpdate): Omit<DeviceRecord['parameters'][string], 'learnedAt'> {
  const node: Omit<DeviceRecord['parameters'][string], 'learnedAt'> = {};
  if (update.value !== undefined) node.value = update.value;
  if (update.type !== undefined) node.type = update.type;
  if (update.writable !== undefined) node.writable = update.writable;
  if (update.object !== undefined) node.object = update.object;
  return node;
}

/** The top-level fields an Inform sets (everything but registeredAt, recentEvents, tags and parameters). */
function informFields(facts: InformFacts, updates: readonly ParameterUpdate[]) {
  const promoted = promotedFields(updates) as Partial<Pick<DeviceRecord, 'ip'>>;
  return {
    oui: facts.oui,
    productClass: facts.productClass,
    serialNumber: facts.serialNumber,
    manufacturer: facts.manufacturer,
    rootObject: facts.rootObject,
    ...(promoted as Pick<DeviceRecord, 'softwareVersion' | 'hardwareVersion' | 'connectionRequestUrl' | 'udpConnectionRequestAddress' | 'periodicInformInterval'>),
    ...(promoted.ip === undefined ? {} : { ip: promoted.ip }),
    lastInform: facts.at,
    ...(facts.eventCodes.includes('1 BOOT') ? { lastBoot: facts.at } : {}),
    ...(facts.eventCodes.includes('0 BOOTSTRAP') ? { lastBootstrap: facts.at } : {}),
  };
}

/** Top-level fields mirrored from parameters among the updates; `ip` follows the ConnectionRequestURL's host. */
function promotedFields(updates: readonly ParameterUpdate[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const update of updates) {
    if (update.value === undefined) continue;
    const dot = update.path.indexOf('.');
    if (dot === -1 || !ROOT_OBJECTS.includes(update.path.slice(0, dot))) continue;
    const promoted = PROMOTED_BY_RELATIVE_PATH.get(update.path.slice(dot + 1));
    if (!promoted) continue;
    if (promoted[1] === 'periodicInformInterval') {
      const seconds = periodicInformIntervalOf(update.value);
      if (seconds !== undefined) fields.periodicInformInterval = seconds;
      continue;
    }
    fields[promoted[1]] = String(update.value);
    if (promoted[1] === 'connectionRequestUrl') {
      const host = hostOf(String(update.value));
      if (host !== undefined) fields.ip = host;
    }
  }
  return fields;
}

/** Hosts of ConnectionRequestURLs already parsed: every periodic Inform carries the device's unchanged URL. */
const HOSTS = new Map<string, string | undefined>();
const HOSTS_KEPT = 10_000;

function hostOf(url: string): string | undefined {
  if (HOSTS.has(url)) return HOSTS.get(url);
  const host = parseHost(url);
  if (HOSTS.size >= HOSTS_KEPT) HOSTS.clear();
  HOSTS.set(url, host);
  return host;
}

function parseHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** A copy of the stored subtree at `root` with only the kept nodes (and their meta fields). */
function keptCopy(tree: unknown, root: string, kept: ReadonlySet<string>): StoredTree {
  const copy = (node: unknown, path: string): StoredTree => {
    const result: StoredTree = {};
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return result;
    for (const [key, child] of Object.entries(node as StoredTree)) {
      if (NODE_META_KEYS.has(key)) result[key] = child;
      else if (kept.has(`${path}.${key}`)) result[key] = copy(child, `${path}.${key}`);
    }
    return result;
  };
  return copy(tree, root);
}

/** Stored fields to read for a projection; a path inside another projected path is dropped (MongoDB refuses both). */
function storedProjection(fields: readonly string[]): string[] {
  const stored = new Set<string>(['_id']);
  for (const field of fields) {
    if (field === 'id' || field === '_id') continue;
    if (isDeviceRecordField(field)) stored.add(field);
    else if (field === 'parameters') stored.add(PARAMETERS_FIELD);
    else stored.add(storedParameterField(field));
  }
  const all = [...stored];
  return all.filter((field) => !all.some((other) => other !== field && field.startsWith(`${other}.`)));
}

/** Sort keys in the stored shape; a parameter path sorts by its value; the id breaks ties for stable pages. */
function storedSort(sort: ReadonlyArray<readonly [string, number]>): Array<[string, 1 | -1]> {
  const stored: Array<[string, 1 | -1]> = [];
  for (const [field, direction] of sort) {
    if (direction !== 1 && direction !== -1) throw new InvalidQueryError(`sort direction of ${field} must be 1 or -1, got ${direction}`);
    let key: string;
    if (field === 'id' || field === '_id') key = '_id';
    else if (isDeviceRecordField(field)) key = field;
    else key = `${storedParameterField(field)}._v`;
    if (!stored.some(([existing]) => existing === key)) stored.push([key, direction]);
  }
  if (!stored.some(([key]) => key === '_id')) stored.push(['_id', 1]);
  return stored;
}

/** Operators that run code or need server features: never from a device filter, whoever built it. */
const REFUSED_OPERATORS = new Set(['$where', '$expr', '$function', '$accumulator', '$jsonSchema', '$text']);

function refuseServerCode(filter: unknown): void {
  if (filter === null || typeof filter !== 'object' || filter instanceof RegExp || filter instanceof Date) return;
  if (Array.isArray(filter)) {
    for (const item of filter) refuseServerCode(item);
    return;
  }
  for (const [key, value] of Object.entries(filter)) {
    if (REFUSED_OPERATORS.has(key)) throw new InvalidQueryError(`${key} is not accepted in a device filter`);
    refuseServerCode(value);
  }
}
