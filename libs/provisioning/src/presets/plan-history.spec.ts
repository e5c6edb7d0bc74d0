import { PLAN_HISTORY_DEVICES, PlanHistory } from './plan-history';
import { detectPresetLoop } from './preset-loop';

const plan = (at: number, specsDigest: string) => ({ at, specsDigest });

describe('PlanHistory', () => {
  it('keeps the latest plans of a device, oldest first, at most perDevice', () => {
    const history = new PlanHistory({ perDevice: 3 });
    for (let at = 1; at <= 5; at++) history.record('cpe-1', plan(at, 'a'));
    expect(history.record('cpe-1', plan(6, 'a'))).toEqual([plan(4, 'a'), plan(5, 'a'), plan(6, 'a')]);
  });

  it('forgets a device whose latest plan changed nothing: an empty plan ends any loop', () => {
    const history = new PlanHistory();
    history.record('cpe-1', plan(1, 'a'));
    history.record('cpe-1', plan(2, 'a'));
    expect(history.record('cpe-1', plan(3, ''))).toEqual([plan(3, '')]);
    expect(history.size).toBe(0);
    expect(history.record('cpe-1', plan(4, 'a'))).toEqual([plan(4, 'a')]);
  });

  it('remembers at most maxDevices devices, whatever the fleet size, by default PLAN_HISTORY_DEVICES', () => {
    const bounded = new PlanHistory({ maxDevices: 100 });
    const unbounded = new PlanHistory();
    for (let i = 0; i < PLAN_HISTORY_DEVICES * 3; i++) {
      bounded.record(`cpe-${i}`, plan(i, 'a'));
      unbounded.record(`cpe-${i}`, plan(i, 'a'));
    }
    expect(bounded.size).toBe(100);
    expect(unbounded.size).toBe(PLAN_HISTORY_DEVICES);
  });

  it('forgets the device planned least recently, so a device planned again stays', () => {
    const history = new PlanHistory({ maxDevices: 2 });
    history.record('old', plan(1, 'a'));
    history.record('kept', plan(2, 'a'));
    history.record('kept', plan(3, 'a'));
    history.record('new', plan(4, 'a'));
    expect(history.record('kept', plan(5, 'a'))).toHaveLength(3);
    expect(history.record('old', plan(6, 'a'))).toEqual([plan(6, 'a')]);
  });

  it('delays a loop of an evicted device, and catches it once the other devices settle', () => {
    const history = new PlanHistory({ maxDevices: 1 });
    let at = 0;
    // While another device is being configured between each of its plans, the looping device keeps being evicted.
    for (let session = 0; session < 5; session++) {
      expect(detectPresetLoop(history.record('looping', plan(++at, 'same')))).toBeNull();
      history.record('configuring', plan(++at, `step-${session}`));
    }
    // The other device reaches its desired state (an empty plan) and is forgotten: the loop is found three plans on.
    history.record('configuring', plan(++at, ''));
    expect(detectPresetLoop(history.record('looping', plan(++at, 'same')))).toBeNull();
    expect(detectPresetLoop(history.record('looping', plan(++at, 'same')))).toBeNull();
    expect(detectPresetLoop(history.record('looping', plan(++at, 'same')))).toMatchObject({ specsDigest: 'same', repeats: 3 });
  });
});
