import { AcsDiagnosticsEventType, newEvent, type AcsDiagnosticsAlarmEventData } from '@acs/contracts';
import type { EventBus } from '@acs/platform';

import type { AlarmEventKind, AlarmEventPayload } from '../domain/alarm';
import type { AlarmEvents } from '../usecases/alarm-ports';

const TYPES: Record<AlarmEventKind, AcsDiagnosticsEventTypeValue> = {
  raised: AcsDiagnosticsEventType.alarmRaised,
  cleared: AcsDiagnosticsEventType.alarmCleared,
  acknowledged: AcsDiagnosticsEventType.alarmAcknowledged,
};

type AcsDiagnosticsEventTypeValue = (typeof AcsDiagnosticsEventType)['alarmRaised' | 'alarmCleared' | 'alarmAcknowledged'];

/**
 * Alarms' facts on `acs.diagnostics`, keyed by device (so a device's raise and clear stay in order on one partition).
 * A bus that fails throws: EvaluateThresholds has stored the alarm by then, and its caller (the ingest of a batch of
 * samples) is retried by its own source (ADR 36 says what a crash between the two loses).
 */
export class AlarmEventPublisher implements AlarmEvents {
  constructor(
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(kind: AlarmEventKind, deviceId: string, payload: AlarmEventPayload): Promise<void> {
    const data: AcsDiagnosticsAlarmEventData = { ...payload, deviceId };
    await this.bus.publish([newEvent(TYPES[kind], deviceId, data, { now: this.now() })]);
  }
}
