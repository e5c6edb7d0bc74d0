import { AcsTaskEventType, AcsDeviceEventType, newEvent, type AcsTaskEventData } from '@acs/contracts';
import { InProcessEventBus, type BusMessage } from '@acs/platform';
import pino from 'pino';

import { RunTaskEventsConsumer } from './run-task-events.consumer';

const deviceId = '00259E-HG8245H-0001';
const task = (more: Partial<AcsTaskEventData>): AcsTaskEventData => ({ taskId: 't-1', deviceId, kind: 'getParameterValues', status: 'done', source: 'diagnostics:run:r-1', attempts: 1, ...more });

describe('RunTaskEventsConsumer', () => {
  it("passes the final events of a run's tasks to FollowRunTask and nothing else", async () => {
    const followed: AcsTaskEventData[] = [];
    const consumer = new RunTaskEventsConsumer(new InProcessEventBus(), { onTask: async (data) => void followed.push(data) }, pino({ level: 'silent' }));
    const messages: BusMessage[] = [
      newEvent(AcsTaskEventType.done, deviceId, task({ taskId: 'read' })),
      newEvent(AcsTaskEventType.faulted, deviceId, task({ taskId: 'set', kind: 'setParameterValues', status: 'faulted' })),
      newEvent(AcsTaskEventType.expired, deviceId, task({ taskId: 'expired', status: 'expired' })),
      newEvent(AcsTaskEventType.cancelled, deviceId, task({ taskId: 'cancelled', status: 'cancelled' })),
      // Not final: a run's tasks are tried once, their dispatch changes nothing.
      newEvent(AcsTaskEventType.dispatched, deviceId, task({ taskId: 'dispatched', status: 'dispatched' })),
      // Other services' and clients' tasks.
      newEvent(AcsTaskEventType.done, deviceId, task({ taskId: 'api', source: 'api:noc' })),
      newEvent(AcsTaskEventType.done, deviceId, task({ taskId: 'job', source: 'job:j-1' })),
      newEvent(AcsTaskEventType.done, deviceId, task({ taskId: 'bare', source: 'diagnostics:run:' })),
      newEvent(AcsDeviceEventType.booted, deviceId, { deviceId, oui: '00259E', productClass: 'HG8245H', serialNumber: '0001' }),
    ];
    for (const message of messages) await consumer.handle(message);
    expect(followed.map((data) => data.taskId)).toEqual(['read', 'set', 'expired', 'cancelled']);
  });

  it('subscribes to acs.task as the consumer group diagnostics', async () => {
    const bus = new InProcessEventBus();
    let heard!: (data: AcsTaskEventData) => void;
    const followed = new Promise<AcsTaskEventData>((resolve) => (heard = resolve));
    const consumer = new RunTaskEventsConsumer(bus, { onTask: async (data) => heard(data) }, pino({ level: 'silent' }));
    await consumer.start();
    await bus.publish([newEvent(AcsTaskEventType.done, deviceId, task({ taskId: 'read' }))]);
    expect((await followed).taskId).toBe('read');
    await consumer.stop();
    await bus.close();
  });
});
