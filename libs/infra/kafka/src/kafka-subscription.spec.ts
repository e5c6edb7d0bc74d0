import { EventEmitter } from 'node:events';

import type { Consumer, Producer } from 'kafkajs';
import { waitFor } from '@acs/testing';

import type { KafkaLogSink } from './kafka-logging';
import { KafkaSubscription } from './kafka-subscription';

/**
 * The consumer lifecycle of a subscription, on consumers that join, fetch and crash on command: which errors kafkajs
 * would have restarted after is beside the point here, since the subscription restarts after every one. The broker
 * side (a real restart) is kafka-broker-restart.int-spec.ts.
 */
class ScriptedConsumer {
  readonly events = { CRASH: 'crash', GROUP_JOIN: 'join', FETCH: 'fetch' } as const;
  disconnected = false;
  private readonly emitter = new EventEmitter();

  constructor(private readonly joins: boolean) {}

  /** As kafkajs's: returns the function that removes the listener. */
  on(event: string, listener: (payload: unknown) => void): () => void {
    this.emitter.on(event, listener);
    return () => void this.emitter.off(event, listener);
  }

  private emit(event: string, payload: unknown): void {
    this.emitter.emit(event, payload);
  }

  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(): Promise<void> {
    setImmediate(() => {
      if (!this.joins) return this.crash(new Error('coordinator is loading'));
      this.emit('join', { payload: { memberAssignment: { t: [0] } } });
      this.emit('fetch', {});
    });
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  /** What kafkajs does when it will not restart: it has disconnected, then reports the crash. */
  crash(error: Error): void {
    this.disconnected = true;
    this.emit('crash', { payload: { error, groupId: 'g', restart: false } });
  }
}

function groupCoordinatorNotFound(): Error {
  const error = new Error('Failed to find group coordinator');
  error.name = 'KafkaJSGroupCoordinatorNotFound';
  return error;
}

describe('KafkaSubscription', () => {
  let consumers: ScriptedConsumer[];
  let script: boolean[];
  let lines: Array<{ message: string; context: object }>;
  let subscription: KafkaSubscription;

  function subscribe(): KafkaSubscription {
    const logger: KafkaLogSink = {
      error: () => undefined,
      warn: (context, message) => void lines.push({ message, context }),
      info: () => undefined,
      debug: () => undefined,
    };
    return new KafkaSubscription(
      {
        group: 'g',
        topic: 't',
        fromBeginning: false,
        partitionsConsumedConcurrently: 1,
        joinTimeoutMs: 5_000,
        heartbeatIntervalMs: 100,
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
        restart: { baseDelayMs: 1, maxDelayMs: 4 },
      },
      () => {
        const consumer = new ScriptedConsumer(script.shift() ?? true);
        consumers.push(consumer);
        return consumer as unknown as Consumer;
      },
      {} as Producer,
      async () => undefined,
      async () => undefined,
      logger,
      () => undefined,
    );
  }

  beforeEach(() => {
    consumers = [];
    script = [];
    lines = [];
    subscription = subscribe();
  });
  afterEach(async () => {
    await subscription.close();
  });

  it('replaces a consumer that kafkajs will not restart, and logs the stop and the rejoin', async () => {
    await subscription.start();
    consumers[0].crash(groupCoordinatorNotFound());

    await waitFor('the rejoin', () => lines.some((l) => l.message.startsWith('kafka consumer rejoined')), 5_000);
    expect(consumers).toHaveLength(2);
    expect(lines[0]).toEqual({
      message: 'kafka consumer stopped; starting a new one in the same group',
      context: expect.objectContaining({ group: 'g', topic: 't', attempt: 1, error: 'KafkaJSGroupCoordinatorNotFound: Failed to find group coordinator' }),
    });
    expect(lines[1].context).toMatchObject({ group: 'g', topic: 't', attempts: 1 });
  });

  it('keeps starting new consumers, further apart, until one joins', async () => {
    await subscription.start();
    script.push(false, false, true);
    consumers[0].crash(groupCoordinatorNotFound());

    await waitFor('the rejoin', () => lines.some((l) => l.message.startsWith('kafka consumer rejoined')), 5_000);
    expect(consumers).toHaveLength(4);
    expect(lines.filter((l) => l.message.startsWith('kafka consumer stopped')).map((l) => (l.context as { delayMs: number }).delayMs)).toEqual([1, 2, 4]);
    expect(consumers.slice(0, 3).every((c) => c.disconnected)).toBe(true);
  });

  it('joins at start even when the first consumers crash on the way', async () => {
    script.push(false, false);
    await subscription.start();
    expect(consumers).toHaveLength(3);
  });

  it('starts nothing once closed', async () => {
    await subscription.start();
    await subscription.close();
    // A crash is answered synchronously (the stop is logged before any new consumer is made): nothing to wait for.
    consumers[0].crash(groupCoordinatorNotFound());
    expect(consumers).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});
