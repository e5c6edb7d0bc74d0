import type { BusMessage } from '../ports';
import { IN_PROCESS_BUS_RETENTION, InProcessEventBus } from './in-process-event-bus';

function message(n: number): BusMessage {
  return { topic: 'cwmp.events', key: 'cpe-1', type: 'cwmp.inform', id: `m${n}`, time: new Date(0).toISOString(), data: { n } };
}

describe('InProcessEventBus retention', () => {
  it('keeps a bounded number of messages per topic for groups that join later: the newest', async () => {
    const bus = new InProcessEventBus();
    // One key, so one lane: the newest message arrives last.
    const published = IN_PROCESS_BUS_RETENTION * 20;
    for (let n = 0; n < published; n++) await bus.publish([message(n)]);

    const received: number[] = [];
    const last = new Promise<void>((resolve) => {
      void bus.subscribe('cwmp.events', { group: 'late', fromBeginning: true }, async (m) => {
        const n = (m.data as { n: number }).n;
        received.push(n);
        if (n === published - 1) resolve();
      });
    });
    await last;
    expect(received.length).toBeGreaterThanOrEqual(IN_PROCESS_BUS_RETENTION);
    expect(received.length).toBeLessThanOrEqual(IN_PROCESS_BUS_RETENTION * 1.25);
    expect(Math.min(...received)).toBe(published - received.length);
    await bus.close();
  });
});
