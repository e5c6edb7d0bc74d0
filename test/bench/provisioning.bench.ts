/**
 * Throughput of a provisioning pod on its production adapters: Informs read from Kafka, the inventory in MongoDB
 * (FerretDB here), marks in Redis — the servers of `npm run infra:test`, under names of this run.
 *
 *   npm run build && npm run infra:test && node test/bench/run.js provisioning [--devices 500] [--manage-cr-credentials] [--profile]
 *
 * The benchmark publishes Inform events on `cwmp.events` as gateways do (TR-181 Informs with the usual forced
 * parameters), all at once, and times how long the pod takes to work through them, in three rounds:
 * - `0 BOOTSTRAP` of new devices: register, publish acs.device.registered;
 * - `1 BOOT` of known devices: update, publish acs.device.booted;
 * - `2 PERIODIC`: update only (the steady state of a fleet); timed by the session marks the pod sets in Redis.
 * It prints Informs/s and the CPU time per Inform of the provisioning pod and of the database server.
 *
 * With `--manage-cr-credentials` the pod also gives each new device connection-request credentials (a task, queued
 * for its session). No gateway runs here, so no device ever accepts them, and every later Inform looks for that
 * task again: a worse case than a fleet whose devices took their credentials in their first session, which is
 * what the default (ACS_MANAGE_CR_CREDENTIALS=false) stands for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceIdOf, type Inform, type ParameterValueStruct } from '@acs/cwmp';
import { AcsDeviceEventType, CwmpEventType, newEvent, Topics, type InformEventData } from '@acs/contracts';
import { DataModel, informParameterNames } from '@acs/cpe-sim';
import { createRedisClient } from '@acs/infra-redis';
import { KafkaEventBus } from '@acs/infra-kafka';
import { PrefixedEventBus, type BusMessage } from '@acs/platform';
import { freePort, sharedInfrastructureEnv } from '../e2e/support/processes';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { cpuSeconds } from './process-measures';

const ROOT = join(__dirname, '..', '..');

function parseArgs(argv: string[]): { devices: number; profile: boolean; manageCredentials: boolean } {
  const options = { devices: 500, profile: false, manageCredentials: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--profile') options.profile = true;
    else if (argv[i] === '--manage-cr-credentials') options.manageCredentials = true;
    else if (argv[i] === '--devices') options.devices = Number(argv[++i]);
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return options;
}

/** The pid of the database server of `npm run infra:test` (ACS_INFRA_STATE, default .infra), for its CPU time. */
function databasePid(): number | undefined {
  try {
    return Number(readFileSync(join(process.env.ACS_INFRA_STATE ?? join(ROOT, '.infra'), 'mongo', 'ferretdb.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const entry = join(ROOT, 'dist/apps/provisioning/src/main.js');
  if (!existsSync(entry)) throw new Error('run `npm run build` first');
  const run = randomBytes(4).toString('hex');
  const env = sharedInfrastructureEnv(run);
  const [mgmtPort, grpcPort] = await Promise.all([freePort(), freePort()]);
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'acs-prof-')) : undefined;
  const child: ChildProcess = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), entry], {
    cwd: ROOT,
    env: { ...process.env, ...env, ACS_MGMT_HOST: '127.0.0.1', ACS_MGMT_PORT: String(mgmtPort), ACS_GRPC_HOST: '127.0.0.1', ACS_GRPC_PORT: String(grpcPort), ACS_LOG_LEVEL: 'warn', ACS_MANAGE_CR_CREDENTIALS: String(options.manageCredentials) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const kafka = new KafkaEventBus({ brokers: env.ACS_KAFKA_BROKERS.split(','), clientId: `bench-provisioning-${run}`, partitions: Number(env.ACS_KAFKA_PARTITIONS) });
  const bus = new PrefixedEventBus(kafka, env.ACS_KAFKA_TOPIC_PREFIX);
  const redis = createRedisClient(env.ACS_REDIS_URL);
  try {
    for (let deadline = Date.now() + 60_000; ; ) {
      if (child.exitCode !== null) throw new Error(`provisioning exited with ${child.exitCode}`);
      if (await fetch(`http://127.0.0.1:${mgmtPort}/health/ready`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error('provisioning did not become ready (are the servers of `npm run infra:test` up?)');
      await new Promise((r) => setTimeout(r, 200));
    }
    await kafka.start();

    const model = DataModel.builtin('tr181');
    const devices = Array.from({ length: options.devices }, (_, i) => ({ oui: 'BE0001', productClass: 'ProvBench', serialNumber: `P${run}${String(i).padStart(6, '0')}`, manufacturer: 'Bench' }));
    // What the simulator puts in every Inform of this model (the forced parameters and the WAN address).
    const forced = informParameterNames(model);
    const parameterList = (): ParameterValueStruct[] =>
      forced.map((name) => {
        const parameter = model.get(name);
        return { name, value: { value: parameter?.value ?? '', type: parameter?.type ?? 'string' } } as ParameterValueStruct;
      });

    // acs.device events tell when rounds that publish one per device are through.
    const seen = new Map<string, Set<string>>();
    const subscription = await bus.subscribe(Topics.acsDevice, { group: `bench-provisioning-${run}`, ephemeral: true }, async (message) => {
      if (!seen.has(message.type)) seen.set(message.type, new Set());
      seen.get(message.type)!.add(message.key);
    });

    const dbPid = databasePid();
    console.log(`provisioning pod on Kafka ${env.ACS_KAFKA_BROKERS}, FerretDB ${env.ACS_MONGO_URL}, Redis; ${options.devices} devices per round; ACS_MANAGE_CR_CREDENTIALS=${options.manageCredentials}`);
    const rounds: Array<{ name: string; code: string; done: (sessions: string[]) => Promise<boolean> }> = [
      { name: 'bootstrap (new devices)', code: '0 BOOTSTRAP', done: async () => (seen.get(AcsDeviceEventType.registered)?.size ?? 0) >= options.devices },
      { name: 'boot (known devices)', code: '1 BOOT', done: async () => (seen.get(AcsDeviceEventType.booted)?.size ?? 0) >= options.devices },
      {
        name: 'periodic (steady state)',
        code: '2 PERIODIC',
        // The pod marks each session "planned" in Redis when it is through with its Inform.
        done: async (sessions) => {
          const prefix = env.ACS_REDIS_KEY_PREFIX;
          const keys = await redis.keys(`${prefix}:*:plan:*`);
          const marked = new Set(keys.map((key) => key.split(':').at(-1)));
          return sessions.every((session) => marked.has(session));
        },
      },
    ];
    for (const round of rounds) {
      const sessions: string[] = [];
      const messages: BusMessage[] = devices.map((deviceId) => {
        const sessionId = randomUUID();
        sessions.push(sessionId);
        const inform: Inform = {
          kind: 'Inform',
          deviceId,
          events: [{ eventCode: round.code, commandKey: '' }],
          maxEnvelopes: 1,
          currentTime: new Date().toISOString(),
          retryCount: 0,
          parameterList: parameterList(),
        };
        const id = deviceIdOf(deviceId);
        const data: InformEventData = { deviceId: id, sessionId, cwmpVersion: '1.2', inform, remoteAddress: '10.0.0.1:7547' };
        return newEvent(CwmpEventType.inform, id, data);
      });
      const cpuBefore = cpuSeconds(child.pid!);
      const dbBefore = dbPid ? cpuSeconds(dbPid) : 0;
      const started = process.hrtime.bigint();
      await bus.publish(messages);
      for (let deadline = Date.now() + 600_000; !(await round.done(sessions)); ) {
        if (Date.now() > deadline) throw new Error(`${round.name}: not through within 10 minutes`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuMs = ((cpuSeconds(child.pid!) - cpuBefore) * 1000) / options.devices;
      const dbMs = dbPid ? ((cpuSeconds(dbPid) - dbBefore) * 1000) / options.devices : NaN;
      console.log(
        `${round.name.padEnd(26)} ${(options.devices / seconds).toFixed(1).padStart(7)} Informs/s  (${seconds.toFixed(1)} s)  provisioning ${cpuMs.toFixed(2)} ms CPU/Inform  database ${dbPid ? `${dbMs.toFixed(2)} ms CPU/Inform` : 'not measured'}`,
      );
    }
    await subscription.close();
  } finally {
    redis.disconnect();
    await kafka.close().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  if (profileDir) {
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (file) console.log(summarizeCpuProfile(join(profileDir, file)));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
