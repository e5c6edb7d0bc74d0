/**
 * What storing monitoring samples costs: IngestSamples over a fleet reporting every 15 minutes, values by TR-181
 * parameter path (mapped through the catalog, counters turned into rates), into the diagnostics service's store
 * (`diagnostics.sqlite`, or MongoDB/FerretDB at ACS_MONGO_URL with `--mongo`).
 *
 *   node test/bench/run.js monitoring-ingest [--devices 1000] [--metrics 12] [--rounds 96] [--batch 500] [--reads 100]
 *     [--concurrency 256 (SQLite) | 16 (--mongo)] [--mongo]
 *
 * `--rounds 96` is one day of 15-minute samples per device (one raw bucket each). Prints samples/s (one sample = one
 * device's report of M metrics) and values/s, bytes per stored value on disk, the time to read a device's 24 h series
 * (ListSamples, raw), and the time to fold the day into hourly and daily points (RollUpSamples). Asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BUILTIN_METRICS,
  DEFAULT_RETENTION,
  IngestSamples,
  ListSamples,
  MetricCatalog,
  MetricCatalogSource,
  openMongoMonitoringStore,
  openSqliteMonitoringStore,
  RollUpSamples,
  type MetricDefinition,
  type MonitoringStore,
  type SampleInput,
} from '@acs/diagnostics';
import { MongoTestDatabase } from '@acs/infra-mongo';
import { openSqliteDatabase, type SqliteDatabase } from '@acs/infra-sqlite';
import { mongo as driver } from 'mongoose';

interface Options {
  devices: number;
  metrics: number;
  rounds: number;
  batch: number;
  reads: number;
  concurrency: number;
  mongo: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { devices: 1_000, metrics: 12, rounds: 96, batch: 500, reads: 100, concurrency: 0, mongo: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => Number(argv[++i]);
    if (flag === '--devices') options.devices = value();
    else if (flag === '--metrics') options.metrics = value();
    else if (flag === '--rounds') options.rounds = value();
    else if (flag === '--batch') options.batch = value();
    else if (flag === '--reads') options.reads = value();
    else if (flag === '--concurrency') options.concurrency = value();
    else if (flag === '--mongo') options.mongo = true;
    else throw new Error(`unknown flag ${flag}`);
  }
  // FerretDB answers "database is locked" to hundreds of concurrent updates.
  if (options.concurrency === 0) options.concurrency = options.mongo ? 16 : 256;
  for (const [name, n] of Object.entries(options)) if (typeof n === 'number' && (!Number.isInteger(n) || n < 1)) throw new Error(`--${name} must be a positive integer`);
  const tr181 = BUILTIN_METRICS.filter((metric) => metric.paths.Device);
  if (options.metrics > tr181.length) throw new Error(`--metrics is at most ${tr181.length} (the built-in TR-181 metrics)`);
  return options;
}

const MIN15 = 900_000;
const T0 = Date.UTC(2026, 11, 1);
const deviceIdOf = (k: number) => `00259E-EX220-BENCH${String(k).padStart(7, '0')}`;

/** A plausible reading of a metric of device k at round r: counters grow at a per-device rate, gauges wander. */
function valueOf(metric: MetricDefinition, k: number, r: number): string {
  if (metric.kind === 'counter') return String(Math.floor((1 + (k % 50)) * 12_500 * 900 * r + k));
  if (metric.name === 'system.uptime') return String(86_400 + r * 900);
  if (metric.name.startsWith('optical.')) return String(-15_000 - ((k * 7 + r * 13) % 3_000));
  return String(10 + ((k * 31 + r * 17) % 80));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const metrics = [...BUILTIN_METRICS.filter((metric) => metric.paths.Device)].sort((a, b) => Number(b.kind === 'counter') - Number(a.kind === 'counter')).slice(0, options.metrics);
  const paths = [...new MetricCatalog().pathsOn('Device', {}).entries()].filter(([, metric]) => metrics.includes(metric));

  let store: MonitoringStore;
  let sqlite: { dir: string; database: SqliteDatabase } | undefined;
  let mongo: MongoTestDatabase | undefined;
  if (options.mongo) {
    mongo = new MongoTestDatabase('acs_bench_monitoring');
    store = await openMongoMonitoringStore(await mongo.connect());
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'acs-bench-monitoring-'));
    const database = openSqliteDatabase(join(dir, 'diagnostics.sqlite'));
    sqlite = { dir, database };
    store = openSqliteMonitoringStore({ database });
  }
  let now = T0;
  const clock = () => now;
  const catalog = new MetricCatalogSource(store.profiles, clock);
  let points = 0;
  const ingest = new IngestSamples({ store, catalog, now: clock, concurrency: options.concurrency, listener: { onPoints: async (handed) => void (points += handed.length) } });

  console.log(
    `monitoring-ingest: ${options.devices} devices × ${options.rounds} rounds (15 min apart) × ${paths.length} metrics ` +
      `(${metrics.filter((m) => m.kind === 'counter').length} counters), batches of ${options.batch} devices, ${options.concurrency} at once, store ${options.mongo ? 'MongoDB (ACS_MONGO_URL)' : 'SQLite'}`,
  );
  const started = process.hrtime.bigint();
  let lastReport = started;
  for (let r = 0; r < options.rounds; r++) {
    const at = T0 + r * MIN15;
    now = at + 5_000;
    for (let first = 0; first < options.devices; first += options.batch) {
      const samples: SampleInput[] = [];
      for (let k = first; k < Math.min(options.devices, first + options.batch); k++) {
        const values: Record<string, string> = {};
        for (const [path, metric] of paths) values[path] = valueOf(metric, k, r);
        samples.push({ deviceId: deviceIdOf(k), at, source: 'inform', values });
      }
      await ingest.execute({ samples });
    }
    const tick = process.hrtime.bigint();
    if (tick - lastReport > 10_000_000_000n) {
      lastReport = tick;
      console.log(`  … round ${r + 1}/${options.rounds}, ${(Number(tick - started) / 1e9).toFixed(0)} s`);
    }
  }
  await store.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const samples = options.devices * options.rounds;
  const values = samples * paths.length;
  console.log(`ingest: ${samples} samples (${values} values) in ${seconds.toFixed(1)} s: ${(samples / seconds).toFixed(0)} samples/s, ${(values / seconds).toFixed(0)} values/s; ${points} points handed on`);

  if (sqlite) {
    sqlite.database.pragma('wal_checkpoint(TRUNCATE)');
    const file = join(sqlite.dir, 'diagnostics.sqlite');
    const bytes = statSync(file).size;
    const bucket = sqlite.database.prepare('SELECT count(*) AS n, avg(length(doc)) AS avg FROM sampleBuckets').get() as { n: number; avg: number };
    const state = sqlite.database.prepare('SELECT avg(length(doc)) AS avg FROM monitoredDevices').get() as { avg: number };
    console.log(
      `disk: diagnostics.sqlite ${(bytes / 1e6).toFixed(1)} MB = ${(bytes / values).toFixed(1)} bytes per value stored; ` +
        `${bucket.n} raw buckets of ${(bucket.avg / 1024).toFixed(1)} KiB (JSONB), ${(bucket.avg / (options.rounds * paths.length)).toFixed(1)} bytes per value in a bucket; device state ${state.avg.toFixed(0)} bytes`,
    );
  } else {
    const db = (await mongo!.connect()).connection.db!;
    const stats = (await db.command({ collStats: 'diagnostics.sampleBuckets' })) as { size?: number; count?: number; storageSize?: number; totalIndexSize?: number };
    // BSON as MongoDB stores it (FerretDB keeps its own encoding: its collStats are what it reports).
    const bucketBytes = (await db.collection('diagnostics.sampleBuckets').find({}).limit(50).toArray()).map((doc) => driver.BSON.calculateObjectSize(doc));
    const bson = bucketBytes.reduce((a, b) => a + b, 0) / Math.max(1, bucketBytes.length);
    console.log(
      `disk: diagnostics.sampleBuckets ${stats.count} buckets, collStats size ${((stats.size ?? 0) / 1e6).toFixed(1)} MB (${((stats.size ?? 0) / values).toFixed(1)} bytes per value), ` +
        `storage ${((stats.storageSize ?? 0) / 1e6).toFixed(1)} MB, indexes ${((stats.totalIndexSize ?? 0) / 1e6).toFixed(1)} MB; ` +
        `a bucket is ${(bson / 1024).toFixed(1)} KiB of BSON = ${(bson / (options.rounds * paths.length)).toFixed(1)} bytes per value`,
    );
  }

  const reopened = options.mongo ? await openMongoMonitoringStore(await mongo!.connect()) : openSqliteMonitoringStore({ database: sqlite!.database });
  now = T0 + options.rounds * MIN15;
  const list = new ListSamples({ store: reopened, catalog: new MetricCatalogSource(reopened.profiles, clock), now: clock, retention: DEFAULT_RETENTION });
  const readMs: number[] = [];
  const counter = metrics.find((metric) => metric.kind === 'counter') ?? metrics[0];
  for (let i = 0; i < options.reads; i++) {
    const k = Math.floor((i * 7919) % options.devices);
    const begin = process.hrtime.bigint();
    const series = await list.execute({ deviceId: deviceIdOf(k), metric: counter.name, since: now - 86_400_000, until: now, resolution: 'raw' });
    readMs.push(Number(process.hrtime.bigint() - begin) / 1e6);
    if (i === 0 && series.points.length === 0) throw new Error('read an empty series: nothing was stored?');
  }
  readMs.sort((a, b) => a - b);
  console.log(`read: ${options.reads} × 24 h raw series of ${counter.name} (${Math.min(options.rounds, 96)} points): median ${quantile(readMs, 0.5).toFixed(2)} ms, p95 ${quantile(readMs, 0.95).toFixed(2)} ms`);

  now = T0 + Math.ceil(options.rounds / 96) * 86_400_000 + 2 * 3_600_000;
  const rollUp = new RollUpSamples({ store: reopened, now: clock, retention: DEFAULT_RETENTION });
  const rollStart = process.hrtime.bigint();
  let folded = 0;
  for (;;) {
    const result = await rollUp.execute({ limit: 1_000 });
    folded += result.folded;
    if (!result.more) break;
  }
  const rollSeconds = Number(process.hrtime.bigint() - rollStart) / 1e9;
  console.log(`rollup: ${folded} raw buckets folded into hourly and daily points in ${rollSeconds.toFixed(1)} s (${(folded / rollSeconds).toFixed(0)} buckets/s)`);
  if (sqlite) {
    const size = (table: string) => (sqlite!.database.prepare(`SELECT avg(length(doc)) AS avg FROM ${table}`).get() as { avg: number }).avg;
    console.log(`rollup buckets: hourly (device, day) ${(size('hourlySamples') / 1024).toFixed(1)} KiB, daily (device, month) ${(size('dailySamples') / 1024).toFixed(2)} KiB after one day (JSONB)`);
  } else {
    const db = (await mongo!.connect()).connection.db!;
    const size = async (collection: string) => {
      const docs = await db.collection(collection).find({}).limit(50).toArray();
      return docs.map((doc) => driver.BSON.calculateObjectSize(doc)).reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
    };
    console.log(`rollup buckets: hourly (device, day) ${((await size('diagnostics.hourlySamples')) / 1024).toFixed(1)} KiB, daily (device, month) ${((await size('diagnostics.dailySamples')) / 1024).toFixed(2)} KiB after one day (BSON)`);
  }
  await reopened.close();

  if (sqlite) {
    sqlite.database.close();
    rmSync(sqlite.dir, { recursive: true, force: true });
  } else {
    await mongo!.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
