import { InProcessEventBus, Topics, type BusMessage } from '@acs/platform';
import { EventHub, matches } from './event-hub';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as any;

function message(type: string, key = 'dev-1', topic: string = Topics.acsDevice): BusMessage {
  return { id: `${type}-${key}`, topic, key, type, time: '2026-11-22T00:00:00.000Z', data: { deviceId: key } };
}

describe('event filters', () => {
  it('takes exact types and prefixes ending with a dot', () => {
    expect(matches({ types: ['acs.task.done'], deviceIds: [] }, message('acs.task.done'))).toBe(true);
    expect(matches({ types: ['acs.task.done'], deviceIds: [] }, message('acs.task.dispatched'))).toBe(false);
    expect(matches({ types: ['acs.device.'], deviceIds: [] }, message('acs.device.registered'))).toBe(true);
    expect(matches({ types: ['acs.device'], deviceIds: [] }, message('acs.device.registered'))).toBe(false);
    expect(matches({ types: [], deviceIds: [] }, message('acs.task.faulted'))).toBe(true);
  });

  it('keeps only the listed devices', () => {
    expect(matches({ types: [], deviceIds: ['dev-2'] }, message('acs.device.booted', 'dev-1'))).toBe(false);
    expect(matches({ types: ['acs.device.'], deviceIds: ['dev-1', 'dev-2'] }, message('acs.device.booted', 'dev-2'))).toBe(true);
  });
});

describe('EventHub', () => {
  it('delivers both public topics to every watcher whose filter matches, and stops after unwatch', async () => {
    const bus = new InProcessEventBus();
    const hub = new EventHub(bus, logger);
    await hub.start();
    const tasks: string[] = [];
    const all: string[] = [];
    const unwatchTasks = hub.watch({ filter: { types: ['acs.task.'], deviceIds: [] }, deliver: (m) => tasks.push(m.type) });
    hub.watch({ filter: { types: [], deviceIds: [] }, deliver: (m) => all.push(m.type) });
    await bus.publish([message('acs.device.registered'), message('acs.task.done', 'dev-1', Topics.acsTask)]);
    await waitFor(() => all.length === 2);
    expect(tasks).toEqual(['acs.task.done']);
    unwatchTasks();
    await bus.publish([message('acs.task.faulted', 'dev-1', Topics.acsTask)]);
    await waitFor(() => all.length === 3);
    expect(tasks).toEqual(['acs.task.done']);
    expect(hub.watcherCount).toBe(1);
    await hub.stop();
    await bus.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
