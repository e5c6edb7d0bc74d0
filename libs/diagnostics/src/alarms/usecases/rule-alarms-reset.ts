import { alarmEventPayloadOf, type ClearReason } from '../domain/alarm';
import type { AlarmUseCaseDeps } from './alarm-usecase-deps';

const CLEARS_PER_READ = 200;

/**
 * Ends a rule's evaluation: clears its active alarms (each with an alarm-cleared event) and drops its (rule, device)
 * states, so a rule deleted, disabled or now measuring something else leaves no alarm nobody will clear.
 */
export async function resetRuleAlarms(deps: Pick<AlarmUseCaseDeps, 'store' | 'events' | 'now'>, ruleId: string, reason: ClearReason): Promise<number> {
  const { store, events, now } = deps;
  // The states first: an evaluation running meanwhile then starts from normal rather than from a raised state whose
  // alarm is being cleared.
  await store.states.removeRule(ruleId);
  let cleared = 0;
  for (;;) {
    const active = await store.alarms.activeOfRule(ruleId, CLEARS_PER_READ);
    if (active.length === 0) return cleared;
    for (const alarm of active) {
      const done = await store.alarms.clear(alarm.id, { clearedAt: now(), reason });
      if (!done) continue;
      cleared += 1;
      await events.publish('cleared', done.deviceId, alarmEventPayloadOf(done));
    }
  }
}
