import type { MetricPoint } from '../../domain/metric-point';
import { alarmIdOf } from '../domain/alarm';
import type { ThresholdRule } from '../domain/threshold-rule';
import { AlarmsFixture } from '../testing/alarms-fixture';
import type { CreateThresholdRuleCommand } from './create-threshold-rule.usecase';

const S = 1000;
const T0 = Date.UTC(2027, 2, 1, 8);
const dev = (i: number) => `00259E-HG8245H-SN${i}`;
const fleet = Array.from({ length: 2000 }, (_, i) => ({ id: dev(i), fields: { productClass: i % 2 === 0 ? 'HG8245H' : 'EX220' } }));

const cpuRule: CreateThresholdRuleCommand = {
  name: 'CPU high',
  metric: 'cpu.load',
  target: { filter: '' },
  direction: 'above',
  raiseAt: 90,
  clearAt: 70,
  forSeconds: 60,
  clearForSeconds: 30,
  severity: 'major',
  createdBy: 'spec',
};

/** Points of one metric of one device every 30 s from `from` (seconds after T0). */
function points(deviceId: string, values: readonly number[], from = 0, metric = 'cpu.load'): MetricPoint[] {
  return values.map((value, i) => ({ deviceId, metric, at: T0 + (from + i * 30) * S, value }));
}

describe('EvaluateThresholds (embedded store)', () => {
  let fixture: AlarmsFixture;
  let rule: ThresholdRule;
  beforeEach(async () => {
    fixture = await AlarmsFixture.open(fleet, { now: T0 });
    rule = await fixture.useCases.createThresholdRule.execute(cpuRule);
  });
  afterEach(() => fixture.close());

  const evaluate = (batch: readonly MetricPoint[]) => fixture.useCases.evaluateThresholds.execute(batch);
  const stateOf = async (deviceId: string) => (await fixture.store.states.getMany([{ ruleId: rule.id, deviceId }]))[0] ?? null;

  it('raises once the breach has held forSeconds across batches, with an alarm-raised event carrying the alarm', async () => {
    await evaluate(points(dev(0), [50, 95]));
    expect(await stateOf(dev(0))).toMatchObject({ phase: 'pending', since: T0 + 30 * S });
    expect(fixture.events.events).toEqual([]);
    const summary = await evaluate(points(dev(0), [96, 97], 60));
    expect(summary).toMatchObject({ raised: 1, cleared: 0, pairs: 1 });
    const id = alarmIdOf(rule.id, dev(0), T0 + 90 * S);
    expect(await fixture.store.alarms.get(id)).toMatchObject({
      ruleId: rule.id,
      ruleName: 'CPU high',
      deviceId: dev(0),
      metric: 'cpu.load',
      severity: 'major',
      direction: 'above',
      threshold: 90,
      value: 97,
      lastValue: 97,
      raisedAt: T0 + 90 * S,
      state: 'active',
    });
    expect(fixture.events.events).toEqual([
      {
        kind: 'raised',
        deviceId: dev(0),
        payload: {
          alarmId: id,
          ruleId: rule.id,
          ruleName: 'CPU high',
          metric: 'cpu.load',
          severity: 'major',
          direction: 'above',
          threshold: 90,
          value: 97,
          raisedAt: new Date(T0 + 90 * S).toISOString(),
        },
      },
    ]);
  });

  it('notes the last value while active, and clears after clearForSeconds with an alarm-cleared event and no state left', async () => {
    await evaluate(points(dev(0), [95, 95, 95]));
    await evaluate(points(dev(0), [88], 90));
    const id = alarmIdOf(rule.id, dev(0), T0 + 60 * S);
    expect(await fixture.store.alarms.get(id)).toMatchObject({ state: 'active', value: 95, lastValue: 88 });
    await evaluate(points(dev(0), [60], 120));
    expect(await stateOf(dev(0))).toMatchObject({ phase: 'clearing' });
    await evaluate(points(dev(0), [55], 150));
    expect(await fixture.store.alarms.get(id)).toMatchObject({ state: 'cleared', clearedAt: T0 + 150 * S, clearReason: 'recovered', lastValue: 55 });
    expect(await stateOf(dev(0))).toBeNull();
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`, `cleared ${dev(0)}`]);
    expect(fixture.events.events[1].payload).toMatchObject({ alarmId: id, value: 95, clearedAt: new Date(T0 + 150 * S).toISOString() });
  });

  it('keeps one active alarm per (rule, device) however long the breach lasts, and a flapping value around raiseAt raises it once', async () => {
    const flapping = Array.from({ length: 40 }, (_, i) => (i < 3 ? 95 : i % 2 === 0 ? 91 : 85));
    for (let first = 0; first < flapping.length; first += 5) await evaluate(points(dev(0), flapping.slice(first, first + 5), first * 30));
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`]);
    expect((await fixture.useCases.listAlarms.execute({ deviceId: dev(0), limit: 10 })).alarms).toHaveLength(1);
  });

  it('stores nothing and asks no target for a healthy fleet: the store holds only devices near or over a threshold', async () => {
    const batch = fleet.flatMap((device, i) => points(device.id, [i === 7 ? 93 : 40]));
    const summary = await evaluate(batch);
    expect(summary).toEqual({ points: 2000, pairs: 1, raised: 0, cleared: 0, conflicts: 0 });
    expect(fixture.targets.asked).toEqual([[dev(7)]]);
    expect(await fixture.store.states.getMany(fleet.map((device) => ({ ruleId: rule.id, deviceId: device.id })))).toEqual([expect.objectContaining({ deviceId: dev(7), phase: 'pending' })]);
  });

  it('evaluates thousands of points in one call, several per device, each device on its own', async () => {
    const batch = fleet.slice(0, 500).flatMap((device, i) => points(device.id, i % 50 === 0 ? [95, 95, 95, 95] : [10, 20, 30, 40]));
    const summary = await evaluate(batch);
    expect(summary).toMatchObject({ points: 2000, raised: 10, conflicts: 0 });
    expect(fixture.events.lines()).toEqual(Array.from({ length: 10 }, (_, k) => `raised ${dev(k * 50)}`));
  });

  it("applies a rule only to the devices its filter selects, and a group rule only to the group's members", async () => {
    await fixture.useCases.updateThresholdRule.execute({ id: rule.id, target: { filter: 'productClass = "EX220"' }, forSeconds: 0 });
    await evaluate([...points(dev(0), [99]), ...points(dev(1), [99])]);
    expect(fixture.events.lines()).toEqual([`raised ${dev(1)}`]);
    fixture.targets.group('g-north', [dev(4)]);
    await fixture.useCases.createThresholdRule.execute({ ...cpuRule, name: 'north', target: { groupId: 'g-north' }, forSeconds: 0 });
    await evaluate([...points(dev(2), [99], 60), ...points(dev(4), [99], 60)]);
    expect(fixture.events.lines()).toEqual([`raised ${dev(1)}`, `raised ${dev(4)}`]);
  });

  it("clears an active alarm as target-left when the device no longer matches the rule's target", async () => {
    fixture.targets.group('g', [dev(0)]);
    await fixture.useCases.updateThresholdRule.execute({ id: rule.id, target: { groupId: 'g' }, forSeconds: 0 });
    await evaluate(points(dev(0), [99]));
    fixture.targets.group('g', []);
    const summary = await evaluate(points(dev(0), [99], 30));
    expect(summary.cleared).toBe(1);
    expect(await fixture.store.alarms.get(alarmIdOf(rule.id, dev(0), T0))).toMatchObject({ state: 'cleared', clearReason: 'target-left' });
    expect(await stateOf(dev(0))).toBeNull();
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`, `cleared ${dev(0)}`]);
  });

  it('ignores points of metrics no enabled rule watches, and points out of order', async () => {
    await fixture.useCases.createThresholdRule.execute({ ...cpuRule, name: 'off', metric: 'wan.bytesReceived', enabled: false, forSeconds: 0 });
    expect(await evaluate([...points(dev(0), [1e12], 0, 'wan.bytesReceived'), ...points(dev(0), [1e12], 0, 'memory.free')])).toMatchObject({ pairs: 0 });
    await evaluate(points(dev(0), [95, 95], 60));
    await evaluate(points(dev(0), [99, 99], 0));
    expect(await stateOf(dev(0))).toMatchObject({ phase: 'pending', since: T0 + 60 * S, lastAt: T0 + 90 * S, lastValue: 95 });
  });

  it('raises one alarm with one event when the same batch is evaluated twice (redelivered)', async () => {
    const batch = points(dev(0), [95, 95, 95]);
    await evaluate(batch);
    await evaluate(batch);
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`]);
    expect((await fixture.useCases.listAlarms.execute({ limit: 10 })).alarms).toHaveLength(1);
  });

  it("continues a device's evaluation on another pod from the stored state", async () => {
    await evaluate(points(dev(0), [95, 95]));
    const other = fixture.pod();
    expect(await other.evaluateThresholds.execute(points(dev(0), [95], 60))).toMatchObject({ raised: 1 });
  });

  it('does not count a gap longer than the stale limit as a held breach', async () => {
    const quick = fixture.pod({ staleAfterSeconds: 120 });
    await quick.evaluateThresholds.execute(points(dev(0), [95]));
    await quick.evaluateThresholds.execute(points(dev(0), [95], 200));
    expect(await stateOf(dev(0))).toMatchObject({ phase: 'pending', since: T0 + 200 * S });
    await quick.evaluateThresholds.execute(points(dev(0), [95], 260));
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`]);
  });

  it('undoes the alarm it created when another pod moved the state meanwhile, and evaluates again from that state', async () => {
    await evaluate(points(dev(0), [95, 95]));
    // Another pod takes the same device on to a raise between this pod's read and its write.
    const states = fixture.store.states;
    const save = states.save.bind(states);
    let raced = false;
    states.save = async (key, condition, expected) => {
      if (!raced) {
        raced = true;
        await fixture.pod().evaluateThresholds.execute(points(dev(0), [97], 60));
      }
      return save(key, condition, expected);
    };
    await evaluate(points(dev(0), [96], 61));
    expect((await fixture.useCases.listAlarms.execute({ limit: 10 })).alarms.map((alarm) => alarm.raisedAt)).toEqual([T0 + 60 * S]);
    expect(fixture.events.lines()).toEqual([`raised ${dev(0)}`]);
    expect(await stateOf(dev(0))).toMatchObject({ phase: 'raised', lastAt: T0 + 61 * S, lastValue: 96 });
  });
});
