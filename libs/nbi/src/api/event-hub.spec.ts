import { newEvent, type AcsDeviceEventType, type AcsTaskEventType, type EventPayload } from '@acs/contracts';
import { InProcessEventBus } from '@acs/platform';

import { eventually } from '../testing/eventually';
import { EventHub, matches, ReplayOutOfRangeError } from './event-hub';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as any;

type PublicEventType = AcsDeviceEventType | AcsTaskEventType;

/** A payload of the type's topic, for the device `key`: the hub reads only type, key, topic and time. */
function payload(type: PublicEventType, key: string): EventPayload<PublicEventType> {
  return type.startsWith('acs.task.')
    ? { taskId: 'task-1', deviceId: key, kind: 'reboot', status: 'done', source: 'api', attempts: 1 }
    : { deviceId: key, oui: '00259E', productClass: 'HG8245H', serialNumber: key };
}

function message(type: PublicEventType, key = 'dev-1') {
  return newEvent(type, key, payload(type, key), { id: `${type}-${key}`, now: Date.parse('2026-11-22T00:00:00.000Z') });
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
    await bus.publish([message('acs.device.registered'), message('acs.task.done', 'dev-1')]);
    await eventually(() => all.length === 2, 'both events to reach the catch-all watcher');
    expect(tasks).toEqual(['acs.task.done']);
    unwatchTasks();
    await bus.publish([message('acs.task.faulted', 'dev-1')]);
    await eventually(() => all.length === 3, 'the third event to reach the catch-all watcher');
    expect(tasks).toEqual(['acs.task.done']);
    expect(hub.watcherCount).toBe(1);
    await hub.stop();
    await bus.close();
  });
});

describe('EventHub replay (watch with since)', () => {
  const T = Date.UTC(2026, 10, 22, 6, 0, 0);
  const at = (type: PublicEventType, key: string, time: number) => newEvent(type, key, payload(type, key), { id: `${type}-${key}-${time}`, now: time });

  async function started(options: { maxEvents?: number; maxAgeMs?: number } = {}) {
    let now = T;
    const bus = new InProcessEventBus();
    const hub = new EventHub(bus, logger, { ...options, now: () => now });
    await hub.start();
    return {
      bus,
      hub,
      advance: (ms: number) => (now += ms),
      close: async () => {
        await hub.stop();
        await bus.close();
      },
    };
  }

  it('hands over the held events at or after since that match the filter, in the order received, then the live ones', async () => {
    const { bus, hub, advance, close } = await started();
    advance(1000);
    await bus.publish([at('acs.device.booted', 'dev-1', T + 1000), at('acs.task.done', 'dev-1', T + 1500), at('acs.device.booted', 'dev-2', T + 2000)]);
    await eventually(() => hub.heldCount === 3, 'the hub to hold the three events');
    const seen: string[] = [];
    hub.watch({ filter: { types: ['acs.device.'], deviceIds: [] }, deliver: (m) => seen.push(m.id) }, T + 1000);
    expect(seen).toEqual([`acs.device.booted-dev-1-${T + 1000}`, `acs.device.booted-dev-2-${T + 2000}`]);
    await bus.publish([at('acs.device.booted', 'dev-3', T + 3000)]);
    await eventually(() => seen.length === 3, 'the live event');

    const later: string[] = [];
    hub.watch({ filter: { types: [], deviceIds: ['dev-2', 'dev-3'] }, deliver: (m) => later.push(m.id) }, T + 1999);
    expect(later).toEqual([`acs.device.booted-dev-2-${T + 2000}`, `acs.device.booted-dev-3-${T + 3000}`]);
    await close();
  });

  it('refuses a since from before it joined the topics, or at or before an event it let go', async () => {
    const { bus, hub, advance, close } = await started({ maxEvents: 2, maxAgeMs: 60_000 });
    expect(() => hub.watch({ filter: { types: [], deviceIds: [] }, deliver: () => undefined }, T - 1)).toThrow(ReplayOutOfRangeError);
    hub.watch({ filter: { types: [], deviceIds: [] }, deliver: () => undefined }, T);

    // Over the count: the oldest event goes, and a replay from its time can no longer be complete.
    await bus.publish([at('acs.device.booted', 'a', T + 10), at('acs.device.booted', 'b', T + 20), at('acs.device.booted', 'c', T + 30)]);
    await eventually(() => hub.heldCount === 2, 'the hub to let the oldest event go');
    expect(() => hub.watch({ filter: { types: [], deviceIds: [] }, deliver: () => undefined }, T + 10)).toThrow(
      'events before 2026-11-22T06:00:00.011Z are not held by this server (asked from 2026-11-22T06:00:00.010Z)',
    );
    const replayed: string[] = [];
    hub.watch({ filter: { types: [], deviceIds: [] }, deliver: (m) => replayed.push(m.key) }, T + 11);
    expect(replayed).toEqual(['b', 'c']);

    // Over the age: everything received more than maxAgeMs ago goes too.
    advance(61_000);
    expect(() => hub.watch({ filter: { types: [], deviceIds: [] }, deliver: () => undefined }, T + 11)).toThrow(ReplayOutOfRangeError);
    expect(hub.heldCount).toBe(0);
    await close();
  });
});
