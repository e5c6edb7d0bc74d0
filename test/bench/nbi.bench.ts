/**
 * Throughput of the public gRPC API: unary calls against the standalone (gateway + provisioning + NBI in one process
 * pinned to one core; this client on the other), after N simulated CPEs registered.
 *
 *   npm run build && node test/bench/run.js nbi [--cpes 200] [--duration 10] [--concurrency 32] [--only NAME] [--profile]
 *
 * For each call it prints calls/s, p50/p99 latency and the server's CPU per call:
 * - `acs.v1 GetDevice (DeviceInfo.)` through the NBI: authentication, role, rate limit, relay to provisioning;
 * - the same GetDevice on the internal API directly, so the difference is what the NBI's layer costs;
 * - `acs.v1 ListDevices` pages of 50 with a projection;
 * - `acs.v1 CreateTask` (GetParameterValues, no wait): a mutating call, audited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { cpuSeconds, percentile, pin } from './process-measures';

const ROOT = join(__dirname, '..', '..');

interface Options {
  cpes: number;
  duration: number;
  concurrency: number;
  /** Run only the calls whose name contains this. */
  only: string;
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cpes: 200, duration: 10, concurrency: 32, only: '', profile: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--profile') {
      options.profile = true;
      continue;
    }
    const text = argv[++i];
    if (flag === '--only') options.only = text;
    else if (flag === '--cpes') options.cpes = Number(text);
    else if (flag === '--duration') options.duration = Number(text);
    else if (flag === '--concurrency') options.concurrency = Number(text);
    else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type Unary = (request: object, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null) => void) => void;

async function load(name: string, pid: number, options: Options, invoke: (i: number) => Promise<void>): Promise<void> {
  if (options.only && name !== 'warm-up' && !name.includes(options.only)) return;
  const latencies: number[] = [];
  let failed = 0;
  let firstError = '';
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const stopAt = started + options.duration * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          await invoke(n++);
        } catch (error) {
          failed++;
          firstError ||= (error as ServiceError).details ?? String(error);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const calls = latencies.length;
  process.stdout.write(
    `${name.padEnd(40)}${(calls / elapsed).toFixed(0).padStart(7)} calls/s   p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   ` +
      `${((cpu / calls) * 1e6).toFixed(0)} µs CPU/call   ${failed} failed${firstError ? ` (${firstError})` : ''}\n`,
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const main = join(ROOT, 'dist/apps/standalone/src/main.js');
  if (!existsSync(main)) throw new Error('run `npm run build` first');
  const [cwmpPort, mgmtPort, grpcPort, nbiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-nbi-'));
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'acs-prof-')) : undefined;
  const child: ChildProcess = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), main], {
    cwd: ROOT,
    env: {
      ...process.env,
      ACS_DATA_DIR: dataDir,
      ACS_CWMP_HOST: '127.0.0.1',
      ACS_CWMP_PORT: String(cwmpPort),
      ACS_MGMT_PORT: String(mgmtPort),
      ACS_GRPC_PORT: String(grpcPort),
      ACS_NBI_PORT: String(nbiPort),
      ACS_LOG_LEVEL: 'warn',
      // The benchmark measures the API, not the rate limiter refusing it.
      ACS_NBI_RATE_LIMIT_PER_SECOND: '1000000',
      ACS_NBI_RATE_LIMIT_BURST: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let deadline = Date.now() + 30_000; ; ) {
      const ready = await fetch(`http://127.0.0.1:${mgmtPort}/health/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error('standalone did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pinnedServer = pin(child.pid!, 0);
    const pinnedSelf = pin(process.pid, 1);

    const model = DataModel.builtin('tr181');
    const ids: string[] = [];
    for (let i = 0; i < options.cpes; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, options.cpes - i) }, async (_, j) => {
          const serial = `N${String(i + j).padStart(7, '0')}`;
          const cpe = new SimulatedCpe({ acsUrl: `http://127.0.0.1:${cwmpPort}/`, model, oui: 'BE0000', productClass: 'NbiBench', serialNumber: serial });
          await cpe.runSession(['0 BOOTSTRAP', '1 BOOT']);
          ids.push(`BE0000-NbiBench-${serial}`);
        }),
      );
    }

    const token = readFileSync(join(dataDir, 'nbi', 'admin.token'), 'utf8').trim();
    const auth = new Metadata();
    auth.set('authorization', `Bearer ${token}`);
    const address = `127.0.0.1:${nbiPort}`;
    const devices = new acsV1.DeviceServiceClient(address, credentials.createInsecure());
    const tasks = new acsV1.TaskServiceClient(address, credentials.createInsecure());
    // Provisioning's own DeviceService, called directly: the cost of the NBI is the difference.
    const internal = new acsV1.DeviceServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
    const unary = (client: object, method: string, request: object, metadata = auth) =>
      new Promise<void>((resolve, reject) =>
        ((client as Record<string, Unary>)[method]).call(client, request, metadata, { deadline: Date.now() + 10_000 }, (error) => (error ? reject(error) : resolve())),
      );

    process.stdout.write(
      `standalone pinned to cpu0: ${pinnedServer ? 'yes' : 'NO'}, client to cpu1: ${pinnedSelf ? 'yes' : 'NO'}; ${ids.length} devices; concurrency ${options.concurrency}; ${options.duration} s per call\n`,
    );
    const prefix = 'Device.DeviceInfo.';
    // Warm-up of every path (JIT, channels) before measuring.
    await load('warm-up', child.pid!, { ...options, duration: 2 }, (i) => unary(devices, 'getDevice', { deviceId: ids[i % ids.length], parameterPrefix: prefix }));
    await load('acs.v1 GetDevice (DeviceInfo.)', child.pid!, options, (i) =>
      unary(devices, 'getDevice', { deviceId: ids[i % ids.length], parameterPrefix: prefix }),
    );
    await load('internal GetDevice (DeviceInfo.), no NBI', child.pid!, options, (i) =>
      unary(internal, 'getDevice', { deviceId: ids[i % ids.length], parameterPrefix: prefix }, new Metadata()),
    );
    await load('acs.v1 ListDevices (50, projection)', child.pid!, options, () =>
      unary(devices, 'listDevices', { filter: 'productClass = "NbiBench"', projection: ['Device.DeviceInfo.SoftwareVersion'], sort: [], pageSize: 50, pageToken: '' }),
    );
    await load('acs.v1 CreateTask (GPV, audited)', child.pid!, options, (i) =>
      unary(tasks, 'createTask', {
        deviceId: ids[i % ids.length],
        spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.UpTime'] } } },
        connectionRequest: false,
        waitTimeoutMs: 0,
        maxAttempts: 0,
      }),
    );
    devices.close();
    tasks.close();
    internal.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  if (profileDir) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) process.stdout.write(`${summarizeCpuProfile(join(profileDir, file))}\n(profile: ${join(profileDir, file)})\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
