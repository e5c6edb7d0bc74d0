import { CwmpEventType, isEvent } from '@acs/contracts';
import { CpeFleet, DataModel, type SessionReport, type SimulatedCpe } from '@acs/cpe-sim';
import { createRedisClient, RedisDeviceQueue, waitForRedis } from '@acs/infra-redis';
import type { WorkItem } from '@acs/platform';
import type Redis from 'ioredis';
import { metric } from '../support/processes';
import { CwmpEventRecorder } from './support/cwmp-event-recorder';
import { positionOf, sampleWork, startGatewayPod, stopPods, type GatewayPod } from './support/gateway-pods';
import { kafkaBrokers, requireInfrastructure, runToken, sharedRedisUrl } from './support/infrastructure';
import { RoundRobinProxy } from './support/round-robin-proxy';

const CPES = 100;
const ITEMS_PER_CPE = 5;
/** Inform, empty POST and one answer per item: the HTTP requests of one undisturbed session. */
const REQUESTS_PER_SESSION = 2 + ITEMS_PER_CPE;
/** The pod dies when the proxy has forwarded this many requests: about a third into the first round of sessions… */
const KILL_AFTER_REQUESTS = Math.round((CPES * REQUESTS_PER_SESSION) / 3);
/** …and has at least this many of them unanswered, so the kill surely cuts requests in the middle. */
const KILL_WITH_PENDING = 5;
const MAX_ROUNDS = 6;

/**
 * A gateway pod is SIGKILLed while 100 sessions run through a round-robin proxy (a Kubernetes Service). Sessions cut
 * in the middle fail on the CPE's side; the CPEs run new sessions until their queues are empty, and no queued work
 * item may be lost: each has at least one result on Kafka. An item whose result was published but not acknowledged
 * when the pod died runs again (at-least-once), so duplicates are allowed, counted and printed.
 */
describe('a gateway process killed in the middle of sessions', () => {
  const token = runToken();
  const serialPrefix = `E2EKILL${token}`;
  const pods: GatewayPod[] = [];
  let proxy: RoundRobinProxy | undefined;
  let proxyUrl: string;
  let redis: Redis | undefined;
  let queue: RedisDeviceQueue;
  let recorder: CwmpEventRecorder | undefined;
  let killed: Promise<void> | undefined;
  let killedAt = 0;

  beforeAll(async () => {
    await requireInfrastructure({ redis: true, kafka: true });
    pods.push(...(await Promise.all([startGatewayPod('gw-survivor'), startGatewayPod('gw-victim')])));
    const victim = pods[1]!;
    proxy = new RoundRobinProxy(
      pods.map((pod) => new URL(pod.cwmpUrl)),
      (stats) => {
        if (!killed && stats.forwarded >= KILL_AFTER_REQUESTS && stats.pendingAt[1]! >= KILL_WITH_PENDING) {
          killedAt = stats.forwarded;
          killed = victim.kill();
        }
      },
    );
    proxyUrl = await proxy.listen();
    redis = createRedisClient(sharedRedisUrl);
    // No offline queue on these clients (fail fast): commands wait for nothing, so wait for the connection here.
    await waitForRedis(redis, sharedRedisUrl, 5_000);
    queue = new RedisDeviceQueue(redis);
    recorder = new CwmpEventRecorder(kafkaBrokers, `001122-SimGateway-${serialPrefix}`);
    await recorder.start();
  }, 90_000);

  afterAll(async () => {
    await recorder?.stop();
    await proxy?.close();
    await stopPods(pods);
    redis?.disconnect();
  }, 20_000);

  it('loses no work item: every item has a result and every queue ends empty', async () => {
    const [survivor, victim] = pods as [GatewayPod, GatewayPod];
    const fleet = new CpeFleet({ count: CPES, acsUrl: proxyUrl, model: DataModel.builtin('tr098'), serialPrefix });
    const work = new Map<string, WorkItem[]>();
    for (const cpe of fleet.cpes) {
      const items = sampleWork(cpe.deviceId, token, ITEMS_PER_CPE);
      work.set(cpe.deviceId, items);
      for (const item of items) await queue.enqueue(item);
    }

    // Round 1: every CPE at once; the victim dies a third of the way in.
    const firstRound = await fleet.runSessions(['2 PERIODIC'], CPES);
    await killed;
    expect(killed).toBeDefined();
    expect(victim.process.signalCode).toBe('SIGKILL');
    const broken = firstRound.filter((r) => r.error);

    // Then, like CPEs retrying after a failed session: run sessions until every queue is empty.
    const last = new Map<SimulatedCpe, SessionReport>(fleet.cpes.map((cpe, i) => [cpe, firstRound[i]!]));
    let rounds = 1;
    for (; rounds <= MAX_ROUNDS; rounds++) {
      const pending: SimulatedCpe[] = [];
      for (const cpe of fleet.cpes) {
        if (last.get(cpe)!.error || (await queue.size(cpe.deviceId)) > 0) pending.push(cpe);
      }
      if (pending.length === 0) break;
      const reports = await Promise.all(pending.map((cpe) => cpe.runSession(['2 PERIODIC'])));
      pending.forEach((cpe, i) => last.set(cpe, reports[i]!));
    }

    expect([...last.values()].filter((r) => r.error).map((r) => `${r.deviceId}: ${r.error}`)).toEqual([]);
    for (const cpe of fleet.cpes) expect(await queue.size(cpe.deviceId)).toBe(0);

    const allItems = [...work.values()].flat();
    const results = () => recorder!.ofType(CwmpEventType.rpcResult);
    await recorder!.waitFor(
      `a result for each of the ${allItems.length} items`,
      () => new Set(results().map((r) => r.data.itemId)).size >= allItems.length,
      20_000,
    );
    const resultsByItem = new Map<string, number>();
    for (const result of results()) resultsByItem.set(result.data.itemId, (resultsByItem.get(result.data.itemId) ?? 0) + 1);
    const missing = allItems.filter((item) => !resultsByItem.has(item.id)).map((item) => item.id);
    expect(missing).toEqual([]);
    expect(recorder!.ofType(CwmpEventType.rpcFault)).toEqual([]);

    // At-least-once never runs ahead: per device, results follow queue order, a re-run repeating the item before it.
    for (const [deviceId, messages] of recorder!.byDevice()) {
      const positions = messages.filter((m) => isEvent(m, CwmpEventType.rpcResult)).map((m) => positionOf(m.data.itemId));
      const outOfOrder = positions.some((p, i) => i > 0 && p < positions[i - 1]!);
      expect({ deviceId, positions, outOfOrder }).toEqual({ deviceId, positions, outOfOrder: false });
    }

    // The kill really hit sessions in flight, and the survivor carried the rest.
    expect(proxy!.stats.forwardedTo[1]).toBeGreaterThan(0);
    expect(proxy!.stats.cut).toBeGreaterThan(0);
    expect(broken.length).toBeGreaterThan(0);
    expect(await metric(survivor.mgmtUrl, 'acs_cwmp_rpcs_total')).toBeGreaterThan(0);

    const duplicates = [...resultsByItem].filter(([, count]) => count > 1);
    process.stdout.write(
      `gateway-killed: ${CPES} CPEs × ${ITEMS_PER_CPE} items; victim killed after ${killedAt} forwarded requests; ` +
        `${broken.length} sessions broken in round 1, ${proxy!.stats.cut} requests answered 502, ${proxy!.stats.rerouted} rerouted from the dead pod; ` +
        `queues empty after ${rounds - 1} retry round(s); ${duplicates.length} item(s) ran twice (at-least-once)` +
        `${duplicates.length ? `: ${duplicates.map(([id, n]) => `${id} ×${n}`).join(', ')}` : ''}\n`,
    );
  }, 50_000);
});
