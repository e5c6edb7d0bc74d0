import {
  decayedFailures,
  failureRecordExpiry,
  lockoutMs,
  type AuthLockoutStore,
  type FailureOutcome,
  type KnownSourcePolicy,
  type LockoutKey,
  type LockoutPolicy,
  type LockoutScope,
} from '../ports';

interface FailureRecord {
  scope: LockoutScope;
  failures: number;
  at: number;
  strikes: number;
  lockedUntil: number;
  expiresAt: number;
}

/** Bounds of one process's memory: past them the least recently touched entries go first. */
export interface InProcessAuthLockoutLimits {
  /** Failure records (device and source keys together). */
  maxKeys?: number;
  /** Devices whose known-good sources are kept. */
  maxDevices?: number;
}

/**
 * AuthLockoutStore for one process (the standalone). Maps in least-recently-touched order (a touched entry is moved to
 * the end), so the bounds drop the entries an attack touched least; expired entries are dropped when met.
 */
export class InProcessAuthLockoutStore implements AuthLockoutStore {
  private readonly records = new Map<string, FailureRecord>();
  /** deviceId → source → epoch ms of the last success from it */
  private readonly knownSources = new Map<string, Map<string, number>>();
  private readonly maxKeys: number;
  private readonly maxDevices: number;

  constructor(limits: InProcessAuthLockoutLimits = {}) {
    this.maxKeys = limits.maxKeys ?? 100_000;
    this.maxDevices = limits.maxDevices ?? 1_000_000;
  }

  async lockedUntil(keys: readonly LockoutKey[], now: number): Promise<number[]> {
    return keys.map((key) => {
      const record = this.live(keyOf(key), now);
      return record && record.lockedUntil > now ? record.lockedUntil : 0;
    });
  }

  async recordFailure(key: LockoutKey, now: number, policy: LockoutPolicy): Promise<FailureOutcome> {
    const id = keyOf(key);
    const record = this.live(id, now) ?? { scope: key.scope, failures: 0, at: now, strikes: 0, lockedUntil: 0, expiresAt: 0 };
    if (record.lockedUntil > now) return { failures: record.failures, lockedUntil: record.lockedUntil, lockStarted: false, strikes: record.strikes };
    record.failures = decayedFailures(record.failures, now - record.at, policy.windowMs) + 1;
    record.at = now;
    let lockStarted = false;
    if (record.failures >= policy.threshold) {
      record.strikes += 1;
      record.lockedUntil = now + lockoutMs(record.strikes, policy);
      record.failures = 0;
      lockStarted = true;
    }
    record.expiresAt = failureRecordExpiry(now, record.lockedUntil, record.strikes, policy);
    this.records.delete(id);
    this.records.set(id, record);
    evictOldest(this.records, this.maxKeys);
    return { failures: record.failures, lockedUntil: record.lockedUntil > now ? record.lockedUntil : 0, lockStarted, strikes: record.strikes };
  }

  async rememberSource(deviceId: string, source: string, now: number, policy: KnownSourcePolicy): Promise<void> {
    const sources = this.knownSources.get(deviceId) ?? new Map<string, number>();
    this.knownSources.delete(deviceId);
    this.knownSources.set(deviceId, sources);
    sources.delete(source);
    sources.set(source, now);
    for (const [known, at] of sources) if (at <= now - policy.ttlMs) sources.delete(known);
    evictOldest(sources, policy.maxPerDevice);
    evictOldest(this.knownSources, this.maxDevices);
  }

  async isKnownSource(deviceId: string, source: string, now: number, ttlMs: number): Promise<boolean> {
    const at = this.knownSources.get(deviceId)?.get(source);
    return at !== undefined && at > now - ttlMs;
  }

  async lockedCount(scope: LockoutScope, now: number): Promise<number> {
    let count = 0;
    for (const record of this.records.values()) if (record.scope === scope && record.lockedUntil > now && record.expiresAt > now) count += 1;
    return count;
  }

  async ping(): Promise<void> {}

  private live(id: string, now: number): FailureRecord | undefined {
    const record = this.records.get(id);
    if (record && record.expiresAt <= now) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }
}

function keyOf(key: LockoutKey): string {
  if (key.scope === 'source') return `s\n${key.source}`;
  return key.source === undefined ? `d\n${key.deviceId}` : `p\n${key.deviceId}\n${key.source}`;
}

/** Drops entries from the front (least recently touched) until `map` holds at most `max`. */
function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}
