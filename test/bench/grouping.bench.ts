/**
 * What keeping a dynamic group's membership costs over a large fleet, in the standalone's shape: provisioning's
 * devices in its SQLite store, read through its QueryDevices use case (what ListDevices serves: the filter compiled
 * to SQL; uncounted keyset pages in id order, as grouping asks with omit_total, or with `--paging offset` the offset
 * pages with a total it read before), grouping's memberships in grouping.sqlite, acs.group events counted.
 *
 *   node test/bench/run.js grouping [--devices 100000] [--changes 2000] [--page 1000] [--paging keyset|offset]
 *
 * Prints, for a group selecting a quarter of the fleet:
 * - the full evaluation at creation (every member joins) and a re-evaluation that changes nothing;
 * - the incremental cost per device change (an acs.device parameters-changed applied by ApplyDeviceEvent), for a
 *   change the event alone decides, one that needs the device read from provisioning, and one no group reads.
 * Asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AcsDeviceEventType, DEVICE_FILTER_FIELDS, type AcsDeviceEventData } from '@acs/contracts';
import { createGroupingCore, openSqliteGroupingStore, type DeviceInventory, type DeviceView, type GroupEvents } from '@acs/grouping';
import { openSqliteProvisioningStore, QueryDevices, type InformFacts } from '@acs/provisioning';
import pino from 'pino';

interface Options {
  devices: number;
  changes: number;
  page: number;
  paging: 'keyset' | 'offset';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { devices: 100_000, changes: 2_000, page: 1000, paging: 'keyset' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => Number(argv[++i]);
    if (flag === '--devices') options.devices = value();
    else if (flag === '--changes') options.changes = value();
    else if (flag === '--page') options.page = value();
    else if (flag === '--paging') {
      const paging = argv[++i];
      if (paging !== 'keyset' && paging !== 'offset') throw new Error('--paging is keyset or offset');
      options.paging = paging;
    } else throw new Error(`unknown flag ${flag}`);
  }
  for (const [name, n] of Object.entries(options)) if (typeof n === 'number' && (!Number.isInteger(n) || n < 1)) throw new Error(`--${name} must be a positive integer`);
  return options;
}

const TIER = 'Device.X_ACME_Tier';
const REGION = 'Device.X_ACME_Region';
const serialOf = (k: number) => `BENCH${String(k).padStart(7, '0')}`;
const deviceIdOf = (k: number) => `00259E-EX220-${serialOf(k)}`;
const tierOf = (k: number) => (k % 4 === 0 ? 'business' : 'home');
const regionOf = (k: number) => (k % 2 === 0 ? 'north' : 'south');

function informOf(k: number, at: number): InformFacts {
  return {
    id: deviceIdOf(k),
    oui: '00259E',
    productClass: 'EX220',
    serialNumber: serialOf(k),
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    at,
    eventCodes: ['0 BOOTSTRAP', '1 BOOT'],
    parameters: [
      { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string' },
      { path: TIER, value: tierOf(k), type: 'string' },
      { path: REGION, value: regionOf(k), type: 'string' },
    ],
  };
}

/** Provisioning's inventory through its query use case, paged as ListDevices pages (the token is the last id, or the offset). */
class QueryDevicesInventory implements DeviceInventory {
  constructor(
    private readonly query: QueryDevices,
    private readonly paging: Options['paging'],
  ) {}

  async matchingIds(filter: string, pageToken: string, pageSize: number): Promise<{ ids: string[]; nextPageToken: string }> {
    if (this.paging === 'keyset') {
      const page = await this.query.execute({ filter, projection: [], sort: [], page: { skip: 0, limit: pageSize }, withoutTotal: true, afterId: pageToken });
      const ids = page.items.map((device) => device.id);
      return { ids, nextPageToken: ids.length === pageSize ? ids[ids.length - 1] : '' };
    }
    const skip = pageToken === '' ? 0 : Number(pageToken);
    const page = await this.query.execute({ filter, projection: [], sort: [], page: { skip, limit: pageSize } });
    const next = skip + page.items.length;
    return { ids: page.items.map((device) => device.id), nextPageToken: next < (page.total ?? 0) ? String(next) : '' };
  }

  async device(id: string, parameterPaths: readonly string[]): Promise<DeviceView | null> {
    const page = await this.query.execute({ filter: `id = "${id}"`, projection: parameterPaths, sort: [], page: { skip: 0, limit: 1 } });
    const device = page.items[0];
    if (!device) return null;
    const parameters: Record<string, string | number | boolean> = {};
    for (const [path, node] of Object.entries(device.parameters ?? {})) if (node.value !== undefined) parameters[path] = node.value;
    const fields: DeviceView['fields'] = {};
    for (const field of DEVICE_FILTER_FIELDS) fields[field] = (device as unknown as Record<string, string | number | undefined>)[field];
    return { id, fields, parameters, tags: device.tags ?? [], known: new Set([...DEVICE_FILTER_FIELDS.map((f) => `field:${f}`), 'tag', ...Object.keys(parameters).map((p) => `param:${p}`)]) };
  }
}

class CountedEvents implements GroupEvents {
  joined = 0;
  left = 0;
  async groupCreated(): Promise<void> {}
  async groupChanged(): Promise<void> {}
  async groupDeleted(): Promise<void> {}
  async membershipChanged(changes: readonly { joined: boolean }[]): Promise<void> {
    for (const change of changes) if (change.joined) this.joined += 1;
    else this.left += 1;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const micros = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(0)} µs/change`;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'acs-bench-grouping-'));
  const provisioning = openSqliteProvisioningStore({ dataDir: dir });
  const grouping = openSqliteGroupingStore({ dataDir: dir });
  try {
    let started = performance.now();
    const at = Date.now();
    for (let k = 0; k < options.devices; k++) await provisioning.devices.applyInform(informOf(k, at));
    console.log(`fleet: ${options.devices} devices in provisioning's SQLite store (${seconds(performance.now() - started)} to write)`);

    const events = new CountedEvents();
    const core = createGroupingCore({ store: grouping, inventory: new QueryDevicesInventory(new QueryDevices(provisioning.devices), options.paging), events, logger: pino({ level: 'silent' }), pageSize: options.page });

    started = performance.now();
    const { group, evaluation } = await core.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'bench' });
    const createMs = performance.now() - started;
    console.log(`full evaluation at creation: ${evaluation.members} members of ${options.devices}, ${seconds(createMs)} (${events.joined} device-joined events)`);

    started = performance.now();
    const again = await core.useCases.evaluateGroup.execute(group.id);
    console.log(`full re-evaluation, nothing changed: ${seconds(performance.now() - started)} (joined ${again.joined}, left ${again.left})`);

    // Where a full evaluation's time goes: provisioning's pages. Both ways of paging, alternated, so a machine whose
    // load changes meanwhile weighs on both alike.
    const walk = async (paging: Options['paging']) => {
      const inventory = new QueryDevicesInventory(new QueryDevices(provisioning.devices), paging);
      const at = performance.now();
      let token = '';
      let ids = 0;
      do {
        const page = await inventory.matchingIds(`${TIER} = "business"`, token, options.page);
        ids += page.ids.length;
        token = page.nextPageToken;
      } while (token !== '');
      return { ids, ms: performance.now() - at };
    };
    const walks: Record<Options['paging'], number[]> = { keyset: [], offset: [] };
    let streamed = 0;
    for (let round = 0; round < 2; round++) {
      for (const paging of ['keyset', 'offset'] as const) {
        const { ids, ms } = await walk(paging);
        walks[paging].push(ms);
        streamed = ids;
      }
    }
    const range = (ms: number[]) => `${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))}`;
    console.log(`  streaming the filter's ${streamed} ids from provisioning in pages of ${options.page}: keyset (uncounted, after the last id) ${range(walks.keyset)}; offset with a total ${range(walks.offset)}`);

    await core.useCases.createGroup.execute({ name: 'business north', kind: 'dynamic', filter: `${REGION} = "north"`, parentId: group.id, createdBy: 'bench' });
    await core.useCases.createGroup.execute({ name: 'north', kind: 'dynamic', filter: `${REGION} = "north" AND ${TIER} = "home"`, createdBy: 'bench' });

    // Devices spread over the fleet; each change flips the tier (provisioning writes it, then publishes the event).
    const picks = Array.from({ length: Math.min(options.changes, options.devices) }, (_, i) => Math.floor((i * options.devices) / Math.min(options.changes, options.devices)));
    const eventOf = (k: number, parameters: AcsDeviceEventData['parameters']): AcsDeviceEventData => ({ deviceId: deviceIdOf(k), oui: '00259E', productClass: 'EX220', serialNumber: serialOf(k), softwareVersion: '1.0.0', eventCodes: ['4 VALUE CHANGE'], parameters });

    const before = events.joined + events.left;
    started = performance.now();
    for (const k of picks) {
      const value = tierOf(k) === 'business' ? 'home' : 'business';
      await provisioning.devices.setParameters(deviceIdOf(k), [{ path: TIER, value, type: 'string' }], Date.now());
      // The event reports the tier only: "business" decides from it alone; "north" and the nested group read the region too.
      await core.useCases.applyDeviceEvent.execute(AcsDeviceEventType.parametersChanged, eventOf(k, [{ path: TIER, value }]));
    }
    const readMs = performance.now() - started;
    console.log(`incremental, tier changed, three groups affected, region read from provisioning: ${micros(readMs, picks.length)} (${events.joined + events.left - before} joins and leaves; provisioning's write included)`);

    const before2 = events.joined + events.left;
    started = performance.now();
    for (const k of picks) {
      const value = tierOf(k);
      await provisioning.devices.setParameters(deviceIdOf(k), [{ path: TIER, value, type: 'string' }], Date.now());
      await core.useCases.applyDeviceEvent.execute(AcsDeviceEventType.parametersChanged, eventOf(k, [{ path: TIER, value }, { path: REGION, value: regionOf(k) }]));
    }
    const eventMs = performance.now() - started;
    console.log(`incremental, tier changed back, the event carries every value read: ${micros(eventMs, picks.length)} (${events.joined + events.left - before2} joins and leaves; provisioning's write included)`);

    started = performance.now();
    for (const k of picks) await core.useCases.applyDeviceEvent.execute(AcsDeviceEventType.parametersChanged, eventOf(k, [{ path: 'Device.DeviceInfo.UpTime', value: k }]));
    console.log(`incremental, a parameter no group reads: ${micros(performance.now() - started, picks.length)}`);

    started = performance.now();
    for (const k of picks.slice(0, 200)) await provisioning.devices.setParameters(deviceIdOf(k), [{ path: TIER, value: tierOf(k), type: 'string' }], Date.now());
    console.log(`(provisioning's setParameters alone: ${micros(performance.now() - started, Math.min(200, picks.length))})`);
  } finally {
    await grouping.close();
    await provisioning.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
