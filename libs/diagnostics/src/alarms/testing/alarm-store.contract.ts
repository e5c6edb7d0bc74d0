import { ConflictError } from '@acs/platform';

import { alarmIdOf, type Alarm } from '../domain/alarm';
import type { ThresholdRule } from '../domain/threshold-rule';
import type { ThresholdCondition } from '../domain/threshold-state';
import type { AlarmQuery, AlarmStore } from '../repositories/ports';

export interface AlarmStoreUnderTest {
  store: AlarmStore;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2027, 2, 1, 8);

export function thresholdRuleOf(id: string, overrides: Partial<ThresholdRule> = {}): ThresholdRule {
  return {
    id,
    name: `rule ${id}`,
    metric: 'cpu.load',
    target: { filter: '' },
    direction: 'above',
    raiseAt: 90,
    clearAt: 70,
    forSeconds: 60,
    clearForSeconds: 0,
    severity: 'major',
    enabled: true,
    createdAt: T0,
    createdBy: 'spec',
    updatedAt: T0,
    revision: 1,
    ...overrides,
  };
}

function alarmOf(ruleId: string, deviceId: string, raisedAt: number, overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: alarmIdOf(ruleId, deviceId, raisedAt),
    ruleId,
    ruleName: `rule ${ruleId}`,
    deviceId,
    metric: 'cpu.load',
    severity: 'major',
    direction: 'above',
    threshold: 90,
    value: 95,
    lastValue: 95,
    raisedAt,
    state: 'active',
    ...overrides,
  };
}

const pending: ThresholdCondition = { phase: 'pending', since: T0, lastAt: T0, lastValue: 95 };

/** One contract for thresholds and alarms' repositories, run on the embedded store (SQLite) and on MongoDB (FerretDB). */
export function describeAlarmStoreContract(name: string, open: () => Promise<AlarmStoreUnderTest>): void {
  describe(`alarm store contract: ${name}`, () => {
    let subject: AlarmStoreUnderTest;
    let store: AlarmStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.cleanup());

    describe('threshold rules', () => {
      it('stores a rule whole and refuses a second with its id', async () => {
        const rule = thresholdRuleOf('r1', { target: { groupId: 'g1' }, description: 'CPU' });
        await store.rules.insert(rule);
        expect(await store.rules.get('r1')).toEqual(rule);
        expect(await store.rules.get('r2')).toBeNull();
        await expect(store.rules.insert(rule)).rejects.toBeInstanceOf(ConflictError);
      });

      it('lists by name, paged, with the total; reads the enabled ones', async () => {
        for (const [id, ruleName, enabled] of [['r1', 'c', true], ['r2', 'a', false], ['r3', 'b', true]] as const) {
          await store.rules.insert(thresholdRuleOf(id, { name: ruleName, enabled }));
        }
        const first = await store.rules.list({ skip: 0, limit: 2 });
        expect(first.items.map((r) => r.name)).toEqual(['a', 'b']);
        expect(first.total).toBe(3);
        expect((await store.rules.list({ skip: 2, limit: 2 })).items.map((r) => r.name)).toEqual(['c']);
        expect((await store.rules.enabled()).map((r) => r.id).sort()).toEqual(['r1', 'r3']);
      });

      it('replaces a rule only at the revision read, and deletes it', async () => {
        await store.rules.insert(thresholdRuleOf('r1'));
        const updated = await store.rules.update(thresholdRuleOf('r1', { raiseAt: 95 }), 1);
        expect(updated).toMatchObject({ raiseAt: 95, revision: 2 });
        expect(await store.rules.get('r1')).toMatchObject({ raiseAt: 95, revision: 2 });
        expect(await store.rules.update(thresholdRuleOf('r1', { raiseAt: 99 }), 1)).toBeNull();
        expect(await store.rules.get('r1')).toMatchObject({ raiseAt: 95 });
        expect(await store.rules.delete('r1')).toBe(true);
        expect(await store.rules.delete('r1')).toBe(false);
        expect(await store.rules.update(thresholdRuleOf('r1'), 2)).toBeNull();
      });
    });

    describe('threshold states', () => {
      const key = { ruleId: 'r1', deviceId: 'dev:1' };

      it('creates a record once; a second creation of the same pair loses', async () => {
        expect(await store.states.save(key, pending, null)).toBe(true);
        expect(await store.states.save(key, pending, null)).toBe(false);
        expect(await store.states.getMany([key, { ruleId: 'r1', deviceId: 'dev:2' }])).toEqual([{ ...key, ...pending, revision: 1 }]);
      });

      it('replaces and removes a record only at the revision read', async () => {
        await store.states.save(key, pending, null);
        const raised: ThresholdCondition = { phase: 'raised', lastAt: T0 + 60_000, lastValue: 97, raisedAt: T0 + 60_000, raisedValue: 97 };
        expect(await store.states.save(key, raised, 1)).toBe(true);
        expect(await store.states.save(key, pending, 1)).toBe(false);
        expect(await store.states.getMany([key])).toEqual([{ ...key, ...raised, revision: 2 }]);
        expect(await store.states.remove(key, 1)).toBe(false);
        expect(await store.states.remove(key, 2)).toBe(true);
        expect(await store.states.getMany([key])).toEqual([]);
        expect(await store.states.save(key, pending, 2)).toBe(false);
      });

      it('reads the records of a large batch of pairs', async () => {
        const keys = Array.from({ length: 1200 }, (_, i) => ({ ruleId: 'r1', deviceId: `dev-${i}` }));
        for (const one of keys.filter((_, i) => i % 100 === 7)) await store.states.save(one, pending, null);
        const found = await store.states.getMany(keys);
        expect(found.map((record) => record.deviceId).sort()).toEqual(keys.filter((_, i) => i % 100 === 7).map((one) => one.deviceId).sort());
      });

      it("removes every record of a rule and no other's", async () => {
        await store.states.save(key, pending, null);
        await store.states.save({ ruleId: 'r1', deviceId: 'dev:2' }, pending, null);
        await store.states.save({ ruleId: 'r2', deviceId: 'dev:1' }, pending, null);
        expect(await store.states.removeRule('r1')).toBe(2);
        expect(await store.states.getMany([key, { ruleId: 'r2', deviceId: 'dev:1' }])).toEqual([{ ruleId: 'r2', deviceId: 'dev:1', ...pending, revision: 1 }]);
      });
    });

    describe('alarms', () => {
      it('stores an alarm once: the same raise again is not new', async () => {
        const alarm = alarmOf('r1', 'dev-1', T0);
        expect(await store.alarms.insert(alarm)).toBe(true);
        expect(await store.alarms.insert({ ...alarm, value: 1 })).toBe(false);
        expect(await store.alarms.get(alarm.id)).toEqual(alarm);
        expect(await store.alarms.get('nope')).toBeNull();
        expect(await store.alarms.delete(alarm.id)).toBe(true);
        expect(await store.alarms.delete(alarm.id)).toBe(false);
        expect(await store.alarms.get(alarm.id)).toBeNull();
      });

      it('notes the last value and clears only while active', async () => {
        const alarm = alarmOf('r1', 'dev-1', T0);
        await store.alarms.insert(alarm);
        await store.alarms.noteValue(alarm.id, 97);
        const cleared = await store.alarms.clear(alarm.id, { clearedAt: T0 + 5000, reason: 'recovered', lastValue: 60 });
        expect(cleared).toEqual({ ...alarm, state: 'cleared', clearedAt: T0 + 5000, clearReason: 'recovered', lastValue: 60 });
        expect(await store.alarms.clear(alarm.id, { clearedAt: T0 + 6000, reason: 'rule-removed' })).toBeNull();
        await store.alarms.noteValue(alarm.id, 1);
        expect(await store.alarms.get(alarm.id)).toEqual(cleared);
      });

      it('acknowledges an alarm once, active or cleared', async () => {
        const active = alarmOf('r1', 'dev-1', T0);
        const cleared = alarmOf('r1', 'dev-2', T0, { state: 'cleared', clearedAt: T0 + 1 });
        await store.alarms.insert(active);
        await store.alarms.insert(cleared);
        expect(await store.alarms.acknowledge(active.id, { by: 'alice', at: T0 + 10, comment: 'on it' })).toEqual({ ...active, acknowledged: { by: 'alice', at: T0 + 10, comment: 'on it' } });
        expect(await store.alarms.acknowledge(active.id, { by: 'bob', at: T0 + 20 })).toBeNull();
        expect(await store.alarms.acknowledge(cleared.id, { by: 'bob', at: T0 + 20 })).toMatchObject({ state: 'cleared', acknowledged: { by: 'bob', at: T0 + 20 } });
        expect(await store.alarms.acknowledge('nope', { by: 'bob', at: T0 })).toBeNull();
      });

      describe('listing', () => {
        const alarms = [
          alarmOf('r1', 'dev-1', T0 + 1000),
          alarmOf('r1', 'dev-2', T0 + 2000, { severity: 'critical' }),
          alarmOf('r2', 'dev-1', T0 + 2000, { state: 'cleared', clearedAt: T0 + 2500 }),
          alarmOf('r2', 'dev-3', T0 + 3000, { acknowledged: { by: 'alice', at: T0 + 3100 } }),
          alarmOf('r1', 'dev-1', T0 + 500, { state: 'cleared', clearedAt: T0 + 900, severity: 'critical' }),
        ];
        const newestFirst = [...alarms].sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? 1 : -1));
        beforeEach(async () => {
          for (const alarm of alarms) await store.alarms.insert(alarm);
        });

        it('lists every alarm newest first (ties by id), page after page, each alarm once', async () => {
          const seen: Alarm[] = [];
          let after: string | undefined;
          for (let pages = 0; pages < 10; pages += 1) {
            const page = await store.alarms.list({}, { after, limit: 2 });
            seen.push(...page.alarms);
            if (!page.nextAfter) break;
            after = page.nextAfter;
          }
          expect(seen.map((a) => a.id)).toEqual(newestFirst.map((a) => a.id));
          const whole = await store.alarms.list({}, { limit: 5 });
          expect(whole.alarms).toHaveLength(5);
          expect(whole.nextAfter).toBeUndefined();
        });

        it.each<[string, AlarmQuery]>([
          ['a device', { deviceId: 'dev-1' }],
          ['a rule', { ruleId: 'r1' }],
          ['a state', { state: 'active' as const }],
          ['a rule and a state', { ruleId: 'r1', state: 'cleared' as const }],
          ['a severity', { severity: 'critical' as const }],
          ['acknowledged', { acknowledged: true }],
          ['not acknowledged', { acknowledged: false }],
          ['a device, a state and a severity', { deviceId: 'dev-1', state: 'cleared' as const, severity: 'critical' as const }],
        ])('narrows to %s', async (_name, query) => {
          const expected = newestFirst.filter(
            (a) =>
              (query.deviceId === undefined || a.deviceId === query.deviceId) &&
              (query.ruleId === undefined || a.ruleId === query.ruleId) &&
              (query.state === undefined || a.state === query.state) &&
              (query.severity === undefined || a.severity === query.severity) &&
              (query.acknowledged === undefined || (a.acknowledged !== undefined) === query.acknowledged),
          );
          expect(expected.length).toBeGreaterThan(0);
          expect((await store.alarms.list(query, { limit: 100 })).alarms.map((a) => a.id)).toEqual(expected.map((a) => a.id));
        });

        it("reads a rule's active alarms", async () => {
          expect((await store.alarms.activeOfRule('r1', 10)).map((a) => a.deviceId).sort()).toEqual(['dev-1', 'dev-2']);
          expect(await store.alarms.activeOfRule('r1', 1)).toHaveLength(1);
        });

        it('deletes the alarms cleared before a time, never an active one', async () => {
          expect(await store.alarms.deleteClearedBefore(T0 + 1000)).toBe(1);
          expect(await store.alarms.deleteClearedBefore(T0 + 1_000_000)).toBe(1);
          expect((await store.alarms.list({}, { limit: 100 })).alarms.map((a) => a.state)).toEqual(['active', 'active', 'active']);
        });
      });
    });
  });
}
