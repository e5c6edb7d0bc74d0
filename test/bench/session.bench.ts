/**
 * Session throughput of the CWMP gateway: N simulated CPEs doing periodic Informs (Inform → InformResponse → empty
 * POST → 204) against the standalone gateway in a separate process, pinned to one core, the simulator on the other.
 *
 *   npm run build && node test/bench/run.js session [--cpes 1000] [--duration 15] [--concurrency 64]
 *       [--target standalone|cwmp-gateway|bare] [--log-level info] [--profile] [--compare] [--env NAME=VALUE]
 *
 * Prints sessions/s, p50/p99 session latency as the CPE sees it, the gateway's CPU per session and its RSS.
 * `--target bare` runs the same load against test/bench/bare-server.js (parse the Inform, answer, nothing else).
 * `--profile` records a V8 CPU profile of the gateway and prints where its time goes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { cpuSeconds, percentile, pin, rssMiB } from './process-measures';

const ROOT = join(__dirname, '..', '..');

interface Options {
  cpes: number;
  duration: number;
  concurrency: number;
  target: 'standalone' | 'cwmp-gateway' | 'bare';
  logLevel: string;
  profile: boolean;
  compare: boolean;
  port: number;
  env: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cpes: 1000, duration: 15, concurrency: 64, target: 'standalone', logLevel: 'info', profile: false, compare: false, port: 17547, env: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--cpes') options.cpes = Number(value());
    else if (flag === '--duration') options.duration = Number(value());
    else if (flag === '--concurrency') options.concurrency = Number(value());
    else if (flag === '--target') options.target = value() as Options['target'];
    else if (flag === '--log-level') options.logLevel = value();
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--compare') options.compare = true;
    else if (flag === '--port') options.port = Number(value());
    else if (flag === '--env') {
      const [k, ...v] = value().split('=');
      options.env[k] = v.join('=');
    } else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

async function startTarget(options: Options, profileDir: string | undefined): Promise<ChildProcess> {
  const args =
    options.target === 'bare'
      ? [join(__dirname, 'bare-server.js'), String(options.port)]
      : [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(ROOT, `dist/apps/${options.target}/src/main.js`)];
  if (options.target !== 'bare' && !existsSync(args[args.length - 1])) throw new Error('run `npm run build` first');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ACS_CWMP_HOST: '127.0.0.1',
      ACS_CWMP_PORT: String(options.port),
      ACS_MGMT_PORT: String(options.port + 1),
      ACS_LOG_LEVEL: options.logLevel,
      ...options.env,
    },
    // The gateway's JSON logs go to /dev/null, as they would go to a log shipper: written, not kept here.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${options.port}/`, { method: 'POST', body: '' });
      if (res.status === 204) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('target did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

interface Measurement {
  lines: Array<[string, string]>;
  failed: boolean;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!options.compare) {
    const result = await measure(options);
    process.stdout.write(`${result.lines.map(([k, v]) => `${k.padEnd(21)}${v}`).join('\n')}\n`);
    if (result.failed) process.exitCode = 1;
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
  const width = Math.max(...embedded.lines.map(([, v]) => v.length)) + 3;
  process.stdout.write(`${''.padEnd(21)}${'in-process adapters'.padEnd(width)}Redis + Kafka\n`);
  embedded.lines.forEach(([k, v], i) => process.stdout.write(`${k.padEnd(21)}${v.padEnd(width)}${distributed.lines[i][1]}\n`));
  if (embedded.failed || distributed.failed) process.exitCode = 1;
}

async function measure(options: Options): Promise<Measurement> {
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'acs-prof-')) : undefined;
  const target = await startTarget(options, profileDir);
  const pinnedTarget = pin(target.pid!, 0);
  const pinnedSelf = pin(process.pid, 1);
  const url = `http://127.0.0.1:${options.port}/`;
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
  const cpuBefore = cpuSeconds(target.pid!);
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
  const cpuUsed = cpuSeconds(target.pid!) - cpuBefore;
  const rss = rssMiB(target.pid!);
  latencies.sort((a, b) => a - b);
  const sessions = latencies.length;

  target.kill('SIGTERM');
  await new Promise((r) => target.once('exit', r));

  const lines: Array<[string, string]> = [
    ['target', `${options.target}${options.target === 'bare' ? '' : ` (ACS_LOG_LEVEL=${options.logLevel})`}`],
    ['adapters', Object.entries(options.env).map(([k, v]) => `${k}=${v}`).join(' ') || 'in-process'],
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
  return { lines, failed: errors > 0 || statusErrors > 0 };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
