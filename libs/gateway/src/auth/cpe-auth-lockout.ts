import type { AuthLockoutStore, KnownSourcePolicy, LockoutKey, LockoutPolicy, LockoutScope } from '@acs/platform';

/** The brute-force limits of CPE authentication (ACS_CPE_AUTH_* variables; docs/cpe-authentication.md). */
export interface CpeLockoutConfig {
  enabled: boolean;
  /** Failures against one device id (from sources it is not known at) that lock it. */
  deviceThreshold: number;
  /** Failures from one source address (any device ids) that lock it. */
  sourceThreshold: number;
  windowMs: number;
  baseLockoutMs: number;
  maxLockoutMs: number;
  /** How long a source a device authenticated from stays known-good for it. */
  knownSourceTtlMs: number;
  knownSourcesPerDevice: number;
}

export type LockoutCheck =
  | { locked: false; knownSource: boolean }
  | { locked: true; scope: LockoutScope; retryAfterMs: number; knownSource: boolean };

/** Why an authentication failed, as far as the lockout counts it. */
export type CountedFailure = 'invalid' | 'unknown-device';

export interface LockoutStarted {
  scope: LockoutScope;
  lockedUntil: number;
  strikes: number;
}

/** What the lockout reports, for metrics and logs. */
export interface LockoutObserver {
  failure(reason: CountedFailure): void;
  lockoutStarted(started: LockoutStarted, deviceId: string, source: string): void;
  refused(scope: LockoutScope): void;
}

/**
 * Brute-force limits on CPE authentication: failures are counted per device id and per source address in decaying
 * windows; a key past its threshold is locked for a while, each further lockout twice as long up to a cap, and while
 * it is locked no credentials are checked at all. The counters live behind AuthLockoutStore, shared by every pod.
 *
 * Neighbours and victims (NAT): a source a device authenticated from recently is "known-good" for that device. From
 * there the device is exempt from the source's lockout (a flood from its NAT does not shut it out) and from its own
 * device-wide lockout (guesses at its id from elsewhere do not shut it out), and is counted on a key of its own — the
 * device as seen from that source — so guesses from inside its NAT are still capped by the device threshold.
 */
export class CpeAuthLockout {
  private readonly devicePolicy: LockoutPolicy;
  private readonly sourcePolicy: LockoutPolicy;
  private readonly knownSources: KnownSourcePolicy;

  constructor(
    private readonly store: AuthLockoutStore,
    private readonly config: CpeLockoutConfig,
    private readonly observer: LockoutObserver,
    private readonly now: () => number = Date.now,
  ) {
    const shared = { windowMs: config.windowMs, baseLockoutMs: config.baseLockoutMs, maxLockoutMs: config.maxLockoutMs };
    this.devicePolicy = { ...shared, threshold: config.deviceThreshold };
    this.sourcePolicy = { ...shared, threshold: config.sourceThreshold };
    this.knownSources = { ttlMs: config.knownSourceTtlMs, maxPerDevice: config.knownSourcesPerDevice };
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Whether an attempt of `deviceId` from `source` may have its credentials checked. One store round trip. */
  async check(deviceId: string, source: string): Promise<LockoutCheck> {
    const now = this.now();
    const device: LockoutKey = { scope: 'device', deviceId };
    const pair: LockoutKey = { scope: 'device', deviceId, source };
    const from: LockoutKey = { scope: 'source', source };
    // Both questions at once: which keys apply depends on the first, but asking in turn would cost a second round trip.
    const [knownSource, [deviceUntil, pairUntil, sourceUntil]] = await Promise.all([
      this.store.isKnownSource(deviceId, source, now, this.knownSources.ttlMs),
      this.store.lockedUntil([device, pair, from], now),
    ]);
    const applying: Array<[LockoutScope, number]> = knownSource ? [['device', pairUntil!]] : [['device', deviceUntil!], ['source', sourceUntil!]];
    let locked: [LockoutScope, number] | undefined;
    for (const entry of applying) if (entry[1] > now && (!locked || entry[1] > locked[1])) locked = entry;
    if (!locked) return { locked: false, knownSource };
    this.observer.refused(locked[0]);
    return { locked: true, scope: locked[0], retryAfterMs: locked[1] - now, knownSource };
  }

  /**
   * Counts a failed attempt. Wrong credentials count against the device and the source (or, from a known-good source,
   * the device there); an unknown device id counts against the source alone — an id that does not exist has no
   * account to protect, and a key per invented id would let a scan fill the store.
   */
  async failed(deviceId: string, source: string, knownSource: boolean, reason: CountedFailure): Promise<LockoutStarted[]> {
    this.observer.failure(reason);
    const now = this.now();
    const counted: Array<[LockoutKey, LockoutPolicy]> =
      reason === 'unknown-device'
        ? [[{ scope: 'source', source }, this.sourcePolicy]]
        : knownSource
          ? [[{ scope: 'device', deviceId, source }, this.devicePolicy]]
          : [
              [{ scope: 'device', deviceId }, this.devicePolicy],
              [{ scope: 'source', source }, this.sourcePolicy],
            ];
    const outcomes = await Promise.all(counted.map(([key, policy]) => this.store.recordFailure(key, now, policy)));
    const started: LockoutStarted[] = [];
    outcomes.forEach((outcome, i) => {
      if (!outcome.lockStarted) return;
      const lockout = { scope: counted[i]![0].scope, lockedUntil: outcome.lockedUntil, strikes: outcome.strikes };
      this.observer.lockoutStarted(lockout, deviceId, source);
      started.push(lockout);
    });
    return started;
  }

  /** Makes `source` known-good for `deviceId` (or refreshes it). */
  async succeeded(deviceId: string, source: string): Promise<void> {
    await this.store.rememberSource(deviceId, source, this.now(), this.knownSources);
  }

  /** Keys of `scope` locked now, for the gauge. */
  lockedCount(scope: LockoutScope): Promise<number> {
    return this.store.lockedCount(scope, this.now());
  }
}
