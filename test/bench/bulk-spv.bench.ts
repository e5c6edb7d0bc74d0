/**
 * A bulk SetParameterValues to N simulated CPEs with connection requests, in the standalone: the time from the start
 * to the last verified result (issue 14's target: under 30 s for 10,000 on the project's 2-core machine).
 *
 *   npm run -s build && node test/bench/run.js bulk-spv [--cpes 10000] [--via tasks|job] [--callers 8]
 *       [--max-in-flight 500] [--sim-procs 2] [--cr-per-second 1000] [--timeout 300] [--profile]
 *
 * Processes: this one reports and makes the API calls; the standalone (dist/apps/standalone/src/main.js, a fresh
 * data directory) is one child; the simulated CPEs are `--sim-procs` more children (a slice of the fleet each, one
 * connection-request listener each), so the simulator is not what limits the run.
 *
 * First every CPE bootstraps and informs until the ACS has set its connection-request credentials (not timed,
 * printed). Then the clock starts and the work is launched:
 * - `--via tasks`: one SetParameterValues task per device through the public API (acs.v1 TaskService.CreateTask,
 *   connection_request, max_attempts 1), from `--callers` parallel callers, with at most `--max-in-flight` tasks
 *   created and not yet final (0: no limit), as a bulk job's concurrency keeps them;
 * - `--via job`: one bulk job over the fleet (acs.v1 JobService.CreateJob: every device, the same value, concurrency
 *   --max-in-flight, no rate limit): the job creates the tasks; the bench learns of each from its first event.
 * A device's result is verified when both are true: its task's `acs.task.done` event came (acs.v1 WatchEvents,
 * opened before the start) AND the simulator's own record shows the value set — the CPE's data model changed by the
 * ACS to the value asked for that device. The run ends when every device is verified or its task failed for good,
 * or at `--timeout` seconds.
 *
 * Printed: start → last verified; per device (from the start) p50/p90/p99 of verified; connection requests sent,
 * answered and refused (the gateway's counter and the simulator's own count); sessions; where the time goes per
 * device (start → task created → connection request at the CPE → session start → value set → session end → done
 * event), and CPU seconds (also per device: the figure a busy machine changes least) and peak RSS of each process. `--cr-per-second` is the standalone's
 * ACS_CONNECTION_REQUEST_GLOBAL_PER_SECOND for the run (its default, 200, alone takes 50 s for 10,000 devices).
 * `--profile`: a V8 CPU profile of the standalone over the timed part only (cpu-profile-on-signal.js), summarized.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { ConnectionRequestListener, DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { freePort } from '@acs/testing';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { cpuSeconds, percentile, rssMiB } from './process-measures';

const ROOT = join(__dirname, '..', '..');
const STANDALONE_MAIN = join(ROOT, 'dist/apps/standalone/src/main.js');

/** The parameter the bulk operation sets: writable in the simulator's TR-181 model, read by nothing else. */
const PARAMETER = 'Device.DeviceInfo.ProvisioningCode';
const OUI = 'B0A5E0';
const PRODUCT_CLASS = 'BulkBench';
const serialOf = (index: number): string => `BULK${String(index).padStart(6, '0')}`;
const deviceIdOf = (index: number): string => `${OUI}-${PRODUCT_CLASS}-${serialOf(index)}`;
/** A value per device and run: a value left over from another run or device cannot pass for this one. */
const valueOf = (run: string, index: number): string => `bulk-${run}-${index}`;

const VIAS = ['tasks', 'job'] as const;
type Via = (typeof VIAS)[number];

interface Options {
  cpes: number;
  via: Via;
  callers: number;
  maxInFlight: number;
  simProcs: number;
  crPerSecond: number;
  timeoutS: number;
  profile: boolean;
  // Simulator child only.
  phase?: 'sim';
  first?: number;
  acsUrl?: string;
  run?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cpes: 10_000, via: 'tasks', callers: 8, maxInFlight: 500, simProcs: 2, crPerSecond: 1000, timeoutS: 300, profile: false };
  const count = (flag: string, text: string | undefined, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes an integer ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--profile') {
      options.profile = true;
      continue;
    }
    const text = argv[++i];
    if (flag === '--cpes') options.cpes = count(flag, text, 1);
    else if (flag === '--via') {
      if (!VIAS.includes(text as Via)) throw new Error(`--via takes ${VIAS.join(' or ')}, got ${JSON.stringify(text)}`);
      options.via = text as Via;
    } else if (flag === '--callers') options.callers = count(flag, text, 1);
    else if (flag === '--max-in-flight') options.maxInFlight = count(flag, text, 0);
    else if (flag === '--sim-procs') options.simProcs = count(flag, text, 1);
    else if (flag === '--cr-per-second') options.crPerSecond = count(flag, text, 1);
    else if (flag === '--timeout') options.timeoutS = count(flag, text, 1);
    else if (flag === '--phase') options.phase = text as 'sim';
    else if (flag === '--first') options.first = count(flag, text, 0);
    else if (flag === '--acs') options.acsUrl = text;
    else if (flag === '--run') options.run = text;
    else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Simulator child: CPEs [first, first + cpes), one shared connection-request listener.

/** What the simulator saw of one device's bulk session; epoch ms. */
interface DeviceRecord {
  index: number;
  /** The last authenticated connection request that reached the CPE. */
  crAt?: number;
  /** The session that carried the SetParameterValues. */
  sessionStartAt: number;
  sessionEndAt: number;
  /** When the ACS's SetParameterValues changed the parameter, and to what. */
  valueAt: number;
  value: string;
}

type SimMessage =
  | { kind: 'ready'; bootstrapMs: number; failed: number; listenerPort: number; counts: SimCounts }
  | { kind: 'records'; records: DeviceRecord[] }
  | ({ kind: 'counts' } & SimCounts);

/** The simulator's own counts since it started. */
interface SimCounts {
  connectionRequests: number;
  sessions: number;
  failedSessions: number;
  /** Failed sessions by error. */
  errors: Record<string, number>;
}

/** The fleet's listener, noting when each authenticated connection request reached its CPE. */
class RecordingListener extends ConnectionRequestListener {
  readonly crAt = new Map<string, number>();
  count = 0;

  override register(path: string, target: Parameters<ConnectionRequestListener['register']>[1]): void {
    super.register(path, {
      credentials: () => target.credentials(),
      onConnectionRequest: () => {
        this.count++;
        this.crAt.set(path, Date.now());
        target.onConnectionRequest();
      },
    });
  }
}

async function simulate(options: Options): Promise<void> {
  const first = options.first!;
  const send = (message: SimMessage) => process.send!(message);
  const listener = new RecordingListener({ host: '127.0.0.1', port: 0 });
  await listener.listen();
  const model = DataModel.builtin('tr181');
  const cpes = Array.from({ length: options.cpes }, (_, k) =>
    new SimulatedCpe({
      acsUrl: options.acsUrl!,
      model,
      oui: OUI,
      productClass: PRODUCT_CLASS,
      serialNumber: serialOf(first + k),
      // No periodic Inform within the run: every session after the bootstrap is one the ACS asked for.
      periodicInformInterval: 86_400,
      connectionRequestListener: listener,
      connectionRequest: { host: '127.0.0.1', port: 0, username: 'cpe', password: 'cpe' },
      sessionHistoryLimit: 4,
    }),
  );
  let pending: DeviceRecord[] = [];
  let sessions = 0;
  let failedSessions = 0;
  const errors: Record<string, number> = {};
  /** The CPEs whose connection-request credentials the ACS has set (it does so once, in a session after the first Inform). */
  const withCredentials = new Set<number>();
  cpes.forEach((cpe, k) => {
    let valueSet: { at: number; value: string } | undefined;
    cpe.model.onChange((parameter, source) => {
      if (source !== 'acs') return;
      if (parameter.name === PARAMETER) valueSet = { at: Date.now(), value: parameter.value };
      else if (parameter.name === 'Device.ManagementServer.ConnectionRequestPassword') withCredentials.add(k);
    });
    cpe.onSession((report) => {
      sessions++;
      if (report.error) {
        failedSessions++;
        errors[report.error] = (errors[report.error] ?? 0) + 1;
      }
      if (!valueSet) return;
      pending.push({
        index: first + k,
        crAt: listener.crAt.get(`/${cpe.deviceId}`),
        sessionStartAt: report.startedAt,
        sessionEndAt: report.startedAt + report.durationMs,
        valueAt: valueSet.at,
        value: valueSet.value,
      });
      valueSet = undefined;
    });
  });
  const counts = (): SimCounts => ({ connectionRequests: listener.count, sessions, failedSessions, errors: { ...errors } });
  const flush = setInterval(() => {
    if (pending.length > 0) send({ kind: 'records', records: pending });
    pending = [];
    send({ kind: 'counts', ...counts() });
  }, 250);

  // The bootstrap: every CPE's first session, 64 at a time, before the clock starts.
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(64, cpes.length) }, async () => {
      while (next < cpes.length) await cpes[next++].start();
    }),
  );
  // A CPE the ACS has not given its connection-request credentials yet (its Inform was handled after the session
  // looked for work, as happens under load) gets them in its next session: one more Inform, as a fleet that has been
  // up a while has made, until every CPE has them.
  for (let round = 0; round < 20 && withCredentials.size < cpes.length; round++) {
    if (round > 0) await new Promise((r) => setTimeout(r, 500));
    const missing = cpes.filter((_, k) => !withCredentials.has(k));
    let nextMissing = 0;
    await Promise.all(
      Array.from({ length: Math.min(64, missing.length) }, async () => {
        while (nextMissing < missing.length) await missing[nextMissing++].runSession(['2 PERIODIC']);
      }),
    );
  }
  const failed = cpes.length - withCredentials.size;
  send({ kind: 'ready', bootstrapMs: performance.now() - started, failed, listenerPort: listener.port, counts: counts() });

  const stop = async () => {
    clearInterval(flush);
    await Promise.all(cpes.map((cpe) => cpe.stop()));
    await listener.close();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
}

// ---------------------------------------------------------------------------------------------------------------
// Parent

interface Simulator {
  process: ChildProcess;
  ready: Promise<Extract<SimMessage, { kind: 'ready' }>>;
  counts: SimCounts;
}

function startSimulator(first: number, count: number, acsUrl: string, run: string, onRecords: (records: DeviceRecord[]) => void): Simulator {
  const child = fork(join(__dirname, 'run.js'), ['bulk-spv', '--phase', 'sim', '--first', String(first), '--cpes', String(count), '--acs', acsUrl, '--run', run], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const simulator: Simulator = {
    process: child,
    counts: { connectionRequests: 0, sessions: 0, failedSessions: 0, errors: {} },
    ready: new Promise((resolve, reject) => {
      child.on('message', (message: SimMessage) => {
        if (message.kind === 'ready') {
          simulator.counts = message.counts;
          resolve(message);
        }
        else if (message.kind === 'records') onRecords(message.records);
        else simulator.counts = message;
      });
      child.once('exit', (code) => reject(new Error(`a simulator exited with ${code} before its CPEs were up`)));
    }),
  };
  return simulator;
}

interface Standalone {
  process: ChildProcess;
  dataDir: string;
  cwmpUrl: string;
  mgmtUrl: string;
  nbiAddress: string;
  profileDir?: string;
}

async function startStandalone(options: Options): Promise<Standalone> {
  if (!existsSync(STANDALONE_MAIN)) throw new Error('run `npm run -s build` first');
  const [cwmpPort, mgmtPort, grpcPort, nbiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-bulk-'));
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'acs-prof-')) : undefined;
  const child = spawn(process.execPath, [...(profileDir ? ['--require', join(__dirname, 'cpu-profile-on-signal.js')] : []), STANDALONE_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(profileDir ? { ACS_BENCH_PROFILE_DIR: profileDir } : {}),
      ACS_DATA_DIR: dataDir,
      ACS_CWMP_HOST: '127.0.0.1',
      ACS_CWMP_PORT: String(cwmpPort),
      ACS_MGMT_HOST: '127.0.0.1',
      ACS_MGMT_PORT: String(mgmtPort),
      ACS_GRPC_PORT: String(grpcPort),
      ACS_NBI_PORT: String(nbiPort),
      ACS_LOG_LEVEL: 'warn',
      // Ten thousand CreateTask calls are the point, not the per-client rate limit refusing them.
      ACS_NBI_RATE_LIMIT_PER_SECOND: '1000000',
      ACS_NBI_RATE_LIMIT_BURST: '1000000',
      ACS_CONNECTION_REQUEST_GLOBAL_PER_SECOND: String(options.crPerSecond),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const mgmtUrl = `http://127.0.0.1:${mgmtPort}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    if (await fetch(`${mgmtUrl}/health/ready`).then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null) throw new Error(`the standalone exited with ${child.exitCode} while starting`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the standalone did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, dataDir, cwmpUrl: `http://127.0.0.1:${cwmpPort}/`, mgmtUrl, nbiAddress: `127.0.0.1:${nbiPort}`, profileDir };
}

/** Every sample of the standalone's /metrics, `name{labels}` → value. */
async function metrics(mgmtUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${mgmtUrl}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
function sampleOf(samples: Map<string, number>, name: string, labels = ''): number {
  let total = 0;
  for (const [key, value] of samples) {
    const at = key.indexOf('{');
    if ((at < 0 ? key : key.slice(0, at)) === name && key.includes(labels)) total += value;
  }
  return total;
}

/** How a device's task ended, as its event said; epoch ms. */
interface TaskOutcome {
  at: number;
  failure?: string;
}

/** What a launch needs: the API, the devices and their values. */
interface Launch {
  tasks: acsV1.TaskServiceClient;
  jobs: acsV1.JobServiceClient;
  /** The job's concurrency (--max-in-flight; 0: every device at once). */
  maxInFlight: number;
  auth: Metadata;
  ids: string[];
  values: string[];
  callers: number;
  /** Resolves when one more task may be created: fewer than --max-in-flight are created and not final. */
  room(): Promise<void>;
  /** A device's task was created (epoch ms), with its id. */
  created(index: number, taskId: string): void;
  /** A device's task could not be created. */
  refused(index: number, why: string): void;
}

/** One SetParameterValues task per device, `callers` CreateTask calls at a time. */
async function launchTasks(launch: Launch): Promise<void> {
  let next = 0;
  const createTask = (index: number) =>
    new Promise<acsV1.CreateTaskResponse>((resolve, reject) =>
      launch.tasks.createTask(
        acsV1.CreateTaskRequest.fromPartial({
          deviceId: launch.ids[index],
          spec: { kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: PARAMETER, value: launch.values[index], type: 'xsd:string' }] } } },
          connectionRequest: true,
          maxAttempts: 1,
        }),
        launch.auth,
        { deadline: Date.now() + 30_000 },
        (error: ServiceError | null, response?: acsV1.CreateTaskResponse) => (error ? reject(error) : resolve(response!)),
      ),
    );
  await Promise.all(
    Array.from({ length: launch.callers }, async () => {
      while (next < launch.ids.length) {
        await launch.room();
        if (next >= launch.ids.length) break;
        const index = next++;
        try {
          const { task } = await createTask(index);
          launch.created(index, task!.id);
        } catch (error) {
          launch.refused(index, (error as ServiceError).details ?? String(error));
        }
      }
    }),
  );
}

/**
 * One bulk job over the fleet (every device the standalone knows: the bench's CPEs only), through the jobs API of the
 * grouping service: one SetParameterValues of the same value to every device, with connection requests, its
 * concurrency --max-in-flight and no rate limit. The job creates each device's task through provisioning; the bench
 * learns of them from their `acs.task.dispatched` events (`created`, in the event handler).
 */
async function launchJob(launch: Launch): Promise<void> {
  await new Promise<acsV1.CreateJobResponse>((resolve, reject) =>
    launch.jobs.createJob(
      acsV1.CreateJobRequest.fromPartial({
        name: `bulk-spv ${launch.values[0]}`,
        target: { kind: { $case: 'filter', filter: '' } },
        action: { kind: { $case: 'task', task: { kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: PARAMETER, value: launch.values[0], type: 'xsd:string' }] } } } } },
        policy: { concurrency: launch.maxInFlight > 0 ? launch.maxInFlight : launch.ids.length, mode: 'active', attemptTimeoutMs: 600_000 },
      }),
      launch.auth,
      { deadline: Date.now() + 120_000 },
      (error: ServiceError | null, response?: acsV1.CreateJobResponse) => (error ? reject(error) : resolve(response!)),
    ),
  );
}

const LAUNCHERS: Record<Via, (launch: Launch) => Promise<void>> = { tasks: launchTasks, job: launchJob };

/** CPU seconds and peak RSS of a process over the timed part. */
class ProcessWatch {
  private cpuAtStart: number;
  peakRssMiB = 0;
  peakOpenFiles = 0;

  constructor(
    readonly name: string,
    readonly pid: number,
  ) {
    this.cpuAtStart = cpuSeconds(pid);
  }

  restart(): void {
    this.cpuAtStart = cpuSeconds(this.pid);
    this.peakRssMiB = 0;
    this.peakOpenFiles = 0;
  }

  sample(): void {
    try {
      this.peakRssMiB = Math.max(this.peakRssMiB, rssMiB(this.pid));
      this.peakOpenFiles = Math.max(this.peakOpenFiles, readdirSync(`/proc/${this.pid}/fd`).length);
    } catch {
      // exited
    }
  }

  cpu(): number {
    return cpuSeconds(this.pid) - this.cpuAtStart;
  }
}

/**
 * TcpExt ListenOverflows of the whole machine (/proc/net/netstat): connections dropped because a listening socket's
 * accept queue was full — each costs its client a SYN retransmission (1 s, then 3 s, 7 s…). Undefined off Linux.
 */
function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return undefined;
  }
}

const n = (x: number): string => x.toLocaleString('en');
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const quantiles = (values: number[]): string => {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${s(percentile(sorted, 50))}  p90 ${s(percentile(sorted, 90))}  p99 ${s(percentile(sorted, 99))}  max ${s(sorted[sorted.length - 1])}`;
};

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.phase === 'sim') return simulate(options);

  const run = Date.now().toString(36);
  const ids = Array.from({ length: options.cpes }, (_, i) => deviceIdOf(i));
  // A job sets one value on every device; tasks of our own set each device's own.
  const values = Array.from({ length: options.cpes }, (_, i) => valueOf(run, options.via === 'job' ? 0 : i));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const standalone = await startStandalone(options);
  const simulators: Simulator[] = [];
  let stream: ReturnType<acsV1.EventServiceClient['watchEvents']> | undefined;
  const clients: Array<{ close(): void }> = [];
  try {
    // Per device, epoch ms: task created, done event, simulator record.
    const createdAt = new Array<number | undefined>(options.cpes);
    const doneAt = new Array<number | undefined>(options.cpes);
    const records = new Array<DeviceRecord | undefined>(options.cpes);
    const verifiedAt = new Array<number | undefined>(options.cpes);
    const failures = new Map<number, string>();
    const taskDevice = new Map<string, number>();
    // A task may end before its CreateTask answer reaches this process: its outcome waits here for its id.
    const early = new Map<string, TaskOutcome>();
    let verified = 0;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const check = (index: number) => {
      if (verifiedAt[index] !== undefined || doneAt[index] === undefined) return;
      const record = records[index];
      if (record?.value !== values[index]) return;
      verifiedAt[index] = Math.max(doneAt[index]!, record.valueAt);
      verified++;
      if (verified + failures.size >= options.cpes) settle();
    };
    const fail = (index: number, why: string) => {
      if (verifiedAt[index] !== undefined || failures.has(index)) return;
      failures.set(index, why);
      if (verified + failures.size >= options.cpes) settle();
    };
    // Tasks created and not final yet, and the callers waiting for one of them to end.
    let inFlight = 0;
    let waitingForRoom: Array<() => void> = [];
    const room = (): Promise<void> =>
      options.maxInFlight === 0 || inFlight < options.maxInFlight ? Promise.resolve() : new Promise((resolve) => waitingForRoom.push(resolve));
    const finished = (index: number, outcome: TaskOutcome) => {
      inFlight--;
      const waiting = waitingForRoom;
      waitingForRoom = [];
      for (const wake of waiting) wake();
      if (outcome.failure !== undefined) return fail(index, outcome.failure);
      doneAt[index] = outcome.at;
      check(index);
    };

    const created = (index: number, taskId: string) => {
      createdAt[index] = Date.now();
      inFlight++;
      taskDevice.set(taskId, index);
      const outcome = early.get(taskId);
      if (outcome) {
        early.delete(taskId);
        finished(index, outcome);
      }
    };

    const perProcess = Math.ceil(options.cpes / options.simProcs);
    for (let first = 0; first < options.cpes; first += perProcess) {
      simulators.push(
        startSimulator(first, Math.min(perProcess, options.cpes - first), standalone.cwmpUrl, run, (batch) => {
          for (const record of batch) {
            records[record.index] = record;
            check(record.index);
          }
        }),
      );
    }
    const bootstrapStarted = performance.now();
    const ready = await Promise.all(simulators.map((sim) => sim.ready));
    const bootstrapMs = performance.now() - bootstrapStarted;
    const bootstrapFailed = ready.reduce((sum, r) => sum + r.failed, 0);
    out(
      `bulk-spv: ${n(options.cpes)} CPEs in ${simulators.length} simulator process(es), via ${options.via}` +
        `${options.via === 'tasks' ? ` (${options.callers} callers, ${options.maxInFlight > 0 ? `≤ ${n(options.maxInFlight)}` : 'any number of'} tasks in flight)` : ''}, connection requests ≤ ${n(options.crPerSecond)}/s; data in ${standalone.dataDir}`,
    );
    out(`bootstrap (not timed)        ${n(options.cpes)} CPEs in ${s(bootstrapMs)}${bootstrapFailed > 0 ? `, ${bootstrapFailed} without connection-request credentials` : ''}`);
    if (bootstrapFailed > 0) throw new Error(`${bootstrapFailed} CPEs did not get their connection-request credentials from the ACS`);

    const token = readFileSync(join(standalone.dataDir, 'nbi', 'admin.token'), 'utf8').trim();
    const auth = new Metadata();
    auth.set('authorization', `Bearer ${token}`);
    const tasks = new acsV1.TaskServiceClient(standalone.nbiAddress, credentials.createInsecure());
    const jobs = new acsV1.JobServiceClient(standalone.nbiAddress, credentials.createInsecure());
    const events = new acsV1.EventServiceClient(standalone.nbiAddress, credentials.createInsecure());
    clients.push(tasks, jobs, events);
    const deviceIndex = new Map(ids.map((id, index) => [id, index]));

    // Task events from before the clock starts: with `since`, the server replays what it holds, so nothing is lost to
    // the time the watch takes to open.
    const FINAL = ['acs.task.done', 'acs.task.faulted', 'acs.task.expired', 'acs.task.cancelled'];
    const watchOpened = new Date();
    // A job's tasks are created by the job: their creation is known from their first event.
    const types = options.via === 'job' ? [...FINAL, 'acs.task.dispatched'] : FINAL;
    stream = events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types, since: watchOpened }), auth);
    let streamError: Error | undefined;
    stream.on('data', (message: acsV1.WatchEventsResponse) => {
      const event = message.event!;
      const data = event.data as { taskId?: string; deviceId?: string; source?: string; fault?: { code?: string; message?: string } } | undefined;
      if (data?.taskId === undefined) return;
      if (event.type === 'acs.task.dispatched') {
        const index = data.source?.startsWith('job:') && data.deviceId !== undefined ? deviceIndex.get(data.deviceId) : undefined;
        if (index !== undefined && !taskDevice.has(data.taskId)) created(index, data.taskId);
        return;
      }
      const outcome: TaskOutcome = event.type === 'acs.task.done' ? { at: Date.now() } : { at: Date.now(), failure: `${event.type}${data.fault ? ` ${data.fault.code}: ${data.fault.message}` : ''}` };
      const index = taskDevice.get(data.taskId);
      if (index === undefined) early.set(data.taskId, outcome);
      else finished(index, outcome);
    });
    stream.on('error', (error: ServiceError) => {
      if (error.code !== 1) streamError = error; // 1: CANCELLED, ours at the end
      settle();
    });

    const watches = [new ProcessWatch('standalone', standalone.process.pid!), ...simulators.map((sim, i) => new ProcessWatch(`simulator ${i + 1}`, sim.process.pid!)), new ProcessWatch('bench (API calls)', process.pid)];
    const metricsBefore = await metrics(standalone.mgmtUrl);
    const overflowsBefore = listenOverflows();
    for (const watch of watches) watch.restart();
    const sampler = setInterval(() => watches.forEach((w) => w.sample()), 500);
    // The standalone's event-loop lag, read every second (prom-client resets its lag histogram at each scrape): a
    // loop held up for long stops accepting connections, whose SYNs then wait for the kernel's retransmissions.
    const lags: number[] = [];
    const lagSampler = setInterval(() => {
      metrics(standalone.mgmtUrl).then(
        (samples) => lags.push(sampleOf(samples, 'acs_nodejs_eventloop_lag_max_seconds')),
        () => undefined,
      );
    }, 1000);
    const progress = setInterval(() => {
      const created = createdAt.filter((t) => t !== undefined).length;
      process.stderr.write(`[bulk-spv] ${s(Date.now() - startedAt)}: ${n(created)} created, ${n(doneAt.filter((t) => t !== undefined).length)} done, ${n(verified)} verified, ${n(failures.size)} failed\n`);
    }, 5000);

    const startedAt = Date.now();
    if (standalone.profileDir) standalone.process.kill('SIGUSR2');
    const launched = LAUNCHERS[options.via]({
      tasks,
      auth,
      ids,
      values,
      jobs,
      maxInFlight: options.maxInFlight,
      callers: options.callers,
      room,
      created,
      refused: (index, why) => fail(index, `CreateTask refused: ${why}`),
    });
    let launchedAt: number | undefined;
    const launchFailure = launched.then(
      () => void (launchedAt = Date.now()),
      (error: unknown) => {
        streamError = error as Error;
        settle();
      },
    );
    const timeout = setTimeout(settle, options.timeoutS * 1000);
    await settled;
    const endedAt = Date.now();
    if (standalone.profileDir) standalone.process.kill('SIGUSR2');
    clearTimeout(timeout);
    clearInterval(progress);
    clearInterval(sampler);
    clearInterval(lagSampler);
    watches.forEach((w) => w.sample());
    if (streamError) throw streamError;
    await launchFailure;
    const metricsAfter = await metrics(standalone.mgmtUrl);
    const overflowsAfter = listenOverflows();
    const cpu = watches.map((w) => ({ name: w.name, cpu: w.cpu(), rss: w.peakRssMiB, files: w.peakOpenFiles }));

    const lastVerified = verifiedAt.reduce<number>((last, t) => (t !== undefined && t > last ? t : last), -Infinity);
    const delta = (name: string, labels = '') => sampleOf(metricsAfter, name, labels) - sampleOf(metricsBefore, name, labels);
    const crResults = ['woke', 'sent', 'auth-failed', 'unreachable', 'timeout', 'rate-limited', 'no-address']
      .map((result) => [result, delta('acs_cwmp_connection_requests_total', `result="${result}"`)] as const)
      .filter(([, count]) => count > 0);
    const sessions = delta('acs_cwmp_sessions_started_total');
    const sessionSeconds = delta('acs_cwmp_session_duration_seconds_sum');
    // The simulators' counts over the timed part: now less what they were when their CPEs were up.
    const simCounts: SimCounts = { connectionRequests: 0, sessions: 0, failedSessions: 0, errors: {} };
    simulators.forEach((sim, i) => {
      const before = ready[i].counts;
      simCounts.connectionRequests += sim.counts.connectionRequests - before.connectionRequests;
      simCounts.sessions += sim.counts.sessions - before.sessions;
      simCounts.failedSessions += sim.counts.failedSessions - before.failedSessions;
      for (const [error, count] of Object.entries(sim.counts.errors)) {
        const more = count - (before.errors[error] ?? 0);
        if (more > 0) simCounts.errors[error] = (simCounts.errors[error] ?? 0) + more;
      }
    });
    const indices = ids.map((_, i) => i).filter((i) => verifiedAt[i] !== undefined);
    const stage = (from: (i: number) => number | undefined, to: (i: number) => number | undefined) =>
      quantiles(indices.map((i) => [from(i), to(i)] as const).filter(([a, b]) => a !== undefined && b !== undefined).map(([a, b]) => b! - a!));
    const rec = (i: number) => records[i]!;

    out(`verified                     ${n(verified)} of ${n(options.cpes)}${failures.size > 0 ? `, ${n(failures.size)} FAILED` : ''}${verified + failures.size < options.cpes ? `, ${n(options.cpes - verified - failures.size)} unfinished at the end (timeout ${options.timeoutS} s)` : ''}`);
    out(`start → last verified        ${verified > 0 ? s(lastVerified - startedAt) : '-'}${verified > 0 ? `  (${n(Math.round((verified * 1000) / (lastVerified - startedAt)))} devices/s)` : ''}`);
    out(`start → all tasks created    ${launchedAt ? s(launchedAt - startedAt) : '-'}`);
    out(`verified, per device         ${quantiles(indices.map((i) => verifiedAt[i]! - startedAt))}  (from the start)`);
    out(`connection requests          gateway: ${crResults.map(([r, c]) => `${r} ${n(c)}`).join(', ') || 'none'}; reached the CPEs: ${n(simCounts.connectionRequests)}`);
    out(
      `sessions                     ACS: ${n(sessions)} started, ${n(delta('acs_cwmp_sessions_failed_total'))} failed, mean ${sessions > 0 ? ((sessionSeconds / sessions) * 1000).toFixed(1) : '-'} ms; ` +
        `CPEs: ${n(simCounts.sessions)} (${n(simCounts.failedSessions)} failed)`,
    );
    for (const [error, count] of Object.entries(simCounts.errors).sort((a, b) => b[1] - a[1]).slice(0, 3)) out(`  CPE session failed ×${n(count)}  ${error}`);
    if (lags.length > 0) {
      const sorted = [...lags].sort((a, b) => a - b);
      out(`standalone event-loop lag    max per second: p50 ${s(percentile(sorted, 50) * 1000)}  p90 ${s(percentile(sorted, 90) * 1000)}  max ${s(sorted[sorted.length - 1] * 1000)}; ${lags.filter((l) => l >= 1).length} of ${lags.length} seconds held ≥ 1 s`);
    }
    if (overflowsBefore !== undefined && overflowsAfter !== undefined) {
      out(`accept queues overflowed     ${n(overflowsAfter - overflowsBefore)} times on this machine (any process's listener), each a SYN the client sends again 1 s, 3 s, 7 s… later`);
    }
    out('where the time goes, per device (p50 / p90 / p99 / max):');
    out(`  start → task created       ${stage(() => startedAt, (i) => createdAt[i])}`);
    out(`  created → CR at the CPE    ${stage((i) => createdAt[i], (i) => rec(i).crAt)}`);
    out(`  CR → session start         ${stage((i) => rec(i).crAt, (i) => rec(i).sessionStartAt)}`);
    out(`  session start → value set  ${stage((i) => rec(i).sessionStartAt, (i) => rec(i).valueAt)}`);
    out(`  value set → session end    ${stage((i) => rec(i).valueAt, (i) => rec(i).sessionEndAt)}`);
    out(`  session end → done event   ${stage((i) => rec(i).sessionEndAt, (i) => doneAt[i])}`);
    out(`CPU and peak RSS over the timed part (${s(endedAt - startedAt)}):`);
    const perDevice = (cpuSeconds: number) => (verified > 0 ? `${((cpuSeconds * 1000) / verified).toFixed(2).padStart(6)} ms/device` : '');
    for (const p of cpu) out(`  ${p.name.padEnd(26)} ${p.cpu.toFixed(1).padStart(6)} s CPU ${perDevice(p.cpu)}  ${p.rss.toFixed(0).padStart(5)} MiB peak RSS  ${n(p.files).padStart(6)} peak open files`);
    out(`  ${'all'.padEnd(26)} ${cpu.reduce((sum, p) => sum + p.cpu, 0).toFixed(1).padStart(6)} s CPU ${perDevice(cpu.reduce((sum, p) => sum + p.cpu, 0))}`);
    const reasons = new Map<string, number>();
    for (const why of failures.values()) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    for (const [why, count] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5)) out(`  failed ×${n(count)}  ${why}`);
    if (verified < options.cpes) process.exitCode = 1;
    if (standalone.profileDir) {
      const file = join(standalone.profileDir, `${standalone.process.pid}.cpuprofile`);
      for (const deadline = Date.now() + 60_000; !existsSync(file) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
      if (existsSync(file)) out(`where the standalone's time goes (the timed part):\n${summarizeCpuProfile(file)}\n(profile: ${file})`);
      else out('the standalone wrote no CPU profile within 60 s');
    }
  } finally {
    stream?.cancel();
    for (const client of clients) client.close();
    for (const sim of simulators) {
      if (sim.process.exitCode === null) {
        const exited = new Promise((r) => sim.process.once('exit', r));
        sim.process.kill('SIGTERM');
        await exited;
      }
    }
    const exited = new Promise((r) => standalone.process.once('exit', r));
    standalone.process.kill('SIGTERM');
    await exited;
    rmSync(standalone.dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
