import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';

import type { MetricPoint } from '../../domain/metric-point';
import { alarmIdOf } from '../domain/alarm';
import { AlarmsFixture } from '../testing/alarms-fixture';
import type { CreateThresholdRuleCommand } from './create-threshold-rule.usecase';

const T0 = Date.UTC(2027, 2, 1, 8);
const DAY = 86_400_000;
const devices = ['dev-a', 'dev-b', 'dev-c'].map((id) => ({ id }));
const rxPower: CreateThresholdRuleCommand = {
  name: 'optical low',
  metric: 'optical.rxPower',
  target: { filter: 'productClass = "ONT"' },
  direction: 'below',
  raiseAt: -27,
  clearAt: -25,
  severity: 'critical',
  createdBy: 'alice',
};
const point = (deviceId: string, value: number, atSeconds = 0): MetricPoint => ({ deviceId, metric: 'optical.rxPower', at: T0 + atSeconds * 1000, value });

function violationsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldViolations.map((v) => `${v.field} ${v.reason}`);
}

describe('threshold rules and alarms (embedded store)', () => {
  let fixture: AlarmsFixture;
  beforeEach(async () => {
    fixture = await AlarmsFixture.open(devices, { now: T0 });
  });
  afterEach(() => fixture.close());

  describe('threshold rules', () => {
    it('creates a rule with its defaults: enabled, no durations, revision 1', async () => {
      const rule = await fixture.useCases.createThresholdRule.execute({ ...rxPower, clearAt: undefined });
      expect(rule).toEqual({ ...rxPower, id: 'rule-1', clearAt: -27, forSeconds: 0, clearForSeconds: 0, enabled: true, createdAt: T0, updatedAt: T0, revision: 1 });
      expect(await fixture.useCases.getThresholdRule.execute(rule.id)).toEqual(rule);
    });

    it('names every wrong field at once', async () => {
      const error = await fixture.useCases.createThresholdRule
        .execute({ ...rxPower, name: ' ', metric: 'rx power', target: { filter: 'productClass = ' }, raiseAt: -20, clearAt: -30, forSeconds: -1, severity: 'fatal' as never })
        .catch((e: unknown) => e);
      expect(violationsOf(error)).toEqual(['name REQUIRED', 'metric BAD_FORMAT', 'target.filter BAD_FORMAT', 'severity BAD_FORMAT', 'clearAt OUT_OF_RANGE', 'forSeconds OUT_OF_RANGE']);
    });

    it('refuses clearAt over raiseAt for `above`, and a level that is not a number', async () => {
      const above = { ...rxPower, direction: 'above' as const, raiseAt: 90, clearAt: 95 };
      expect(violationsOf(await fixture.useCases.createThresholdRule.execute(above).catch((e: unknown) => e))).toEqual(['clearAt OUT_OF_RANGE']);
      expect(violationsOf(await fixture.useCases.createThresholdRule.execute({ ...rxPower, raiseAt: Number.NaN }).catch((e: unknown) => e))).toEqual(['raiseAt BAD_FORMAT']);
    });

    it('refuses a group that does not exist', async () => {
      await expect(fixture.useCases.createThresholdRule.execute({ ...rxPower, target: { groupId: 'nope' } })).rejects.toBeInstanceOf(NotFoundError);
      fixture.targets.group('g1', []);
      await expect(fixture.useCases.createThresholdRule.execute({ ...rxPower, target: { groupId: 'g1' } })).resolves.toMatchObject({ target: { groupId: 'g1' } });
    });

    it('updates at the revision read only, and lists rules by name with their total', async () => {
      const rule = await fixture.useCases.createThresholdRule.execute(rxPower);
      await fixture.useCases.createThresholdRule.execute({ ...rxPower, name: 'a first' });
      fixture.clock.now += 1000;
      const { rule: updated } = await fixture.useCases.updateThresholdRule.execute({ id: rule.id, revision: 1, raiseAt: -28, severity: 'minor' });
      expect(updated).toMatchObject({ raiseAt: -28, clearAt: -25, severity: 'minor', revision: 2, updatedAt: T0 + 1000, createdAt: T0 });
      const stale = await fixture.useCases.updateThresholdRule.execute({ id: rule.id, revision: 1, raiseAt: -30 }).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ConflictError);
      expect((stale as ConflictError).kind).toBe('concurrent-write');
      expect(violationsOf(await fixture.useCases.updateThresholdRule.execute({ id: rule.id, clearAt: -29 }).catch((e: unknown) => e))).toEqual(['clearAt OUT_OF_RANGE']);
      const listed = await fixture.useCases.listThresholdRules.execute({ skip: 0, limit: 1 });
      expect(listed).toMatchObject({ total: 2, items: [{ name: 'a first' }] });
      await expect(fixture.useCases.updateThresholdRule.execute({ id: 'nope', raiseAt: 1 })).rejects.toBeInstanceOf(NotFoundError);
    });

    describe("what a change does to the rule's alarms", () => {
      const raiseTwo = async () => {
        const rule = await fixture.useCases.createThresholdRule.execute({ ...rxPower, target: { filter: '' } });
        await fixture.useCases.evaluateThresholds.execute([point('dev-a', -30), point('dev-b', -29), point('dev-c', -26)]);
        expect(fixture.events.lines()).toEqual(['raised dev-a', 'raised dev-b']);
        return rule;
      };
      const activeCount = async () => (await fixture.useCases.listAlarms.execute({ state: 'active', limit: 10 })).alarms.length;

      it('deleting a rule clears its active alarms (rule-removed) and drops its states', async () => {
        const rule = await raiseTwo();
        expect(await fixture.useCases.deleteThresholdRule.execute(rule.id)).toEqual({ clearedAlarms: 2 });
        expect(fixture.events.lines().slice(2).sort()).toEqual(['cleared dev-a', 'cleared dev-b']);
        expect(await fixture.store.alarms.get(alarmIdOf(rule.id, 'dev-a', T0))).toMatchObject({ state: 'cleared', clearReason: 'rule-removed', clearedAt: T0 });
        expect(await fixture.store.states.getMany(devices.map((d) => ({ ruleId: rule.id, deviceId: d.id })))).toEqual([]);
        await expect(fixture.useCases.getThresholdRule.execute(rule.id)).rejects.toBeInstanceOf(NotFoundError);
        await expect(fixture.useCases.deleteThresholdRule.execute(rule.id)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('disabling clears them (rule-disabled); enabling again starts from normal', async () => {
        const rule = await raiseTwo();
        expect((await fixture.useCases.updateThresholdRule.execute({ id: rule.id, enabled: false })).clearedAlarms).toBe(2);
        expect((await fixture.useCases.listAlarms.execute({ limit: 10 })).alarms.map((a) => a.clearReason)).toEqual(['rule-disabled', 'rule-disabled']);
        await fixture.useCases.evaluateThresholds.execute([point('dev-a', -30, 30)]);
        expect(await activeCount()).toBe(0);
        await fixture.useCases.updateThresholdRule.execute({ id: rule.id, enabled: true });
        await fixture.useCases.evaluateThresholds.execute([point('dev-a', -30, 60)]);
        expect(await activeCount()).toBe(1);
      });

      it('a new metric clears them (rule-changed); new levels keep them and clear by the new clearAt', async () => {
        const rule = await raiseTwo();
        await fixture.useCases.updateThresholdRule.execute({ id: rule.id, clearAt: -20 });
        expect(await activeCount()).toBe(2);
        await fixture.useCases.evaluateThresholds.execute([point('dev-a', -22, 30)]);
        expect(await activeCount()).toBe(2);
        await fixture.useCases.evaluateThresholds.execute([point('dev-a', -19, 60)]);
        expect(await activeCount()).toBe(1);
        await fixture.useCases.updateThresholdRule.execute({ id: rule.id, metric: 'optical.txPower' });
        expect(await activeCount()).toBe(0);
        expect((await fixture.store.alarms.get(alarmIdOf(rule.id, 'dev-b', T0)))?.clearReason).toBe('rule-changed');
      });
    });
  });

  describe('alarms', () => {
    beforeEach(async () => {
      await fixture.useCases.createThresholdRule.execute({ ...rxPower, target: { filter: '' } });
      await fixture.useCases.createThresholdRule.execute({ ...rxPower, name: 'warn', raiseAt: -26, clearAt: -26, severity: 'warning', target: { filter: '' } });
      await fixture.useCases.evaluateThresholds.execute([point('dev-a', -30, 0), point('dev-b', -26.5, 10), point('dev-c', -30, 20)]);
      await fixture.useCases.evaluateThresholds.execute([point('dev-c', -10, 30)]);
    });

    it('lists newest first, narrowed and paged with a key that neither skips nor repeats', async () => {
      const all = await fixture.useCases.listAlarms.execute({ limit: 100 });
      // Two alarms raised by the same point (one per rule) have one time: their order is their ids'.
      expect(all.alarms.map((a) => `${a.deviceId} ${a.state}`)).toEqual(['dev-c cleared', 'dev-c cleared', 'dev-b active', 'dev-a active', 'dev-a active']);
      const first = await fixture.useCases.listAlarms.execute({ limit: 2 });
      const second = await fixture.useCases.listAlarms.execute({ limit: 2, after: first.nextAfter });
      const third = await fixture.useCases.listAlarms.execute({ limit: 2, after: second.nextAfter });
      expect([...first.alarms, ...second.alarms, ...third.alarms].map((a) => a.id)).toEqual(all.alarms.map((a) => a.id));
      expect(third.nextAfter).toBeUndefined();
      expect((await fixture.useCases.listAlarms.execute({ state: 'active', severity: 'warning', limit: 100 })).alarms.map((a) => a.deviceId)).toEqual(['dev-b', 'dev-a']);
      expect((await fixture.useCases.listAlarms.execute({ deviceId: 'dev-c', limit: 100 })).alarms).toHaveLength(2);
    });

    it('refuses an unknown state or severity, and a page size out of range', async () => {
      const error = await fixture.useCases.listAlarms.execute({ state: 'open' as never, severity: 'high' as never, limit: 0 }).catch((e: unknown) => e);
      expect(violationsOf(error)).toEqual(['state BAD_FORMAT', 'severity BAD_FORMAT', 'page_size OUT_OF_RANGE']);
    });

    it('acknowledges an active or a cleared alarm once, with an alarm-acknowledged event', async () => {
      const [cleared, , active] = (await fixture.useCases.listAlarms.execute({ limit: 100 })).alarms;
      fixture.clock.now = T0 + 5000;
      const acknowledged = await fixture.useCases.acknowledgeAlarm.execute({ alarmId: active.id, by: 'bob', comment: 'fibre cut, crew sent' });
      expect(acknowledged.acknowledged).toEqual({ by: 'bob', at: T0 + 5000, comment: 'fibre cut, crew sent' });
      expect(fixture.events.events.at(-1)).toEqual({
        kind: 'acknowledged',
        deviceId: active.deviceId,
        payload: expect.objectContaining({ alarmId: active.id, acknowledgedBy: 'bob', acknowledgedAt: new Date(T0 + 5000).toISOString() }),
      });
      const again = await fixture.useCases.acknowledgeAlarm.execute({ alarmId: active.id, by: 'carol' }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(ConflictError);
      expect((again as ConflictError).details.reason).toBe('ALARM_ALREADY_ACKNOWLEDGED');
      expect((again as ConflictError).message).toContain('by bob');
      await expect(fixture.useCases.acknowledgeAlarm.execute({ alarmId: cleared.id, by: 'bob' })).resolves.toMatchObject({ state: 'cleared', acknowledged: { by: 'bob' } });
      await expect(fixture.useCases.acknowledgeAlarm.execute({ alarmId: 'nope', by: 'bob' })).rejects.toBeInstanceOf(NotFoundError);
      expect((await fixture.useCases.listAlarms.execute({ acknowledged: false, limit: 100 })).alarms).toHaveLength(3);
    });

    it('keeps cleared alarms for the retention period, active ones whatever their age', async () => {
      fixture.clock.now = T0 + 31 * DAY;
      expect(await fixture.useCases.purgeClearedAlarms.execute(31)).toEqual({ deleted: 0 });
      expect(await fixture.useCases.purgeClearedAlarms.execute(30)).toEqual({ deleted: 2 });
      expect((await fixture.useCases.listAlarms.execute({ limit: 100 })).alarms.map((a) => a.state)).toEqual(['active', 'active', 'active']);
      await expect(fixture.useCases.purgeClearedAlarms.execute(0)).rejects.toBeInstanceOf(ValidationError);
      await expect(fixture.useCases.getAlarm.execute('nope')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
