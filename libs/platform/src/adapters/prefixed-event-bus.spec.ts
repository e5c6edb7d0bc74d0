import type { BusHandler, BusMessage, EventBus, SubscribeOptions, Subscription } from '../ports';
import { PrefixedEventBus } from './prefixed-event-bus';

/** Records what the prefixed bus asks of the bus beneath it. */
class RecordingBus implements EventBus {
  readonly published: BusMessage[] = [];
  readonly subscriptions: Array<{ topic: string; options: SubscribeOptions; handler: BusHandler }> = [];
  async publish(messages: BusMessage[]): Promise<void> {
    this.published.push(...messages);
  }
  async subscribe(topic: string, options: SubscribeOptions, handler: BusHandler): Promise<Subscription> {
    this.subscriptions.push({ topic, options, handler });
    return { close: async () => undefined };
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('PrefixedEventBus', () => {
  const message: BusMessage = { id: '1', topic: 'cwmp.events', key: 'dev', type: 'cwmp.inform', time: new Date(0).toISOString(), data: {} };

  it('publishes under the prefix', async () => {
    const inner = new RecordingBus();
    await new PrefixedEventBus(inner, 'site-a.').publish([message]);
    expect(inner.published.map((m) => m.topic)).toEqual(['site-a.cwmp.events']);
  });

  it('puts the consumer group under the prefix too, so installations sharing a cluster never share a group', async () => {
    const inner = new RecordingBus();
    await new PrefixedEventBus(inner, 'site-a.').subscribe('cwmp.events', { group: 'provisioning', fromBeginning: true }, async () => undefined);
    await new PrefixedEventBus(inner, 'site-b.').subscribe('cwmp.events', { group: 'provisioning', fromBeginning: true }, async () => undefined);
    expect(inner.subscriptions.map((s) => [s.topic, s.options.group, s.options.fromBeginning])).toEqual([
      ['site-a.cwmp.events', 'site-a.provisioning', true],
      ['site-b.cwmp.events', 'site-b.provisioning', true],
    ]);
  });

  it('hands consumers the topic without the prefix', async () => {
    const inner = new RecordingBus();
    const seen: string[] = [];
    await new PrefixedEventBus(inner, 'site-a.').subscribe('cwmp.events', { group: 'g' }, async (m) => void seen.push(m.topic));
    await inner.subscriptions[0].handler({ ...message, topic: 'site-a.cwmp.events' });
    expect(seen).toEqual(['cwmp.events']);
  });
});
