import { ConflictError, ValidationError } from '@acs/platform';

import { alarmEventPayloadOf, type Alarm } from '../domain/alarm';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';
import { GetAlarm } from './get-alarm.usecase';

export const MAX_ACKNOWLEDGEMENT_COMMENT = 1024;

export interface AcknowledgeAlarmCommand {
  alarmId: string;
  /** Who acknowledges (the NBI's authenticated client). */
  by: string;
  comment?: string;
}

/**
 * Acknowledges an alarm, active or cleared: someone has seen it. Once only: ConflictError (precondition,
 * ALARM_ALREADY_ACKNOWLEDGED) names who did it first, so a second operator knows the alarm is taken. NotFoundError when
 * unknown. Publishes alarm-acknowledged.
 */
export class AcknowledgeAlarm {
  private readonly getAlarm: GetAlarm;

  constructor(private readonly deps: AlarmUseCaseDeps) {
    this.getAlarm = new GetAlarm(deps);
  }

  async execute(command: AcknowledgeAlarmCommand): Promise<Alarm> {
    const comment = command.comment ?? '';
    if (comment.length > MAX_ACKNOWLEDGEMENT_COMMENT) throw ValidationError.forField('comment', `is longer than ${MAX_ACKNOWLEDGEMENT_COMMENT} characters`, 'OUT_OF_RANGE');
    const before = await this.getAlarm.execute(command.alarmId);
    if (before.acknowledged) throw alreadyAcknowledged(before);
    const acknowledged = await this.deps.store.alarms.acknowledge(before.id, { by: command.by, at: this.deps.now(), ...(comment !== '' ? { comment } : {}) });
    if (!acknowledged) throw alreadyAcknowledged(await this.getAlarm.execute(command.alarmId));
    await this.deps.events.publish('acknowledged', acknowledged.deviceId, alarmEventPayloadOf(acknowledged));
    return acknowledged;
  }
}

function alreadyAcknowledged(alarm: Alarm): ConflictError {
  const by = alarm.acknowledged ? ` by ${alarm.acknowledged.by || 'an unnamed client'} at ${new Date(alarm.acknowledged.at).toISOString()}` : '';
  return new ConflictError(`alarm ${alarm.id} is already acknowledged${by}`, { kind: 'precondition', reason: 'ALARM_ALREADY_ACKNOWLEDGED', subject: `alarm ${alarm.id}` });
}
