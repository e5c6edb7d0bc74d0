import { counterStep, rebootedBetween } from './counter-rate';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const MIN15 = 15 * 60 * 1000;

describe('counterStep', () => {
  it('gives no rate for the first reading', () => {
    expect(counterStep(undefined, { at: T0, raw: 500 }, 32)).toEqual({ kind: 'first' });
  });

  it('gives the delta over the seconds between readings', () => {
    expect(counterStep({ at: T0, raw: 1_000 }, { at: T0 + MIN15, raw: 1_000 + 900 * 125_000 }, 64)).toEqual({
      kind: 'rate',
      rate: 125_000,
      delta: 900 * 125_000,
      seconds: 900,
      wrapped: false,
    });
  });

  it('gives a zero rate for a counter that did not move', () => {
    expect(counterStep({ at: T0, raw: 42 }, { at: T0 + 60_000, raw: 42 }, 32)).toMatchObject({ kind: 'rate', rate: 0 });
  });

  it('counts through a 32-bit wrap: near the top, then small', () => {
    const top = 2 ** 32;
    expect(counterStep({ at: T0, raw: top - 1_000 }, { at: T0 + 10_000, raw: 9_000 }, 32)).toEqual({ kind: 'rate', rate: 1_000, delta: 10_000, seconds: 10, wrapped: true });
  });

  it('counts through a 64-bit wrap', () => {
    const top = 2 ** 64;
    // 2^64 - 2^62 is exactly representable; the delta is 2^62 + 4096 in doubles.
    const step = counterStep({ at: T0, raw: top - 2 ** 62 }, { at: T0 + 1_000, raw: 4_096 }, 64);
    expect(step).toMatchObject({ kind: 'rate', wrapped: true, seconds: 1 });
    expect(step.kind === 'rate' && step.delta).toBe(2 ** 62 + 4_096);
  });

  it('does not take a 32-bit fall for a wrap of a 64-bit counter', () => {
    expect(counterStep({ at: T0, raw: 2 ** 32 - 10 }, { at: T0 + 1_000, raw: 5 }, 64)).toEqual({ kind: 'reset', reason: 'counter-fell' });
  });

  it('records a counter that fell from mid-range as a reset, never a negative rate', () => {
    expect(counterStep({ at: T0, raw: 2 ** 31 }, { at: T0 + MIN15, raw: 100 }, 32)).toEqual({ kind: 'reset', reason: 'counter-fell' });
  });

  it('records a fall from near the top to a large value as a reset, not a wrap', () => {
    expect(counterStep({ at: T0, raw: 2 ** 32 - 5 }, { at: T0 + MIN15, raw: 2 ** 31 }, 32)).toEqual({ kind: 'reset', reason: 'counter-fell' });
  });

  it('records a reboot (uptime went back) as a reset even when the counter grew past its old value', () => {
    expect(counterStep({ at: T0, raw: 1_000, uptime: 86_400 }, { at: T0 + MIN15, raw: 5_000, uptime: 300 }, 64)).toEqual({ kind: 'reset', reason: 'reboot' });
  });

  it('records a reboot rather than a wrap when both could explain the fall', () => {
    expect(counterStep({ at: T0, raw: 2 ** 32 - 5, uptime: 9_000 }, { at: T0 + MIN15, raw: 10, uptime: 60 }, 32)).toEqual({ kind: 'reset', reason: 'reboot' });
  });

  it('takes a growing uptime as no reboot', () => {
    expect(counterStep({ at: T0, raw: 1_000, uptime: 100 }, { at: T0 + 1_000, raw: 2_000, uptime: 101 }, 64)).toMatchObject({ kind: 'rate', rate: 1_000 });
  });

  it('ignores a duplicate (same time) and an out-of-order reading', () => {
    expect(counterStep({ at: T0, raw: 1_000 }, { at: T0, raw: 1_000 }, 32)).toEqual({ kind: 'ignored', reason: 'duplicate' });
    expect(counterStep({ at: T0, raw: 1_000 }, { at: T0 - 1, raw: 900 }, 32)).toEqual({ kind: 'ignored', reason: 'out-of-order' });
  });
});

describe('rebootedBetween', () => {
  it('needs both uptimes and a fall', () => {
    expect(rebootedBetween(undefined, 5)).toBe(false);
    expect(rebootedBetween(5, undefined)).toBe(false);
    expect(rebootedBetween(500, 5)).toBe(true);
    expect(rebootedBetween(5, 500)).toBe(false);
  });
});
