/**
 * Counters → rates. A CPE's counters (bytes, packets, errors) only ever grow, modulo their width (TR-098's are 32-bit
 * `unsignedInt`, TR-181's bytes and packets 64-bit `unsignedLong`), until the device reboots or resets them. The rate
 * over an interval is the delta over the seconds between the two readings; what cannot be a delta (the first reading,
 * a reboot, a counter that fell) yields no rate rather than a negative or a huge one.
 */

export type CounterBits = 32 | 64;

/** One reading of a counter, with the device's uptime in the same report when it had one. */
export interface CounterReading {
  /** Epoch ms: when the CPE measured it. */
  at: number;
  raw: number;
  /** Seconds since the device booted (DeviceInfo.UpTime), read in the same report. */
  uptime?: number;
}

export type CounterStep =
  /** No earlier reading to compare with: stored, no rate. */
  | { kind: 'first' }
  | { kind: 'rate'; rate: number; delta: number; seconds: number; wrapped: boolean }
  /** The counter restarted between the readings: stored, no rate for the interval, recorded as a reset. */
  | { kind: 'reset'; reason: ResetReason }
  /** Not newer than the last reading: ignored (not stored, no rate). */
  | { kind: 'ignored'; reason: 'duplicate' | 'out-of-order' };

export type ResetReason = 'reboot' | 'counter-fell';

/**
 * How near its top a counter must be, and how near zero the next reading, for the fall between them to be a wrap
 * rather than a reset: the top and bottom quarter of the width. A counter that falls from mid-range restarted; one
 * that wraps was in its last quarter (a 32-bit byte counter at 100 Mbit/s crosses a quarter in under 3 minutes, so a
 * 15-minute interval can miss a wrap or see two: see docs/diagnostics.md, "Counters").
 */
export const WRAP_FRACTION = 0.25;

/** Whether two readings of one device tell it rebooted between them (its uptime went back). */
export function rebootedBetween(previousUptime: number | undefined, currentUptime: number | undefined): boolean {
  return previousUptime !== undefined && currentUptime !== undefined && currentUptime < previousUptime;
}

/** The step from the previous reading of a counter to the current one. */
export function counterStep(previous: CounterReading | undefined, current: CounterReading, bits: CounterBits): CounterStep {
  if (previous === undefined) return { kind: 'first' };
  if (current.at === previous.at) return { kind: 'ignored', reason: 'duplicate' };
  if (current.at < previous.at) return { kind: 'ignored', reason: 'out-of-order' };
  // A reboot restarts every counter, even one that has already counted past its previous value.
  if (rebootedBetween(previous.uptime, current.uptime)) return { kind: 'reset', reason: 'reboot' };
  const seconds = (current.at - previous.at) / 1000;
  if (current.raw >= previous.raw) {
    const delta = current.raw - previous.raw;
    return { kind: 'rate', rate: delta / seconds, delta, seconds, wrapped: false };
  }
  const width = 2 ** bits;
  if (previous.raw >= width * (1 - WRAP_FRACTION) && previous.raw < width && current.raw < width * WRAP_FRACTION) {
    // Through the wrap: what remained to the top, then the new value from zero.
    const delta = width - previous.raw + current.raw;
    return { kind: 'rate', rate: delta / seconds, delta, seconds, wrapped: true };
  }
  return { kind: 'reset', reason: 'counter-fell' };
}
