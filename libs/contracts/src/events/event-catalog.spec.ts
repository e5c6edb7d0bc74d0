import { AcsDeviceEventType, AcsTaskEventType } from './acs-events';
import { CwmpCommandType, CwmpEventType } from './cwmp-events';
import { isEvent, newEvent, topicOf, TopicEventTypes, Topics, type EventType } from './event-catalog';

const deviceId = '00259E-HG8245H-48575443A1B2C3D4';
const identity = { deviceId, oui: '00259E', productClass: 'HG8245H', serialNumber: '48575443A1B2C3D4' };

describe('event catalog', () => {
  it('puts every event type on exactly one topic', () => {
    const types: string[] = Object.values(TopicEventTypes).flatMap((types) => Object.values(types));
    expect(new Set(types).size).toBe(types.length);
    for (const [topic, ofTopic] of Object.entries(TopicEventTypes)) {
      for (const type of Object.values(ofTopic)) expect(topicOf(type as EventType)).toBe(topic);
    }
  });

  it('builds an event on the topic of its type, keyed and timed as asked', () => {
    const at = Date.UTC(2026, 11, 7, 1, 2, 3);
    const event = newEvent(AcsDeviceEventType.deleted, deviceId, identity, { now: at, id: 'event-1' });
    expect(event).toEqual({ id: 'event-1', topic: Topics.acsDevice, key: deviceId, type: 'acs.device.deleted', time: '2026-12-07T01:02:03.000Z', data: identity });
    expect(newEvent(CwmpCommandType.connectionRequest, deviceId, { deviceId, taskIds: ['t-1'] }).topic).toBe(Topics.cwmpCommands);
  });

  it('gives each event a new id unless told one', () => {
    const a = newEvent(AcsDeviceEventType.booted, deviceId, identity);
    const b = newEvent(AcsDeviceEventType.booted, deviceId, identity);
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.time)).not.toBeNaN();
  });

  it('reads an event of one type, or of one of several', () => {
    const closed = newEvent(CwmpEventType.sessionClosed, deviceId, { sessionId: 's-1', deviceId, reason: 'completed', rpcCount: 2, durationMs: 40 });
    const message: { type: string; data: unknown } = closed;
    expect(isEvent(message, CwmpEventType.sessionClosed) && message.data.reason).toBe('completed');
    expect(isEvent(message, CwmpEventType.inform)).toBe(false);
    expect(isEvent(message, [CwmpEventType.inform, CwmpEventType.sessionClosed]) && message.data.sessionId).toBe('s-1');
    expect(isEvent(message, [AcsTaskEventType.done, AcsTaskEventType.faulted])).toBe(false);
  });
});
