import { CwmpEventType, isEvent } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';
import { createRedisClient, RedisDeviceQueue, waitForRedis } from '@acs/infra-redis';
import type { WorkItem } from '@acs/platform';
import type Redis from 'ioredis';
import { metric } from '../support/processes';
import { CwmpEventRecorder } from './support/cwmp-event-recorder';
import { sampleWork, startGatewayPod, stopPods, type GatewayPod } from './support/gateway-pods';
import { kafkaBrokers, requireInfrastructure, runToken, sharedRedisUrl } from './support/infrastructure';

const CPES = 100;
const CPE_USER = 'cpe-e2e';
const CPE_PASSWORD = 'e2e-password';
/** The cwmp.events that belong to one session (all but the connection-request outcome). */
const SESSION_EVENT_TYPES = [CwmpEventType.inform, CwmpEventType.cpeRequest, CwmpEventType.rpcResult, CwmpEventType.rpcFault, CwmpEventType.sessionClosed];

/**
 * Two gateway pods as real processes on one Redis and one Kafka. Every HTTP request of every CPE goes to the other
 * pod than the one before (a load balancer without affinity), Digest nonces included, and each device's events must
 * still reach Kafka complete and in order.
 */
describe('two gateway processes on Redis and Kafka', () => {
  const token = runToken();
  const serialPrefix = `E2E2GW${token}`;
  const pods: GatewayPod[] = [];
  let redis: Redis | undefined;
  let queue: RedisDeviceQueue;
  let recorder: CwmpEventRecorder | undefined;

  beforeAll(async () => {
    await requireInfrastructure({ redis: true, kafka: true });
    const auth = { ACS_CPE_AUTH: 'digest', ACS_CPE_USERNAME: CPE_USER, ACS_CPE_PASSWORD: CPE_PASSWORD };
    pods.push(...(await Promise.all([startGatewayPod('gw-a', auth), startGatewayPod('gw-b', auth)])));
    redis = createRedisClient(sharedRedisUrl);
    // No offline queue on these clients (fail fast): commands wait for nothing, so wait for the connection here.
    await waitForRedis(redis, sharedRedisUrl, 5_000);
    queue = new RedisDeviceQueue(redis);
    // Device ids are OUI-ProductClass-Serial; the serials (alphanumeric, so not escaped) carry this run's token.
    recorder = new CwmpEventRecorder(kafkaBrokers, `001122-SimGateway-${serialPrefix}`);
    await recorder.start();
  }, 90_000);

  afterAll(async () => {
    await recorder?.stop();
    await stopPods(pods);
    redis?.disconnect();
  }, 20_000);

  it('completes every session, publishes every result once and keeps each device in order', async () => {
    const fleet = new CpeFleet({
      count: CPES,
      acsUrl: pods.map((pod) => pod.cwmpUrl),
      model: DataModel.builtin('tr098'),
      serialPrefix,
      auth: { username: CPE_USER, password: CPE_PASSWORD },
    });
    const work = new Map<string, WorkItem[]>();
    for (const cpe of fleet.cpes) {
      const items = sampleWork(cpe.deviceId, token);
      work.set(cpe.deviceId, items);
      for (const item of items) await queue.enqueue(item);
    }

    const reports = await fleet.runSessions(['2 PERIODIC'], 50);

    expect(reports.filter((r) => r.error).map((r) => `${r.deviceId}: ${r.error}`)).toEqual([]);
    for (const report of reports) {
      expect(report.rpcs).toEqual([
        { method: 'GetParameterValues', at: expect.any(Number) },
        { method: 'SetParameterValues', at: expect.any(Number) },
        { method: 'AddObject', at: expect.any(Number) },
      ]);
      // Digest's first leg (401), Inform, empty POST, three answers: 200 ×5 and the closing 204.
      expect(report.httpStatuses).toEqual([401, 200, 200, 200, 200, 204]);
    }
    for (const cpe of fleet.cpes) expect(await queue.size(cpe.deviceId)).toBe(0);

    // Kafka: every device's inform, its three results and its session-closed.
    const expectedResults = CPES * 3;
    await recorder!.waitFor(
      `${expectedResults} results and ${CPES} session-closed events`,
      () =>
        recorder!.ofType(CwmpEventType.rpcResult).length >= expectedResults &&
        recorder!.ofType(CwmpEventType.sessionClosed).length >= CPES,
      20_000,
    );
    const resultsByItem = new Map<string, number>();
    for (const result of recorder!.ofType(CwmpEventType.rpcResult)) {
      resultsByItem.set(result.data.itemId, (resultsByItem.get(result.data.itemId) ?? 0) + 1);
    }
    const allItems = [...work.values()].flat();
    expect(allItems.filter((item) => resultsByItem.get(item.id) !== 1).map((item) => `${item.id} ×${resultsByItem.get(item.id) ?? 0}`)).toEqual([]);
    expect(resultsByItem.size).toBe(allItems.length);

    const byDevice = recorder!.byDevice();
    expect(byDevice.size).toBe(CPES);
    for (const [deviceId, items] of work) {
      const sequence = byDevice.get(deviceId)!.map((m) => (isEvent(m, CwmpEventType.rpcResult) ? `result:${m.data.itemId}` : m.type));
      expect(sequence).toEqual([CwmpEventType.inform, ...items.map((item) => `result:${item.id}`), CwmpEventType.sessionClosed]);
      const closed = byDevice.get(deviceId)!.at(-1)!;
      expect(closed.data).toMatchObject({ reason: 'completed', rpcCount: 3 });
    }
    // One session per device from start to end: every event of a device carries the same session id.
    for (const messages of byDevice.values()) {
      expect(new Set(messages.map((m) => (isEvent(m, SESSION_EVENT_TYPES) ? m.data.sessionId : undefined))).size).toBe(1);
    }

    // Both processes really served: each sent RPCs (the empty POSTs and answers alternate between them).
    const rpcsByPod = await Promise.all(pods.map((pod) => metric(pod.mgmtUrl, 'acs_cwmp_rpcs_total')));
    for (const rpcs of rpcsByPod) expect(rpcs).toBeGreaterThan(0);
    expect(rpcsByPod.reduce((a, b) => a + b, 0)).toBe(CPES * 3);
  }, 45_000);
});
