/**
 * What a lockout counts against. `source` is a client address (an IPv4 address or an IPv6 /64), `device` a device id;
 * a `device` key with a `source` is the device as seen from one of its known-good sources, counted apart from the
 * device elsewhere so that guesses from far away cannot lock the real device out of its own network.
 */
export type LockoutKey = { scope: 'source'; source: string } | { scope: 'device'; deviceId: string; source?: string };

export type LockoutScope = LockoutKey['scope'];

/** How failures turn into lockouts. Passed on every call, so the adapters hold counters and no policy. */
export interface LockoutPolicy {
  /** A key whose decaying failure count reaches this is locked. */
  threshold: number;
  /** The count decays by a factor e every `windowMs`: about `threshold` failures within a window lock the key. */
  windowMs: number;
  /** The first lockout; each further one doubles, up to `maxLockoutMs`. */
  baseLockoutMs: number;
  /** The longest lockout; also how long a quiet key keeps its back-off before it starts again at the base. */
  maxLockoutMs: number;
}

export interface FailureOutcome {
  /** The decaying failure count after this failure (0 when this failure started a lockout). */
  failures: number;
  /** Epoch ms the key is locked until; 0 when it is not locked. */
  lockedUntil: number;
  /** This failure started the lockout (it is counted once, where it began). */
  lockStarted: boolean;
  /** Lockouts of this key since it was last forgotten, this one included. */
  strikes: number;
}

/** How the known-good sources of each device are kept. */
export interface KnownSourcePolicy {
  /** A source is forgotten this long after the device last authenticated from it. */
  ttlMs: number;
  /** Sources kept per device, most recent first; older ones are dropped. */
  maxPerDevice: number;
}

/**
 * Port: failed-authentication counters and lockouts shared by every gateway pod (a CPE's next attempt may reach any
 * pod), and the sources each device recently authenticated from. Every call takes `now` (epoch ms) from the caller, so
 * the lockout rules run on one clock that tests can move, and both adapters decide expiry the same way; the adapters
 * still drop what has expired, so memory follows the attack, not its history.
 */
export interface AuthLockoutStore {
  /** For each key, epoch ms it is locked until at `now`, or 0 when it is not locked. */
  lockedUntil(keys: readonly LockoutKey[], now: number): Promise<number[]>;
  /** Counts one failure against `key` and locks it when the count reaches the threshold. Atomic per key. */
  recordFailure(key: LockoutKey, now: number, policy: LockoutPolicy): Promise<FailureOutcome>;
  /** Remembers that `deviceId` authenticated from `source` at `now`. */
  rememberSource(deviceId: string, source: string, now: number, policy: KnownSourcePolicy): Promise<void>;
  /** Whether `deviceId` authenticated from `source` within `ttlMs` before `now` (and the source was not dropped). */
  isKnownSource(deviceId: string, source: string, now: number, ttlMs: number): Promise<boolean>;
  /** Keys of `scope` locked at `now`, across every pod sharing the store. */
  lockedCount(scope: LockoutScope, now: number): Promise<number>;
  /** Health: resolves when the store answers. */
  ping(): Promise<void>;
}

/** Where a failure count decayed to after `elapsedMs`, before the next failure is added. One formula for every adapter. */
export function decayedFailures(failures: number, elapsedMs: number, windowMs: number): number {
  return failures * Math.exp(-Math.max(0, elapsedMs) / windowMs);
}

/** The length of the `strikes`-th lockout (1-based): the base doubled per earlier strike, capped. */
export function lockoutMs(strikes: number, policy: Pick<LockoutPolicy, 'baseLockoutMs' | 'maxLockoutMs'>): number {
  return Math.min(policy.maxLockoutMs, policy.baseLockoutMs * 2 ** Math.min(Math.max(strikes - 1, 0), 40));
}

/**
 * When a failure record can be forgotten: its count has decayed to nothing (four windows: e^-4 < 2 %) and, after a
 * lockout, the key has stayed quiet for the longest lockout past its end.
 */
export function failureRecordExpiry(now: number, lockedUntil: number, strikes: number, policy: LockoutPolicy): number {
  const decayed = now + 4 * policy.windowMs;
  return strikes > 0 ? Math.max(decayed, Math.max(now, lockedUntil) + policy.maxLockoutMs) : decayed;
}
