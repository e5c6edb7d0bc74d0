import { AcsDiagnosticsEventType, isEvent } from '@acs/contracts';
import type { BusMessage } from '@acs/platform';

import { AlarmEventPublisher } from './alarm-event.publisher';

describe('AlarmEventPublisher', () => {
  it('publishes each alarm fact on acs.diagnostics, keyed by the device, with the device in the data', async () => {
    const seen: BusMessage[] = [];
    const bus = { publish: async (messages: BusMessage[]) => void seen.push(...messages) };
    const publisher = new AlarmEventPublisher(bus, () => Date.parse('2026-12-08T10:00:00Z'));
    const payload = { alarmId: 'a1', ruleId: 'r1', ruleName: 'low rx', metric: 'optical.rxPower', severity: 'major' as const, direction: 'below' as const, threshold: -27, value: -29, raisedAt: '2026-12-08T09:59:00.000Z' };
    await publisher.publish('raised', 'dev-1', payload);
    await publisher.publish('cleared', 'dev-1', { ...payload, clearedAt: '2026-12-08T10:00:00.000Z' });
    await publisher.publish('acknowledged', 'dev-1', { ...payload, acknowledgedBy: 'noc', acknowledgedAt: '2026-12-08T10:00:00.000Z' });
    expect(seen.map((message) => message.type)).toEqual([AcsDiagnosticsEventType.alarmRaised, AcsDiagnosticsEventType.alarmCleared, AcsDiagnosticsEventType.alarmAcknowledged]);
    expect(isEvent(seen[0], AcsDiagnosticsEventType.alarmRaised) && seen[0].data).toEqual({ ...payload, deviceId: 'dev-1' });
    expect(seen[0]).toMatchObject({ key: 'dev-1' });
  });
});
