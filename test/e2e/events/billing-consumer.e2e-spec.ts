import { CpeFleet, DataModel, type SimulatedCpe } from '@acs/cpe-sim';
import { type Admin, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers, requireInfrastructure, runToken } from '../distributed/support/infrastructure';
import { startAcs, type AcsUnderTest } from '../provisioning/support/acs-under-test';
import { BillingConsumerProcess, type BillingReport } from './support/billing-consumer-process';

const DEVICES = 25;
/** Registered while the first consumer runs; the rest while no consumer runs at all. */
const BEFORE_RESTART = 12;
const PARTITIONS = 4;

/**
 * The whole public-event chain on real servers: simulated CPEs inform the gateway pod, provisioning (on Kafka, Redis,
 * FerretDB) publishes `acs.device`, and the built example billing consumer, a separate process that knows nothing of
 * the ACS but docs/events.md, counts the registered devices. Repeated Informs (periodic, reboot, factory reset) put
 * many more events than devices on the topic; the count must still be exactly the number of devices, across a
 * restart of the consumer.
 *
 * The consumer keeps its count in memory and never commits offsets: a restart (same group) reads the topic from its
 * beginning again and recomputes the count. The test holds it to that: after the restart it counts up from 1 again and
 * reads every event on the topic, not only the ones published while it was down.
 */
describe('example billing consumer on the distributed ACS', () => {
  const token = runToken();
  const topicPrefix = `e2e-billing-${token.toLowerCase()}.`;
  const deviceTopic = `${topicPrefix}acs.device`;
  const group = `e2e-billing-${token.toLowerCase()}`;
  const consumerEnv = { ACS_KAFKA_BROKERS: kafkaBrokers.join(','), ACS_KAFKA_TOPIC_PREFIX: topicPrefix, BILLING_CONSUMER_GROUP: group };
  let acs: AcsUnderTest | undefined;
  let admin: Admin | undefined;
  const consumers: BillingConsumerProcess[] = [];
  let fleet: CpeFleet | undefined;

  beforeAll(async () => {
    await requireInfrastructure({ redis: true, kafka: true });
    acs = await startAcs('distributed', { ACS_KAFKA_TOPIC_PREFIX: topicPrefix, ACS_KAFKA_PARTITIONS: String(PARTITIONS) });
    admin = new Kafka({ clientId: `e2e-billing-admin-${token}`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // The broker does not create topics on demand, and provisioning creates `acs.device` only at its first event:
    // create it as an operator would before pointing billing at it (provisioning then finds it there).
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: deviceTopic, numPartitions: PARTITIONS }] });
    // Serials carry the run's token: distinct devices, never known to the ACS from an earlier run.
    fleet = new CpeFleet({ count: DEVICES, acsUrl: acs.cwmpUrl, model: DataModel.builtin('tr181'), serialPrefix: `BILL${token}` });
  }, 90_000);

  afterAll(async () => {
    for (const consumer of consumers) consumer.kill();
    await fleet?.stop();
    await acs?.stop();
    if (admin) {
      const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);

  /** One session per CPE, all at once; every one must succeed. */
  async function inform(cpes: SimulatedCpe[], events?: string[]): Promise<void> {
    const reports = await Promise.all(cpes.map((cpe) => cpe.runSession(events)));
    const failed = reports.filter((r) => r.error !== undefined);
    if (failed.length > 0) throw new Error(`${failed.length} sessions failed, e.g. ${failed[0]!.deviceId}: ${failed[0]!.error}\n${acs!.output().slice(-4_000)}`);
  }

  /** Records on `acs.device` (all partitions). The topic is this run's own, so all of them are this run's events. */
  async function eventsOnTopic(): Promise<number> {
    const offsets = await admin!.fetchTopicOffsets(deviceTopic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  }

  /** Waits until provisioning has published at least `expected` events (it does so after the sessions closed). */
  async function waitForEvents(expected: number, timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const total = await eventsOnTopic();
      if (total >= expected) return total;
      if (Date.now() > deadline) throw new Error(`only ${total} of ${expected} events on ${deviceTopic} after ${timeoutMs} ms\n${acs!.output().slice(-4_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until the consumer reports having read every event now on the topic, and returns that report. */
  async function caughtUp(consumer: BillingConsumerProcess): Promise<{ report: BillingReport; total: number }> {
    for (;;) {
      const total = await eventsOnTopic();
      await consumer.waitForReport(`it read all ${total} events`, (r) => r.eventsRead >= total, 20_000);
      // Nothing published in the meantime: its latest report is the count of the whole topic.
      if ((await eventsOnTopic()) === total) return { report: consumer.latest!, total };
    }
  }

  /**
   * Publishes a byte-for-byte copy of a `registered` record already on the topic, on its partition: what a consumer
   * sees when an event is delivered twice (the contract is at-least-once, de-duplicated by CloudEvent id).
   */
  async function redeliverARegistration(): Promise<void> {
    const kafka = new Kafka({ clientId: `e2e-billing-redeliver-${token}`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const readerGroup = `${group}-redeliver`;
    const reader = kafka.consumer({ groupId: readerGroup, maxWaitTimeInMs: 100 });
    let found: { partition: number; key: Buffer | null; value: Buffer | null; headers: IHeaders } | undefined;
    try {
      await reader.connect();
      await reader.subscribe({ topics: [deviceTopic], fromBeginning: true });
      await reader.run({
        eachMessage: async ({ partition, message }) => {
          if (!found && message.headers?.ce_type?.toString() === 'acs.device.registered') {
            found = { partition, key: message.key, value: message.value, headers: message.headers };
          }
        },
      });
      const deadline = Date.now() + 15_000;
      while (!found && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await reader.disconnect();
      await admin!.deleteGroups([readerGroup]).catch(() => undefined);
    }
    if (!found) throw new Error(`no acs.device.registered record on ${deviceTopic} within 15 s`);
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: deviceTopic, messages: [{ partition: found.partition, key: found.key, value: found.value, headers: found.headers }] });
    } finally {
      await producer.disconnect();
    }
  }

  it('counts exactly the registered devices, despite repeated Informs and a restart', async () => {
    const cpes = fleet!.cpes;
    let expectedEvents = 0;

    // 1. The consumer runs while the first devices register and some of them inform again.
    const first = await BillingConsumerProcess.start(consumerEnv);
    consumers.push(first);
    await inform(cpes.slice(0, BEFORE_RESTART)); // 0 BOOTSTRAP + 1 BOOT: registered, bootstrapped, booted
    expectedEvents += 3 * BEFORE_RESTART;
    await inform(cpes.slice(0, 4), ['2 PERIODIC']); // no device event at all
    await inform(cpes.slice(4, 8), ['1 BOOT']); // booted again
    await inform(cpes.slice(8, 9), ['1 BOOT']);
    expectedEvents += 5;
    await waitForEvents(expectedEvents);
    const beforeStop = await caughtUp(first);
    expect(beforeStop.total).toBeGreaterThanOrEqual(expectedEvents); // 41 events for 12 devices
    expect(beforeStop.report.registeredDevices).toBe(BEFORE_RESTART);
    const stoppedAt = await first.stop();
    expect(stoppedAt).toMatchObject({ registeredDevices: BEFORE_RESTART, eventsRead: beforeStop.total, stopped: true });

    // 2. No consumer: the other devices register; an old one is factory-reset (bootstrapped again, not registered).
    await inform(cpes.slice(BEFORE_RESTART));
    expectedEvents += 3 * (DEVICES - BEFORE_RESTART);
    await inform(cpes.slice(0, 1), ['0 BOOTSTRAP', '1 BOOT']);
    await inform(cpes.slice(BEFORE_RESTART, BEFORE_RESTART + 4), ['1 BOOT']);
    expectedEvents += 2 + 4;
    await waitForEvents(expectedEvents);

    // 3. Started again with the same group: it commits no offsets, so it reads the topic from the beginning.
    const second = await BillingConsumerProcess.start(consumerEnv);
    consumers.push(second);
    const afterRestart = await caughtUp(second);
    expect(second.reports[0]?.registeredDevices).toBe(1); // recounted from scratch, not resumed at 12
    expect(afterRestart.report).toMatchObject({ registeredDevices: DEVICES, eventsRead: afterRestart.total });
    const committed = await admin!.fetchOffsets({ groupId: group, topics: [deviceTopic] });
    expect(committed[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);

    // 4. More repeated Informs while it runs, and a registration delivered twice: more events, the same count.
    await inform(cpes.slice(16, 20), ['1 BOOT']);
    await inform(cpes.slice(20), ['2 PERIODIC']);
    expectedEvents += 4;
    await redeliverARegistration();
    expectedEvents += 1;
    await waitForEvents(expectedEvents);
    const atEnd = await caughtUp(second);
    expect(atEnd.total).toBeGreaterThanOrEqual(expectedEvents);
    expect(atEnd.report).toMatchObject({ registeredDevices: DEVICES, eventsRead: atEnd.total });
    // Never more than the devices at any point, on either run.
    expect(Math.max(...consumers.flatMap((c) => c.reports.map((r) => r.registeredDevices)))).toBe(DEVICES);
    expect(await second.stop()).toMatchObject({ registeredDevices: DEVICES, eventsRead: atEnd.total, stopped: true });
  }, 90_000);
});
