/**
 * Session throughput of the CWMP gateway: N simulated CPEs doing periodic Informs (Inform → InformResponse → empty
 * POST → 204) against the standalone gateway in a separate process, pinned to one core, the simulator on the other.
 *
 *   npm run build && node test/bench/run.js session [--cpes 1000] [--duration 15] [--concurrency 64]
 *       [--target standalone|cwmp-gateway|bare] [--store sqlite|nedb] [--log-level info] [--profile]
 *       [--compare | --against-gateway [--store sqlite,nedb]] [--env NAME=VALUE]
 *
 * Prints sessions/s, p50/p99 session latency as the CPE sees it, the gateway's CPU per session and its RSS.
 * `--target bare` runs the same load against test/bench/bare-server.js (parse the Inform, answer, nothing else).
 * `--store` is the standalone's provisioning store (ACS_STORE); each standalone run starts on a fresh data directory.
 * `--profile` records a V8 CPU profile of the gateway and prints where its time goes.
 * `--compare`: the gateway pod on in-process adapters, then on Redis + Kafka.
 * `--against-gateway`: the gateway alone, then the standalone (gateway + provisioning) once per store of `--store`
 * (default sqlite,nedb), in one table with each standalone's rate as a share of the gateway alone's.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { startTarget, STORES, TARGET_APPS, type Store, type TargetApp } from './bench-target';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { cpuSeconds, percentile, pin, rssMiB } from './process-measures';

interface Options {
  cpes: number;
  duration: number;
  concurrency: number;
  target: TargetApp;
  logLevel: string;
  profile: boolean;
  compare: boolean;
  againstGateway: boolean;
  /** The standalone's ACS_STORE per run: one for a single run, one or more with --against-gateway. */
  stores: Store[];
  port: number;
  env: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cpes: 1000, duration: 15, concurrency: 64, target: 'standalone', logLevel: 'info', profile: false, compare: false, againstGateway: false, stores: [], port: 17547, env: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--cpes') options.cpes = Number(value());
    else if (flag === '--duration') options.duration = Number(value());
    else if (flag === '--concurrency') options.concurrency = Number(value());
    else if (flag === '--target') {
      const text = value();
      if (!TARGET_APPS.includes(text as TargetApp)) throw new Error(`--target takes ${TARGET_APPS.join(', ')}, got ${JSON.stringify(text)}`);
      options.target = text as TargetApp;
    }
    else if (flag === '--log-level') options.logLevel = value();
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--compare') options.compare = true;
    else if (flag === '--against-gateway') options.againstGateway = true;
    else if (flag === '--store') {
      const text = value();
      options.stores = text.split(',').map((store) => {
        if (!STORES.includes(store as Store)) throw new Error(`--store takes ${STORES.join(', ')} or a comma-separated list of them, got ${JSON.stringify(text)}`);
        return store as Store;
      });
    }
    else if (flag === '--port') options.port = Number(value());
    else if (flag === '--env') {
      const [k, ...v] = value().split('=');
      options.env[k] = v.join('=');
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (options.stores.length > 1 && !options.againstGateway) throw new Error('several stores only with --against-gateway');
  if (options.againstGateway && options.compare) throw new Error('--compare and --against-gateway are two different runs: give one');
  return options;
}

interface Measurement {
  lines: Array<[string, string]>;
  sessionsPerSecond: number;
  sessionsPerCpuSecond: number;
  failed: boolean;
}

/** Measurements side by side, one column each, the row names from the first. */
function printColumns(headers: string[], columns: Measurement[], extra: Array<[string, string[]]> = []): void {
  const rows: Array<[string, string[]]> = [...columns[0].lines.map(([name], i): [string, string[]] => [name, columns.map((c) => c.lines[i][1])]), ...extra];
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map(([, values]) => values[i]?.length ?? 0)) + 3);
  process.stdout.write(`${''.padEnd(21)}${headers.map((h, i) => h.padEnd(widths[i])).join('')}\n`);
  for (const [name, values] of rows) process.stdout.write(`${name.padEnd(21)}${values.map((v, i) => (v ?? '').padEnd(widths[i])).join('')}\n`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!options.compare && !options.againstGateway) {
    const result = await measure(options);
    process.stdout.write(`${result.lines.map(([k, v]) => `${k.padEnd(21)}${v}`).join('\n')}\n`);
    if (result.failed) process.exitCode = 1;
    return;
  }
  if (options.againstGateway) {
    // The same load, one after the other in this run: what provisioning (and its store) costs the gateway.
    const stores: Store[] = options.stores.length > 0 ? options.stores : ['sqlite', 'nedb'];
    const gateway = await measure({ ...options, target: 'cwmp-gateway', stores: [] });
    const standalones: Measurement[] = [];
    for (const [i, store] of stores.entries()) standalones.push(await measure({ ...options, target: 'standalone', stores: [store], port: options.port + 10 * (i + 1) }));
    const share = (of: (m: Measurement) => number) => (m: Measurement) => `${((100 * of(m)) / of(gateway)).toFixed(0)} %`;
    printColumns(['gateway alone', ...stores.map((store) => `standalone, ${store}`)], [gateway, ...standalones], [
      ['share of sessions/s', ['100 %', ...standalones.map(share((m) => m.sessionsPerSecond))]],
      // On a machine where others use the target's core too, sessions per CPU second is the fairer comparison.
      ['share per full core', ['100 %', ...standalones.map(share((m) => m.sessionsPerCpuSecond))]],
      ['issue 11 target', ['', ...standalones.map(() => '≥ 2500/s and ≥ 70 %')]],
    ]);
    if ([gateway, ...standalones].some((m) => m.failed)) process.exitCode = 1;
    return;
  }
  // Side by side: a gateway pod on in-process adapters, then the same pod on Redis + Kafka (`npm run infra:test`).
  const embedded = await measure({ ...options, target: 'cwmp-gateway', env: {} });
  const distributed = await measure({
    ...options,
    target: 'cwmp-gateway',
    port: options.port + 10,
    env: {
      ACS_SESSION_STORE: 'redis',
      ACS_EVENT_BUS: 'kafka',
      ACS_REDIS_URL: process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379',
      ACS_KAFKA_BROKERS: process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092',
      ...options.env,
    },
  });
  printColumns(['in-process adapters', 'Redis + Kafka'], [embedded, distributed]);
  if (embedded.failed || distributed.failed) process.exitCode = 1;
}

async function measure(options: Options): Promise<Measurement> {
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'acs-prof-')) : undefined;
  const target = await startTarget({ app: options.target, port: options.port, logLevel: options.logLevel, store: options.stores[0], profileDir, env: options.env });
  const pinnedTarget = pin(target.pid, 0);
  const pinnedSelf = pin(process.pid, 1);
  const url = target.cwmpUrl;
  const model = DataModel.builtin('tr181');
  const cpes = Array.from(
    { length: options.cpes },
    (_, i) => new SimulatedCpe({ acsUrl: url, model, oui: 'BE0000', productClass: 'BenchRouter', serialNumber: `B${String(i).padStart(7, '0')}` }),
  );

  // Warm-up: every CPE's first session (BOOTSTRAP), which also warms the JIT on both sides.
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < cpes.length) await cpes[next++].runSession(['0 BOOTSTRAP', '1 BOOT']);
    }),
  );

  const latencies: number[] = [];
  let errors = 0;
  let statusErrors = 0;
  const cpuBefore = cpuSeconds(target.pid);
  const started = performance.now();
  const stopAt = started + options.duration * 1000;
  let cursor = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < stopAt) {
        const cpe = cpes[cursor++ % cpes.length];
        const t0 = performance.now();
        const report = await cpe.runSession(['2 PERIODIC']);
        latencies.push(performance.now() - t0);
        if (report.error) errors++;
        else if (report.httpStatuses.join() !== '200,204') statusErrors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(target.pid) - cpuBefore;
  const rss = rssMiB(target.pid);
  latencies.sort((a, b) => a - b);
  const sessions = latencies.length;

  await target.stop();

  const lines: Array<[string, string]> = [
    ['target', `${options.target}${options.target === 'bare' ? '' : ` (ACS_LOG_LEVEL=${options.logLevel})`}`],
    ['adapters', Object.entries(options.env).map(([k, v]) => `${k}=${v}`).join(' ') || 'in-process'],
    ['store', options.target !== 'standalone' ? 'none' : options.stores[0] ? `ACS_STORE=${options.stores[0]}` : 'the default'],
    ['pinned', `target→cpu0 ${pinnedTarget ? 'yes' : 'NO'}, simulator→cpu1 ${pinnedSelf ? 'yes' : 'NO'}`],
    ['cpes / concurrency', `${options.cpes} / ${options.concurrency}`],
    ['sessions', `${sessions} in ${elapsed.toFixed(1)} s (${errors} failed, ${statusErrors} odd statuses)`],
    ['sessions/s', `${(sessions / elapsed).toFixed(0)}`],
    ['latency p50 / p99', `${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms`],
    ['target CPU', `${((100 * cpuUsed) / elapsed).toFixed(0)} % of a core, ${((cpuUsed * 1e6) / sessions).toFixed(0)} µs/session`],
    ['per full core', `${(sessions / cpuUsed).toFixed(0)} sessions/s`],
    ['target RSS', `${rss.toFixed(0)} MiB`],
  ];
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) lines.push(['profile', `\n${summarizeCpuProfile(join(profileDir, file))}\n(profile: ${join(profileDir, file)})`]);
  }
  return { lines, sessionsPerSecond: sessions / elapsed, sessionsPerCpuSecond: sessions / cpuUsed, failed: errors > 0 || statusErrors > 0 };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
