import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { BusMessage } from '@acs/platform';
import { freePort, uniqueToken, waitFor } from '@acs/testing';

import { KafkaEventBus } from './kafka-event-bus';
import type { KafkaLogSink } from './kafka-logging';

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');


/**
 * Subscriptions across restarts of the broker, on a Kafka of this test's own (deploy/local/kafka.sh with its own
 * state dir and ports), so that stopping it disturbs nothing else. Like the NBI's event hub: ephemeral groups, one per
 * topic, from the events published after they joined, on topics of which some are never written before the restart.
 */
describe('Kafka event bus across broker restarts', () => {
  const state = mkdtempSync(join(tmpdir(), 'acs-kafka-restart-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ACS_INFRA_STATE: state };
  const warnings: Array<{ message: string; context: Record<string, unknown> }> = [];
  const logger: KafkaLogSink = {
    error: () => undefined,
    warn: (context, message) => void warnings.push({ message, context: context as Record<string, unknown> }),
    info: () => undefined,
    debug: () => undefined,
  };
  let bus: KafkaEventBus;

  async function broker(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy', 'local', 'kafka.sh'), command], { env, timeout: 150_000 });
  }

  beforeAll(async () => {
    Object.assign(env, { ACS_KAFKA_PORT: String(await freePort()), ACS_KAFKA_CONTROLLER_PORT: String(await freePort()) });
    await broker('start');
    bus = new KafkaEventBus({
      brokers: [`127.0.0.1:${env.ACS_KAFKA_PORT}`],
      clientId: 'restart-test',
      partitions: 4,
      // The member a broker restart leaves behind holds up the group's next join until its session expires.
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      fetchMaxWaitMs: 100,
      logger,
    });
  }, 180_000);

  afterAll(async () => {
    await bus?.close();
    await broker('stop').catch(() => undefined);
    rmSync(state, { recursive: true, force: true });
  }, 120_000);

  it('delivers on every topic after each restart, those never written before included, and says when each consumer is back', async () => {
    const prefix = `restart-${uniqueToken(4)}`;
    const topics = ['acs.device', 'acs.task', 'acs.firmware'].map((name) => `${prefix}.${name}`);
    const received = new Map<string, string[]>(topics.map((t) => [t, []]));
    for (const t of topics) {
      await bus.subscribe(t, { group: `${prefix}.hub.${t}`, ephemeral: true }, async (m) => void received.get(t)!.push(m.id));
    }
    // Only the first topic sees traffic before the broker goes away; the others exist but were never written.
    const before = message(topics[0]);
    await bus.publish([before]);
    await waitFor('the message published before any restart', () => received.get(topics[0])!.includes(before.id), 30_000);

    for (const round of [1, 2]) {
      await broker('stop');
      await broker('start');
      const back = Date.now();
      // Published as soon as the broker is back, before the consumers have rejoined (as the gateways' outboxes do):
      // the groups must resume from their committed positions, not from the new end of the topics.
      const after = topics.map((t) => message(t));
      await publishWhenAccepted(after);
      await waitFor(`round ${round}: one message on each of ${topics.join(', ')}`, () => after.every((m) => received.get(m.topic)!.includes(m.id)), 150_000);
      process.stdout.write(`round ${round}: every topic delivered ${Date.now() - back} ms after the broker was back\n`);
    }

    // Every consumer that stopped was replaced, and said so.
    const stopped = new Set(warnings.filter((w) => w.message.startsWith('kafka consumer stopped')).map((w) => w.context.group));
    const rejoined = new Set(warnings.filter((w) => w.message.startsWith('kafka consumer rejoined')).map((w) => w.context.group));
    expect([...stopped].filter((group) => !rejoined.has(group))).toEqual([]);
  }, 600_000);

  function message(topic: string): BusMessage {
    return { id: `m-${uniqueToken(8)}`, topic, key: 'device-1', type: 'restart.test', time: new Date().toISOString(), data: {} };
  }

  /** The producer reconnects on its own; a publish made while it does may fail and is made again. */
  async function publishWhenAccepted(messages: BusMessage[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await bus.publish(messages);
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
});
