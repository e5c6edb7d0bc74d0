import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CwmpEventType, isEvent, Topics } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';
import { createRedisClient, RedisDeviceQueue, waitForRedis } from '@acs/infra-redis';
import { KafkaEventBus } from '@acs/infra-kafka';
import type { BusMessage, WorkItem } from '@acs/platform';
import type Redis from 'ioredis';
import { freePort, REPO_ROOT, startApp, type RunningApp } from '../support/processes';

const run = promisify(execFile);
const REDIS_URL = process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CPES = 20;

/**
 * Kafka stopped in the middle of the day: CWMP sessions still complete, results are not acknowledged (their work
 * items stay parked in Redis) until they can be published, and they are published — in order per device — once
 * Kafka is back. Runs its own Kafka broker (deploy/local/kafka.sh with its own state dir and ports) so that stopping
 * it disturbs nothing else.
 */
describe('Kafka outage', () => {
  const state = mkdtempSync(join(tmpdir(), 'acs-kafka-outage-'));
  let kafkaEnv: NodeJS.ProcessEnv;
  let brokers: string;
  let gateway: RunningApp;
  let redis: Redis;
  let queue: RedisDeviceQueue;
  const serialPrefix = `KO${Date.now().toString(36)}`;

  async function kafka(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy/local/kafka.sh'), command], { env: kafkaEnv, timeout: 150_000 });
  }

  beforeAll(async () => {
    const port = await freePort();
    kafkaEnv = { ...process.env, ACS_INFRA_STATE: state, ACS_KAFKA_PORT: String(port), ACS_KAFKA_CONTROLLER_PORT: String(await freePort()) };
    brokers = `127.0.0.1:${port}`;
    await kafka('start');
    redis = createRedisClient(REDIS_URL);
    await waitForRedis(redis, REDIS_URL, 3000).catch(() => {
      throw new Error(`Redis not reachable at ${REDIS_URL} — run \`npm run infra:test\``);
    });
    queue = new RedisDeviceQueue(redis);
    gateway = await startApp('cwmp-gateway', {
      ACS_SESSION_STORE: 'redis',
      ACS_REDIS_URL: REDIS_URL,
      ACS_EVENT_BUS: 'kafka',
      ACS_KAFKA_BROKERS: brokers,
      ACS_KAFKA_PARTITIONS: '4',
      ACS_PUBLISH_TIMEOUT_MS: '500',
      ACS_OUTBOX_RELAY_INTERVAL_MS: '250',
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    redis?.disconnect();
    await kafka('stop').catch(() => undefined);
    rmSync(state, { recursive: true, force: true });
  }, 60_000);

  it('completes sessions while Kafka is down and publishes every result once it is back', async () => {
    const fleet = new CpeFleet({ count: CPES, acsUrl: gateway.cwmpUrl, model: DataModel.builtin('tr181'), serialPrefix });
    const items = new Map<string, WorkItem[]>();
    async function queueWork(tag: string): Promise<void> {
      for (const cpe of fleet.cpes) {
        const work: WorkItem[] = [
          { id: `${cpe.deviceId}-${tag}-gpv`, deviceId: cpe.deviceId, rpc: { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] }, enqueuedAt: Date.now() },
          { id: `${cpe.deviceId}-${tag}-gpn`, deviceId: cpe.deviceId, rpc: { kind: 'GetParameterNames', parameterPath: 'Device.DeviceInfo.', nextLevel: true }, enqueuedAt: Date.now() },
        ];
        for (const item of work) await queue.enqueue(item);
        items.set(cpe.deviceId, [...(items.get(cpe.deviceId) ?? []), ...work]);
      }
    }

    // Before: the usual path.
    await queueWork('before');
    const before = await fleet.runSessions(['2 PERIODIC'], 10);
    expect(before.filter((r) => r.error)).toEqual([]);

    // During: Kafka is gone. Sessions complete all the same; nothing is acknowledged.
    await kafka('stop');
    await queueWork('during');
    const during = await fleet.runSessions(['2 PERIODIC'], 10);
    expect(during.filter((r) => r.error)).toEqual([]);
    for (const report of during) {
      expect(report.httpStatuses).toEqual([200, 200, 200, 204]);
      expect(report.rpcs.map((r) => r.method)).toEqual(['GetParameterValues', 'GetParameterNames']);
    }
    for (const cpe of fleet.cpes) {
      expect(await queue.size(cpe.deviceId)).toBe(2);
      expect(await queue.parked(cpe.deviceId)).toBe(2);
    }

    // After: Kafka is back; the relay publishes what waited, then acknowledges the parked items.
    await kafka('start');
    const deadline = Date.now() + 60_000;
    for (const cpe of fleet.cpes) {
      while ((await queue.size(cpe.deviceId)) > 0) {
        if (Date.now() > deadline) throw new Error(`${cpe.deviceId}: parked items never acknowledged\n${gateway.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    // Every result of both rounds is on Kafka exactly once by event id, and each device's events are in order.
    const bus = new KafkaEventBus({ brokers: brokers.split(','), clientId: 'kafka-outage-test' });
    await bus.start();
    const seen = new Map<string, BusMessage>();
    const ours = new Set(fleet.cpes.map((c) => c.deviceId));
    const subscription = await bus.subscribe(Topics.cwmpEvents, { group: `kafka-outage-${serialPrefix}`, fromBeginning: true }, async (m) => {
      if (ours.has(m.key)) seen.set(m.id, m);
    });
    try {
      const until = Date.now() + 30_000;
      const results = () => [...seen.values()].filter((m) => isEvent(m, CwmpEventType.rpcResult));
      while (results().length < CPES * 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      const byItem = new Map(results().map((m) => [m.data.itemId, m]));
      for (const [deviceId, work] of items) for (const item of work) expect({ deviceId, item: item.id, published: byItem.has(item.id) }).toEqual({ deviceId, item: item.id, published: true });
      expect(results()).toHaveLength(CPES * 4);

      for (const deviceId of ours) {
        const events = [...seen.values()].filter((m) => m.key === deviceId);
        const order = events.map((m) => (isEvent(m, CwmpEventType.rpcResult) ? `result:${m.data.itemId.split('-').slice(-2).join('-')}` : m.type));
        expect(order).toEqual([
          CwmpEventType.inform,
          'result:before-gpv',
          'result:before-gpn',
          CwmpEventType.sessionClosed,
          CwmpEventType.inform,
          'result:during-gpv',
          'result:during-gpn',
          CwmpEventType.sessionClosed,
        ]);
      }
    } finally {
      await subscription.close();
      await bus.close();
    }
  }, 240_000);
});
