import { CwmpEventType, isEvent } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';
import { createRedisClient, RedisDeviceQueue, waitForRedis } from '@acs/infra-redis';
import type { WorkItem } from '@acs/platform';
import type Redis from 'ioredis';
import { CwmpEventRecorder } from './support/cwmp-event-recorder';
import { DedicatedRedis } from './support/dedicated-redis';
import { sampleWork, startGatewayPod, stopPods, type GatewayPod } from './support/gateway-pods';
import { kafkaBrokers, requireInfrastructure, runToken } from './support/infrastructure';

const CPES = 20;
const RETRY_AFTER_SECONDS = 7;
/** Per HTTP request of the simulated CPEs: an answer slower than this (a hang) fails the session as a transport error. */
const CPE_REQUEST_TIMEOUT_MS = 5_000;
/**
 * How long Redis stays away at least: long enough for the client's reconnect back-off to reach its ceiling (2 s),
 * so the recovery measured is that of a real outage, not of a blip caught by the first reconnect attempt.
 */
const OUTAGE_MS = 4_000;

/**
 * Redis goes away under a running gateway pod and comes back. While it is away the pod must refuse new sessions
 * with 503 + Retry-After (CPEs back off, TR-069 3.2.1.1) and say it is not ready; once it is back the pod recovers
 * without a restart, and work queued before the outage (kept by Redis's append-only file) still runs.
 */
describe('Redis outage under a gateway process', () => {
  const token = runToken();
  const serialPrefix = `E2EREDIS${token}`;
  const pods: GatewayPod[] = [];
  let redis: DedicatedRedis | undefined;
  let client: Redis | undefined;
  let queue: RedisDeviceQueue;
  let recorder: CwmpEventRecorder | undefined;

  beforeAll(async () => {
    await requireInfrastructure({ kafka: true });
    redis = await DedicatedRedis.start();
    pods.push(await startGatewayPod('gw-redis-outage', { ACS_REDIS_URL: redis.url, ACS_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS) }));
    client = createRedisClient(redis.url);
    await waitForRedis(client, redis.url, 5_000);
    queue = new RedisDeviceQueue(client);
    recorder = new CwmpEventRecorder(kafkaBrokers, `001122-SimGateway-${serialPrefix}`);
    await recorder.start();
  }, 90_000);

  afterAll(async () => {
    await recorder?.stop();
    await stopPods(pods);
    client?.disconnect();
    await redis?.destroy();
  }, 20_000);

  it('answers 503 with Retry-After while Redis is down, recovers by itself, and loses no queued work', async () => {
    const [pod] = pods as [GatewayPod];
    const fleet = new CpeFleet({
      count: CPES,
      acsUrl: pod.cwmpUrl,
      model: DataModel.builtin('tr098'),
      serialPrefix,
      requestTimeoutMs: CPE_REQUEST_TIMEOUT_MS,
    });
    const work = new Map<string, WorkItem[]>(fleet.cpes.map((cpe) => [cpe.deviceId, sampleWork(cpe.deviceId, token, 3)]));

    // Before: sessions work.
    for (const items of work.values()) await queue.enqueue(items[0]!);
    const before = await fleet.runSessions(['2 PERIODIC']);
    expect(before.filter((r) => r.error).map((r) => `${r.deviceId}: ${r.error}`)).toEqual([]);
    for (const report of before) expect(report.rpcs).toEqual([{ method: 'GetParameterValues', at: expect.any(Number) }]);

    // Work queued before the outage, persisted by the append-only file.
    for (const items of work.values()) for (const item of items.slice(1)) await queue.enqueue(item);
    await redis!.stop();
    const outageStartedAt = Date.now();

    // During: every new session is refused at once with 503 and the configured Retry-After — no hang, no 500.
    const during = await fleet.runSessions(['2 PERIODIC']);
    for (const report of during) {
      expect({ statuses: report.httpStatuses, retryAfter: report.retryAfter, error: report.error }).toEqual({
        statuses: [503],
        retryAfter: RETRY_AFTER_SECONDS,
        error: `the ACS is unavailable (HTTP 503, Retry-After ${RETRY_AFTER_SECONDS} s)`,
      });
    }
    const notReady = await fetch(`${pod.mgmtUrl}/health/ready`);
    expect(notReady.status).toBe(503);
    const health = (await notReady.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(health.status).toBe('error');
    // The store is what is down; the bus (Kafka) is still fine and the report says so.
    expect(health.checks['session-store']?.status).toBe('error');
    expect(health.checks['event-bus']?.status).toBe('ok');
    expect(pod.process.exitCode).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStartedAt))));
    // Still refusing, still alive, at the end of the outage.
    const late = await fleet.cpes[0]!.runSession(['2 PERIODIC']);
    expect(late.httpStatuses).toEqual([503]);
    expect((await fetch(`${pod.mgmtUrl}/health/ready`)).status).toBe(503);
    expect(pod.process.exitCode).toBeNull();

    // After: the same Redis (same port, same data) comes back; the pod reconnects by itself.
    const restartedAt = Date.now();
    await redis!.resume();
    let recoveredAfterMs = -1;
    while (Date.now() - restartedAt < 10_000) {
      if ((await fetch(`${pod.mgmtUrl}/health/ready`)).status === 200) {
        recoveredAfterMs = Date.now() - restartedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recoveredAfterMs).toBeGreaterThanOrEqual(0);
    process.stdout.write(`redis-outage: gateway ready again ${recoveredAfterMs} ms after Redis restarted\n`);

    const after = await fleet.runSessions(['2 PERIODIC']);
    expect(after.filter((r) => r.error).map((r) => `${r.deviceId}: ${r.error}`)).toEqual([]);
    for (const report of after) expect(report.rpcs).toEqual([{ method: 'SetParameterValues', at: expect.any(Number) }, { method: 'AddObject', at: expect.any(Number) }]);
    await waitForRedis(client!, redis!.url, 5_000);
    for (const cpe of fleet.cpes) expect(await queue.size(cpe.deviceId)).toBe(0);

    // Kafka: per device, the session before and the one after — nothing from the refused attempts, nothing twice.
    await recorder!.waitFor(
      `${CPES * 2} session-closed events`,
      () => recorder!.ofType(CwmpEventType.sessionClosed).length >= CPES * 2,
      15_000,
    );
    const byDevice = recorder!.byDevice();
    expect(byDevice.size).toBe(CPES);
    for (const [deviceId, items] of work) {
      const sequence = byDevice.get(deviceId)!.map((m) =>
        isEvent(m, CwmpEventType.rpcResult)
          ? `result:${m.data.itemId}`
          : isEvent(m, CwmpEventType.sessionClosed)
            ? `closed:${m.data.reason}`
            : m.type,
      );
      expect(sequence).toEqual([
        CwmpEventType.inform,
        `result:${items[0]!.id}`,
        'closed:completed',
        CwmpEventType.inform,
        `result:${items[1]!.id}`,
        `result:${items[2]!.id}`,
        'closed:completed',
      ]);
    }
  }, 50_000);
});
