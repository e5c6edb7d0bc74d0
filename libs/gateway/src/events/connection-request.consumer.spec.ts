import { CwmpCommandType, CwmpEventType, isEvent, newEvent, Topics, type ConnectionRequestEventData } from '@acs/contracts';
import { InProcessEventBus, type BusMessage } from '@acs/platform';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import type { ConnectionRequestOutcome, ConnectionRequestTarget } from '../connection-request';
import { ConnectionRequestConsumer } from './connection-request.consumer';

/** A requester whose CPEs answer when the test says so. */
class HeldRequester {
  readonly started: string[] = [];
  private readonly answers = new Map<string, (outcome: ConnectionRequestOutcome) => void>();
  private readonly waiters: Array<() => void> = [];

  request(target: ConnectionRequestTarget): Promise<ConnectionRequestOutcome> {
    this.started.push(target.deviceId);
    for (const wake of this.waiters.splice(0)) wake();
    return new Promise((resolve) => this.answers.set(target.deviceId, resolve));
  }

  answer(deviceId: string): void {
    this.answers.get(deviceId)!({ deviceId, result: 'woke', via: 'http', status: 200, durationMs: 1, message: 'the CPE accepted the connection request' });
  }

  /** Resolves once `count` requests have started. */
  async startedCount(count: number): Promise<void> {
    while (this.started.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

describe('ConnectionRequestConsumer', () => {
  const command = (deviceId: string): BusMessage =>
    newEvent(CwmpCommandType.connectionRequest, deviceId, { deviceId, taskIds: [`task-${deviceId}`], url: `http://cpe/${deviceId}`, username: 'u', password: 'p' });

  async function setUp(concurrency: number) {
    const bus = new InProcessEventBus({ partitions: 1 });
    const requester = new HeldRequester();
    const outcomes = new Counter({ name: 'cr_total', help: 'h', labelNames: ['result'], registers: [new Registry()] });
    const consumer = new ConnectionRequestConsumer(bus, requester, outcomes, pino({ level: 'silent' }), 5000, concurrency);
    const published: ConnectionRequestEventData[] = [];
    const waiters: Array<() => void> = [];
    await bus.subscribe(Topics.cwmpEvents, { group: 'test' }, async (message) => {
      if (isEvent(message, CwmpEventType.connectionRequest)) published.push(message.data);
      for (const wake of waiters.splice(0)) wake();
    });
    /** Resolves once `count` outcomes have reached the test's group. */
    const publishedCount = async (count: number) => {
      while (published.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    await consumer.start();
    return { bus, requester, consumer, published, publishedCount };
  }

  it('has up to its concurrency of requests under way, even from one partition, and publishes each outcome', async () => {
    const { bus, requester, consumer, published, publishedCount } = await setUp(2);
    await bus.publish(['a', 'b', 'c'].map(command));
    // One partition: before, the second request waited for the first CPE's answer.
    await requester.startedCount(2);
    expect(requester.started).toEqual(['a', 'b']);
    requester.answer('b');
    await requester.startedCount(3);
    expect(requester.started).toEqual(['a', 'b', 'c']);
    requester.answer('a');
    requester.answer('c');
    await consumer.idle();
    await publishedCount(3);
    expect(published.map((p) => [p.deviceId, p.result, p.taskIds])).toEqual([
      ['b', 'woke', ['task-b']],
      ['a', 'woke', ['task-a']],
      ['c', 'woke', ['task-c']],
    ]);
    await consumer.stop();
  });

  it('waits at stop for the requests under way, and publishes their outcomes', async () => {
    const { bus, requester, consumer, published, publishedCount } = await setUp(4);
    await bus.publish([command('a')]);
    await requester.startedCount(1);
    const stopped = consumer.stop();
    requester.answer('a');
    await stopped;
    await publishedCount(1);
    expect(published.map((p) => p.deviceId)).toEqual(['a']);
  });
});
