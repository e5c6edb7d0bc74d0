/**
 * A small ISP's whole fleet in provisioning's embedded store: N devices whose full TP-Link EX220 tree is known (the
 * dump in ../shared/vectors/device-models, 5,229 nodes, as a full refresh writes it) plus M devices known only from their Informs.
 *
 *   node test/bench/run.js fleet --store sqlite|nedb [--full 10000] [--light 90000] [--runs 5] [--heap-mib N]
 *       [--cache-mib N] [--data-dir DIR] [--keep] [--profile]
 *
 * Every write goes through the ProvisioningStore ports, as provisioning makes them: applyInform for each device's
 * first Inform, then for a full device the refresh of its tree (replaceSubtree with the names a GetParameterNames of
 * `Device.` returns, setParameters with the values a GetParameterValues returns), and setTags for the tagged ones.
 * The Inform-only devices are written first, then the full ones, so a store that gives out shows how far it got.
 *
 * Three processes, so each figure is the process's own: this one reports; a child fills the store (fill time, RSS
 * and heap after the fill, on-disk size); a fresh child reopens the store on the same data, times the open and the
 * first query (its RSS at start is real), then times the queries the API would make (QueryDevices and GetDevice,
 * filters compiled by the filter language as the API compiles them), median of --runs.
 *
 * `--heap-mib` is the children's --max-old-space-size (default 8192 for nedb, which holds every document in the heap
 * and needs about twice its data while it compacts; Node's own default for sqlite). `--cache-mib` is the SQLite page
 * cache (default: the standalone's, ACS_STORE_CACHE_MIB). The data directory is a fresh one under the system's temp
 * directory, removed at the end unless --keep. `--profile` prints where the fill's CPU time goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseValue, withoutTrailingDot } from '@acs/cwmp';
import { DataModel } from '@acs/cpe-sim';
import { compileFilterToMongo, parseFilter } from '@acs/filter';
import {
  DEVICE_FILTER_SHAPE,
  GetDevice,
  loadProvisioningConfig,
  openConfiguredEmbeddedStore,
  QueryDevices,
  type EmbeddedStoreConfig,
  type InformFacts,
  type ParameterUpdate,
  type ProvisioningStore,
} from '@acs/provisioning';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { directoryBytes, median, MiB, rssMiB } from './process-measures';

/** The shared test material beside the repository (`../shared`), where libs/provisioning's testing finds it too. */
const TPLINK_EX220_DUMP = join(__dirname, '..', '..', '..', 'shared', 'vectors', 'device-models', 'tplink-ex220-tr181.csv');

const STORES = ['sqlite', 'nedb'] as const;
type StoreKind = (typeof STORES)[number];

interface Options {
  store: StoreKind;
  full: number;
  light: number;
  runs: number;
  heapMib?: number;
  cacheMib?: number;
  dataDir?: string;
  keep: boolean;
  /** Where the fill child writes its V8 CPU profile (--profile). */
  profileDir?: string;
  phase?: 'fill' | 'reopen';
}

function parseArgs(argv: string[]): Options {
  const options: Partial<Options> & Pick<Options, 'full' | 'light' | 'runs' | 'keep'> = { full: 10_000, light: 90_000, runs: 5, keep: false };
  const count = (flag: string, text: string | undefined, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes an integer ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--keep' || flag === '--profile') {
      if (flag === '--keep') options.keep = true;
      else options.profileDir = mkdtempSync(join(tmpdir(), 'acs-prof-'));
      continue;
    }
    const text = argv[++i];
    if (flag === '--store') {
      if (!STORES.includes(text as StoreKind)) throw new Error(`--store takes ${STORES.join(' or ')}, got ${JSON.stringify(text)}`);
      options.store = text as StoreKind;
    } else if (flag === '--full') options.full = count(flag, text, 0);
    else if (flag === '--light') options.light = count(flag, text, 0);
    else if (flag === '--runs') options.runs = count(flag, text, 1);
    else if (flag === '--heap-mib') options.heapMib = count(flag, text, 64);
    else if (flag === '--cache-mib') options.cacheMib = count(flag, text, 1);
    else if (flag === '--data-dir') options.dataDir = resolve(text);
    else if (flag === '--phase') options.phase = text as Options['phase'];
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!options.store) throw new Error('--store sqlite|nedb is required');
  if (options.full + options.light === 0) throw new Error('no devices: give --full and/or --light');
  return options as Options;
}

function toArgs(options: Options, phase: 'fill' | 'reopen'): string[] {
  return [
    'fleet',
    '--phase', phase,
    '--store', options.store,
    '--full', String(options.full),
    '--light', String(options.light),
    '--runs', String(options.runs),
    '--data-dir', options.dataDir!,
    ...(options.cacheMib ? ['--cache-mib', String(options.cacheMib)] : []),
  ];
}

/** The store as the standalone opens it (ACS_STORE_* defaults), with this run's store and cache. */
function storeConfig(options: Options): EmbeddedStoreConfig {
  return { ...loadProvisioningConfig().store, kind: options.store, ...(options.cacheMib ? { cacheMiB: options.cacheMib } : {}) };
}

function openStore(options: Options): Promise<ProvisioningStore> {
  return openConfiguredEmbeddedStore(options.dataDir!, storeConfig(options));
}

// ---------------------------------------------------------------------------------------------------------------
// The fleet: who each device is, and what it reports. Device k (0-based, Inform-only devices first) is the same in
// every run, so the reopen child knows what to look for without being told.

/** The fleet's "now": every lastInform lies in the 24 hours before it. */
const FLEET_NOW = Date.parse('2026-12-01T00:00:00Z');
const CURRENT_VERSION = '1.1.0 2.0.0 v605f.0 Build 240115 Rel.60310n';
const PREVIOUS_VERSION = '0.14.0 2.0.0 v605f.0 Build 221227 Rel.55257n';
const OLD_VERSION = '0.12.0 2.0.0 v605f.0 Build 220519 Rel.41036n';

const serialOf = (k: number): string => `2226469${String(k).padStart(7, '0')}`;
const deviceIdOf = (k: number): string => `00259E-EX220-${serialOf(k)}`;
const versionOf = (k: number): string => (k % 100 === 7 ? OLD_VERSION : k % 10 === 3 ? PREVIOUS_VERSION : CURRENT_VERSION);
/** Spread over the last 24 hours by a stride that visits every second of the day. */
const lastInformOf = (k: number): number => FLEET_NOW - ((k * 7919) % 86_400) * 1000;
const wanAddressOf = (k: number): string => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
const macOf = (k: number, port: number): string =>
  ['1C', '61', ((k >> 16) & 255).toString(16), ((k >> 8) & 255).toString(16), (k & 255).toString(16), port.toString(16)].map((b) => b.padStart(2, '0').toUpperCase()).join(':');
/** 1% are in a pilot group, 10% are business customers. */
const tagsOf = (k: number): string[] => [...(k % 100 === 42 ? ['pilot'] : []), ...(k % 10 === 5 ? ['business'] : [])];

/** A device's first Inform: what an EX220 reports in every Inform (the parameters sampleInform of the store contract uses). */
function informOf(k: number, eventCodes: string[]): InformFacts {
  const text = (path: string, value: string): ParameterUpdate => ({ path, value, type: 'string' });
  return {
    id: deviceIdOf(k),
    oui: '00259E',
    productClass: 'EX220',
    serialNumber: serialOf(k),
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    at: lastInformOf(k),
    eventCodes,
    remoteAddress: wanAddressOf(k),
    parameters: [
      text('Device.DeviceInfo.SoftwareVersion', versionOf(k)),
      text('Device.DeviceInfo.HardwareVersion', 'EX220 v1.20 00000000'),
      text('Device.DeviceInfo.ProvisioningCode', ''),
      text('Device.ManagementServer.ConnectionRequestURL', `http://${wanAddressOf(k)}:7547/tr069`),
      text('Device.ManagementServer.ParameterKey', ''),
    ],
  };
}

/**
 * The EX220's tree as a refresh learns it: the names of a GetParameterNames of `Device.` (objects and writability)
 * and, per device, the values of a GetParameterValues, typed as the ACS reads them off the wire.
 */
function ex220Refresh(): { names: ParameterUpdate[]; values: (k: number) => ParameterUpdate[] } {
  const tree = DataModel.fromCsv(readFileSync(TPLINK_EX220_DUMP, 'utf8')).select('Device.');
  const names = tree.map((p): ParameterUpdate => ({ path: withoutTrailingDot(p.name), object: p.object, writable: p.writable }));
  const leaves = tree.filter((p) => !p.object);
  return {
    names,
    values: (k) => {
      let port = 0;
      return leaves.map(({ name, value, type }): ParameterUpdate => {
        // What differs from one EX220 to the next: identity, firmware, uptime, addresses, the Wi-Fi name.
        if (name === 'Device.DeviceInfo.SerialNumber') value = serialOf(k);
        else if (name === 'Device.DeviceInfo.SoftwareVersion') value = versionOf(k);
        else if (name === 'Device.DeviceInfo.UpTime') value = String((k * 3_607) % 2_000_000);
        else if (name === 'Device.ManagementServer.ConnectionRequestURL') value = `http://${wanAddressOf(k)}:7547/tr069`;
        else if (name.startsWith('Device.WiFi.SSID.') && name.endsWith('.SSID')) value = `TP-Link_${serialOf(k).slice(-4)}`;
        else if (name.endsWith('MACAddress') && value !== '') value = macOf(k, port++);
        const read = parseValue(value, `xsd:${type}`);
        return { path: name, value: read.value, type: read.type };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Child: fill

interface Progress {
  kind: 'progress';
  light: number;
  full: number;
  elapsedMs: number;
  heapMiB: number;
}

interface Filled {
  kind: 'filled';
  lightMs: number;
  fullMs: number;
  /** CPU time of this process in each part (on a shared machine, wall time alone says little). */
  lightCpuMs: number;
  fullCpuMs: number;
  bytesAfterLight: number;
  rssMiB: number;
  heapMiB: number;
  closeMs: number;
  bytes: number;
}

function send(message: Progress | Filled | Reopened): void {
  process.send!(message);
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / MiB;
}

async function fill(options: Options): Promise<void> {
  const started = performance.now();
  const progress = (light: number, full: number) => send({ kind: 'progress', light, full, elapsedMs: performance.now() - started, heapMiB: process.memoryUsage().heapUsed / MiB });
  let store = await openStore(options); 

  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const lightStarted = performance.now();
  const lightCpuStarted = cpuMs();
  for (let k = 0; k < options.light; k++) {
    await store.devices.applyInform(informOf(k, ['0 BOOTSTRAP', '1 BOOT']));
    const tags = tagsOf(k);
    if (tags.length > 0) await store.devices.setTags(deviceIdOf(k), tags, []);
    if ((k + 1) % 5000 === 0) progress(k + 1, 0);
  }
  const lightMs = performance.now() - lightStarted;
  const lightCpuMs = cpuMs() - lightCpuStarted;
  // Closed and reopened between the two kinds, so the size of the Inform-only part is measured on settled files.
  await store.close();
  const bytesAfterLight = directoryBytes(options.dataDir!);
  store = await openStore(options);

  const refresh = ex220Refresh();
  const fullStarted = performance.now();
  const fullCpuStarted = cpuMs();
  for (let j = 0; j < options.full; j++) {
    const k = options.light + j;
    const id = deviceIdOf(k);
    await store.devices.applyInform(informOf(k, ['0 BOOTSTRAP', '1 BOOT']));
    const at = lastInformOf(k);
    await store.devices.replaceSubtree(id, 'Device', refresh.names, at);
    await store.devices.setParameters(id, refresh.values(k), at);
    const tags = tagsOf(k);
    if (tags.length > 0) await store.devices.setTags(id, tags, []);
    if ((j + 1) % 100 === 0) progress(options.light, j + 1);
  }
  const fullMs = performance.now() - fullStarted;
  const fullCpuMs = cpuMs() - fullCpuStarted;
  const rss = rssMiB(process.pid);
  const heap = heapAfterGc();
  const closeStarted = performance.now();
  await store.close();
  const closeMs = performance.now() - closeStarted;
  send({ kind: 'filled', lightMs, fullMs, lightCpuMs, fullCpuMs, bytesAfterLight, rssMiB: rss, heapMiB: heap, closeMs, bytes: directoryBytes(options.dataDir!) });
}

// ---------------------------------------------------------------------------------------------------------------
// Child: reopen and query

interface QueryTiming {
  name: string;
  medianMs: number;
  result: string;
}

interface Reopened {
  kind: 'reopened';
  rssBeforeOpenMiB: number;
  startMs: number;
  rssAtStartMiB: number;
  heapAtStartMiB: number;
  queries: QueryTiming[];
  rssAfterQueriesMiB: number;
  heapAfterQueriesMiB: number;
}

async function reopen(options: Options): Promise<void> {
  heapAfterGc();
  const rssBeforeOpen = rssMiB(process.pid);
  const started = performance.now();
  const store = await openStore(options);
  const queryDevices = new QueryDevices(store.devices);
  const getDevice = new GetDevice(store.devices);
  const page = (filter: string) => () => queryDevices.execute({ filter, projection: [], sort: [], page: { skip: 0, limit: 50 } });
  // The first question an operator asks: the first page of devices.
  await page('')();
  const startMs = performance.now() - started;
  const rssAtStart = rssMiB(process.pid);
  const heapAtStart = heapAfterGc();

  // The count the API's total is made of, with the filter compiled as QueryDevices compiles it.
  const count = (filter: string) => () => store.devices.count(compileFilterToMongo(parseFilter(filter, DEVICE_FILTER_SHAPE), DEVICE_FILTER_SHAPE));
  const listed = (r: Awaited<ReturnType<ReturnType<typeof page>>>) => `${r.items.length} of ${(r.total ?? 0).toLocaleString('en')}`;
  const anHourAgo = new Date(FLEET_NOW - 3_600_000).toISOString();
  const fullDevice = options.full > 0 ? deviceIdOf(options.light + Math.floor(options.full / 2)) : deviceIdOf(Math.floor(options.light / 2));
  const cases: Array<{ name: string; run: () => Promise<unknown>; describe: (result: never) => string }> = [
    { name: 'list, no filter', run: page(''), describe: listed },
    { name: `list, Device.DeviceInfo.SoftwareVersion = old (1%)`, run: page(`Device.DeviceInfo.SoftwareVersion = "${OLD_VERSION}"`), describe: listed },
    { name: 'list, tag = "pilot" (1%)', run: page('tag = "pilot"'), describe: listed },
    { name: 'list, lastInform in the last hour (4%)', run: page(`lastInform >= "${anHourAgo}"`), describe: listed },
    { name: 'count, no filter', run: count(''), describe: (n: number) => n.toLocaleString('en') },
    { name: 'count, SoftwareVersion = previous (9%)', run: count(`Device.DeviceInfo.SoftwareVersion = "${PREVIOUS_VERSION}"`), describe: (n: number) => n.toLocaleString('en') },
    {
      name: `get one ${options.full > 0 ? 'full' : 'Inform-only'} device, whole tree`,
      run: () => getDevice.execute({ deviceId: fullDevice }),
      describe: (d: { parameters?: object }) => `${Object.keys(d.parameters ?? {}).length.toLocaleString('en')} nodes`,
    },
  ];
  const queries: QueryTiming[] = [];
  for (const c of cases) {
    const times: number[] = [];
    let result: unknown;
    for (let run = 0; run < options.runs; run++) {
      const t0 = performance.now();
      result = await c.run();
      times.push(performance.now() - t0);
    }
    queries.push({ name: c.name, medianMs: median(times), result: c.describe(result as never) });
  }
  const rssAfterQueries = rssMiB(process.pid);
  const heapAfterQueries = heapAfterGc();
  send({ kind: 'reopened', rssBeforeOpenMiB: rssBeforeOpen, startMs, rssAtStartMiB: rssAtStart, heapAtStartMiB: heapAtStart, queries, rssAfterQueriesMiB: rssAfterQueries, heapAfterQueriesMiB: heapAfterQueries });
  await store.close();
}

// ---------------------------------------------------------------------------------------------------------------
// Parent

interface ChildOutcome<T> {
  result?: T;
  /** Set when the child did not finish: its exit, and the end of what it wrote on stderr. */
  failure?: string;
}

function runChild<T extends { kind: string }>(options: Options, phase: 'fill' | 'reopen', onProgress: (p: Progress) => void): Promise<ChildOutcome<T>> {
  const execArgv = [
    '--expose-gc',
    ...(options.heapMib ? [`--max-old-space-size=${options.heapMib}`] : []),
    ...(options.profileDir && phase === 'fill' ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
  ];
  const child: ChildProcess = fork(join(__dirname, 'run.js'), toArgs(options, phase), { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let result: T | undefined;
  child.on('message', (message: Progress | T) => {
    if (message.kind === 'progress') onProgress(message as Progress);
    else result = message as T;
  });
  return new Promise((done) => {
    child.once('exit', (code, signal) => {
      if (code === 0 && result) return done({ result });
      const lines = stderr.trim().split('\n').filter((l) => /error|fatal|heap|memory|killed/i.test(l)).slice(-3);
      done({ result, failure: `exit ${signal ?? code}${lines.length > 0 ? `: ${lines.join(' / ')}` : ''}` });
    });
  });
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const rate = (n: number, ms: number): string => `${(n / (ms / 1000)).toFixed(n / (ms / 1000) < 100 ? 1 : 0)}/s`;
const n = (x: number): string => x.toLocaleString('en');

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.phase === 'fill' || options.phase === 'reopen') {
    // Orphaned by the reporting process (interrupted): stop rather than go on filling a disk nobody reads.
    const orphaned = () => process.exit(1);
    process.on('disconnect', orphaned);
    await (options.phase === 'fill' ? fill(options) : reopen(options));
    // The IPC channel would keep this process alive; its result is sent.
    process.off('disconnect', orphaned);
    process.disconnect();
    return;
  }
  if (!existsSync(TPLINK_EX220_DUMP)) throw new Error(`the EX220 dump is missing: ${TPLINK_EX220_DUMP} (../shared)`);
  if (options.store === 'nedb' && options.heapMib === undefined) options.heapMib = 8192;
  const ownDir = options.dataDir === undefined;
  if (options.dataDir && existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0) throw new Error(`--data-dir ${options.dataDir} is not empty`);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  options.dataDir ??= mkdtempSync(join(tmpdir(), `acs-fleet-${options.store}-`));

  const out: Array<[string, string]> = [];
  const section = (title: string) => out.push([title, '']);
  const row = (name: string, value: string) => out.push([`  ${name}`, value]);
  const print = () => process.stdout.write(`${out.map(([k, v]) => (v ? `${k.padEnd(52)}${v}` : k)).join('\n')}\n`);
  const nodes = ex220Refresh().names.length;
  process.stdout.write(
    `fleet: ${n(options.full)} devices with the full EX220 tree (${n(nodes)} nodes) + ${n(options.light)} Inform-only = ${n(options.full + options.light)}; ` +
      `store ${options.store}${options.store === 'sqlite' ? ` (page cache ${storeConfig(options).cacheMiB} MiB, synchronous ${storeConfig(options).synchronous})` : ''}; heap limit ${options.heapMib ? `${options.heapMib} MiB` : 'node default'}; data in ${options.dataDir}\n`,
  );

  try {
    let last: Progress | undefined;
    const filled = await runChild<Filled>(options, 'fill', (p) => {
      last = p;
      process.stderr.write(`[fill] ${n(p.light)}/${n(options.light)} Inform-only, ${n(p.full)}/${n(options.full)} full, ${seconds(p.elapsedMs)}, heap ${p.heapMiB.toFixed(0)} MiB\n`);
    });
    section('fill (one process, writes through the ProvisioningStore ports)');
    if (!filled.result) {
      row('FAILED', `after ${n(last?.light ?? 0)} Inform-only + ${n(last?.full ?? 0)} full devices (${last ? seconds(last.elapsedMs) : '-'}, heap ${last?.heapMiB.toFixed(0) ?? '-'} MiB)`);
      row('how', filled.failure ?? 'unknown');
      print();
      process.exitCode = 1;
      return;
    }
    const f = filled.result;
    const perDevice = (cpu: number, count: number) => (count > 0 ? `, ${(cpu / count).toFixed(cpu / count < 10 ? 2 : 0)} ms CPU each` : '');
    row('Inform-only devices', `${n(options.light)} in ${seconds(f.lightMs)} (${rate(options.light, f.lightMs)}${perDevice(f.lightCpuMs, options.light)})`);
    row('full devices', `${n(options.full)} in ${seconds(f.fullMs)} (${rate(options.full, f.fullMs)}${perDevice(f.fullCpuMs, options.full)})`);
    row('fill total', seconds(f.lightMs + f.fullMs));
    row('RSS / heap after fill', `${f.rssMiB.toFixed(0)} MiB / ${f.heapMiB.toFixed(0)} MiB`);
    row('close after fill', seconds(f.closeMs));
    section('on disk');
    row('data directory', mib(f.bytes));
    if (options.light > 0) row('per Inform-only device', kb(f.bytesAfterLight / options.light));
    if (options.full > 0) row('per full device', kb((f.bytes - f.bytesAfterLight) / options.full));

    const reopened = await runChild<Reopened>(options, 'reopen', () => undefined);
    section('start (a fresh process on the same data)');
    if (!reopened.result) {
      row('FAILED', reopened.failure ?? 'unknown');
      print();
      process.exitCode = 1;
      return;
    }
    const r = reopened.result;
    row('RSS before open (node + code)', `${r.rssBeforeOpenMiB.toFixed(0)} MiB`);
    row('open + first query (page of 50)', r.startMs < 1000 ? `${r.startMs.toFixed(0)} ms` : seconds(r.startMs));
    row('RSS / heap at start', `${r.rssAtStartMiB.toFixed(0)} MiB / ${r.heapAtStartMiB.toFixed(0)} MiB`);
    section(`queries (median of ${options.runs}; pages of 50 with the API's fields)`);
    for (const q of r.queries) row(q.name, `${q.medianMs.toFixed(q.medianMs < 10 ? 2 : 0).padStart(8)} ms   ${q.result}`);
    row('RSS / heap after the queries', `${r.rssAfterQueriesMiB.toFixed(0)} MiB / ${r.heapAfterQueriesMiB.toFixed(0)} MiB`);
    print();
    const profile = options.profileDir && readdirSync(options.profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (profile) process.stdout.write(`where the fill's time goes:\n${summarizeCpuProfile(join(options.profileDir!, profile))}\n(profile: ${join(options.profileDir!, profile)})\n`);
  } finally {
    if (ownDir && !options.keep) rmSync(options.dataDir, { recursive: true, force: true });
    else process.stdout.write(`data kept in ${options.dataDir}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
