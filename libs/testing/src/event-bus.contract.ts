import { GroupTopicConflictError, type BusHandler, type BusMessage, type EventBus } from '@acs/platform';

import { type ContractFactory, type ContractSubject, sleep, uniqueToken, waitFor } from './contract-subject';

export interface EventBusContractSubject extends ContractSubject<EventBus> {
  /** Handler attempts before the adapter dead-letters a message, as it was configured (at least 3). */
  maxAttempts: number;
  /** The adapter's first retry delay, doubling per attempt, as it was configured. */
  retryBaseMs: number;
}

export interface EventBusContractOptions {
  /** Jest timeout per test: Kafka needs seconds for consumer-group joins. Default 30 s (jest's own), for a busy CI machine. */
  testTimeoutMs?: number;
  /** How long to wait for an expected delivery; only guards against a hang, so generous. Default 20 s. */
  deliveryTimeoutMs?: number;
  /** How long to watch for a delivery that must not happen. Default 300 ms. */
  quietMs?: number;
  /** First part of every topic the suite uses, so the caller can delete them afterwards. */
  topicPrefix?: string;
}

/** Collects what a subscription receives. */
class Inbox {
  readonly messages: BusMessage[] = [];
  readonly handler: BusHandler = async (message) => {
    this.messages.push(message);
  };

  ids(): string[] {
    return this.messages.map((m) => m.id);
  }
}

/**
 * The EventBus port's rules, run against any adapter: delivery, per-key order, groups and members, retries with
 * back-off, dead-lettering, fromBeginning, close. Every test uses fresh topics and groups.
 */
export function describeEventBusContract(
  name: string,
  factory: ContractFactory<EventBus, EventBusContractSubject>,
  options: EventBusContractOptions = {},
): void {
  const testTimeout = options.testTimeoutMs ?? 30_000;
  const deliveryTimeout = options.deliveryTimeoutMs ?? 20_000;
  const quietMs = options.quietMs ?? 300;
  const topicPrefix = options.topicPrefix ?? `contract-${uniqueToken(4)}`;

  describe(`EventBus contract: ${name}`, () => {
    let subject: EventBusContractSubject | undefined;
    let bus: EventBus;
    let maxAttempts: number;
    let retryBaseMs: number;
    let topic: string;
    let seq = 0;

    const group = (role: string): string => `${topicPrefix}-${role}-${uniqueToken(4)}`;
    const message = (key: string, data: unknown = { seq: seq++ }, type = 'contract.test'): BusMessage => ({
      id: `msg-${uniqueToken(8)}`,
      topic,
      key,
      type,
      time: new Date().toISOString(),
      data,
    });
    const arrived = (what: string, condition: () => boolean): Promise<void> => waitFor(what, condition, deliveryTimeout);

    beforeEach(async () => {
      subject = await factory();
      ({ adapter: bus, maxAttempts, retryBaseMs } = subject);
      topic = `${topicPrefix}.t${uniqueToken(4)}`;
    });
    afterEach(async () => {
      // Absent when the factory failed (server down): the test already failed with the factory's message.
      await subject?.cleanup();
      subject = undefined;
    });

    it(
      'delivers a published message, whole, to a subscriber',
      async () => {
        const inbox = new Inbox();
        await bus.subscribe(topic, { group: group('g') }, inbox.handler);
        const sent = message('device-1', { nested: { list: [1, 'two', null], flag: true } });
        await bus.publish([sent]);
        await arrived('the message', () => inbox.messages.length >= 1);
        expect(inbox.messages).toEqual([sent]);
      },
      testTimeout,
    );

    it(
      'keeps publish order per key across 200 messages on several keys',
      async () => {
        const inbox = new Inbox();
        await bus.subscribe(topic, { group: group('g') }, inbox.handler);
        const keys = ['dev-a', 'dev-b', 'dev-c', 'dev-d', 'dev-e'];
        const sent = Array.from({ length: 200 }, (_, i) => message(keys[i % keys.length], { n: i }));
        for (let batch = 0; batch < 4; batch++) await bus.publish(sent.slice(batch * 50, batch * 50 + 50));
        await arrived('200 messages', () => new Set(inbox.ids()).size >= 200);
        for (const key of keys) {
          const expected = sent.filter((m) => m.key === key).map((m) => m.id);
          const received = dedupe(inbox.messages.filter((m) => m.key === key).map((m) => m.id));
          expect(received).toEqual(expected);
        }
      },
      testTimeout,
    );

    it(
      'gives every consumer group every message',
      async () => {
        const first = new Inbox();
        const second = new Inbox();
        await bus.subscribe(topic, { group: group('one') }, first.handler);
        await bus.subscribe(topic, { group: group('two') }, second.handler);
        const sent = Array.from({ length: 10 }, (_, i) => message(`dev-${i}`));
        await bus.publish(sent);
        await arrived('10 messages in each group', () => new Set(first.ids()).size >= 10 && new Set(second.ids()).size >= 10);
        const ids = sent.map((m) => m.id).sort();
        expect(dedupe(first.ids()).sort()).toEqual(ids);
        expect(dedupe(second.ids()).sort()).toEqual(ids);
      },
      testTimeout,
    );

    it(
      'refuses a group that already follows another topic',
      async () => {
        const shared = group('one-topic');
        await bus.subscribe(topic, { group: shared }, new Inbox().handler);
        await expect(bus.subscribe(`${topic}-other`, { group: shared }, new Inbox().handler)).rejects.toBeInstanceOf(GroupTopicConflictError);
      },
      testTimeout,
    );

    it(
      'frees an ephemeral group when its subscription closes: the name may then follow another topic',
      async () => {
        const live = group('live');
        const first = new Inbox();
        const subscription = await bus.subscribe(topic, { group: live, ephemeral: true }, first.handler);
        await bus.publish([message('device-1')]);
        await arrived('the message', () => first.messages.length >= 1);
        await subscription.close();
        const other = `${topic}-other`;
        const second = new Inbox();
        await bus.subscribe(other, { group: live, ephemeral: true, fromBeginning: true }, second.handler);
        await bus.publish([{ ...message('device-2'), topic: other }]);
        await arrived('the message on the other topic', () => second.messages.length >= 1);
      },
      testTimeout,
    );

    it(
      'shares the messages of one group between its members',
      async () => {
        const shared = group('shared');
        const left = new Inbox();
        const right = new Inbox();
        await bus.subscribe(topic, { group: shared, fromBeginning: true }, left.handler);
        await bus.subscribe(topic, { group: shared, fromBeginning: true }, right.handler);
        const sent = Array.from({ length: 40 }, (_, i) => message(`device-${i % 20}`));
        await bus.publish(sent);
        await arrived('40 messages over both members', () => new Set([...left.ids(), ...right.ids()]).size >= 40);
        expect(left.messages.length).toBeGreaterThan(0);
        expect(right.messages.length).toBeGreaterThan(0);
        expect(left.ids().filter((id) => right.ids().includes(id))).toEqual([]);
        expect(new Set([...left.ids(), ...right.ids()]).size).toBe(40);
      },
      testTimeout,
    );

    it(
      'retries a failing handler with growing back-off and holds later messages of the key meanwhile',
      async () => {
        expect(maxAttempts).toBeGreaterThanOrEqual(3);
        const flaky = message('dev-retry');
        const after = message('dev-retry');
        const attempts: number[] = [];
        const handled: string[] = [];
        await bus.subscribe(topic, { group: group('g') }, async (m) => {
          if (m.id === flaky.id) {
            attempts.push(Date.now());
            if (attempts.length < 3) throw new Error(`transient failure ${attempts.length}`);
          }
          handled.push(m.id);
        });
        await bus.publish([flaky, after]);
        await arrived('both messages handled', () => handled.length >= 2);
        expect(attempts).toHaveLength(3);
        expect(dedupe(handled)).toEqual([flaky.id, after.id]);
        // Lower bounds only: timers never fire early, but may fire late on a busy machine.
        expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(retryBaseMs - 2);
        expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(2 * retryBaseMs - 2);
      },
      testTimeout,
    );

    it(
      'dead-letters a message to <topic>.dlq after maxAttempts and moves on to the next one',
      async () => {
        const dead = new Inbox();
        await bus.subscribe(`${topic}.dlq`, { group: group('dlq'), fromBeginning: true }, dead.handler);
        const poison = message('dev-dlq');
        const next = message('dev-dlq');
        let poisonAttempts = 0;
        const handled: string[] = [];
        await bus.subscribe(topic, { group: group('g') }, async (m) => {
          if (m.id === poison.id) {
            poisonAttempts++;
            throw new Error(`cannot handle ${m.id}`);
          }
          handled.push(m.id);
        });
        await bus.publish([poison, next]);
        await arrived('the next message and the dead letter', () => handled.includes(next.id) && dead.messages.length >= 1);
        expect(poisonAttempts).toBe(maxAttempts);
        const letter = dead.messages[0];
        expect(letter).toMatchObject({ topic: `${topic}.dlq`, key: poison.key });
        expect(letter.data).toEqual({ message: poison, error: expect.stringContaining(`cannot handle ${poison.id}`) });
        await sleep(quietMs);
        expect(poisonAttempts).toBe(maxAttempts);
      },
      testTimeout,
    );

    it(
      'starts a new group at the beginning only when asked to',
      async () => {
        const old = [message('dev-1'), message('dev-1'), message('dev-1')];
        await bus.publish(old);
        const fromStart = new Inbox();
        const fromNow = new Inbox();
        await bus.subscribe(topic, { group: group('start'), fromBeginning: true }, fromStart.handler);
        await bus.subscribe(topic, { group: group('now') }, fromNow.handler);
        const fresh = message('dev-1');
        await bus.publish([fresh]);
        await arrived('all messages in both groups', () => fromStart.messages.length >= 4 && fromNow.messages.length >= 1);
        expect(dedupe(fromStart.ids())).toEqual([...old, fresh].map((m) => m.id));
        // Same key, so same partition: having received the fresh message, this group has passed the old ones.
        expect(dedupe(fromNow.ids())).toEqual([fresh.id]);
      },
      testTimeout,
    );

    it(
      'stops delivering to a closed subscription while other groups go on',
      async () => {
        const closing = new Inbox();
        const control = new Inbox();
        const subscription = await bus.subscribe(topic, { group: group('closing') }, closing.handler);
        await bus.subscribe(topic, { group: group('control') }, control.handler);
        const before = message('dev-1');
        await bus.publish([before]);
        await arrived('the first message in both groups', () => closing.messages.length >= 1 && control.messages.length >= 1);
        await subscription.close();
        const afterClose = message('dev-1');
        await bus.publish([afterClose]);
        await arrived('the second message in the control group', () => control.ids().includes(afterClose.id));
        await sleep(quietMs);
        expect(dedupe(closing.ids())).toEqual([before.id]);
      },
      testTimeout,
    );

    it(
      'answers ping while open, and refuses publish and ping once closed',
      async () => {
        await expect(bus.ping()).resolves.toBeUndefined();
        await bus.close();
        await expect(bus.publish([message('dev-1')])).rejects.toThrow();
        await expect(bus.ping()).rejects.toThrow();
        await expect(bus.close()).resolves.toBeUndefined();
      },
      testTimeout,
    );
  });
}

/** At-least-once may repeat a message; order and membership are judged on first arrivals. */
function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}
