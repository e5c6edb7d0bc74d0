import type Redis from 'ioredis';
import type { AuthLockoutStore, FailureOutcome, KnownSourcePolicy, LockoutKey, LockoutPolicy, LockoutScope } from '@acs/platform';

import { LuaScript } from './lua-script';
import { guardRedis } from './redis-errors';
import { RedisKeys } from './redis-keys';

/**
 * Record one failure: read, decay, add and maybe lock in one step, so two pods counting failures of one key at once
 * cannot both read "threshold - 1" and neither lock it. The formulas are the port's (decayedFailures, lockoutMs,
 * failureRecordExpiry in @acs/platform), repeated here in Lua. The record's own `exp` decides expiry on the caller's
 * clock; PEXPIRE only frees the memory.
 * KEYS: record. ARGV: now, threshold, window ms, base lockout ms, max lockout ms.
 * Returns {failures (string: a Lua number reply would lose its fraction), lockedUntil, lockStarted 0|1, strikes}.
 */
const failureScript = new LuaScript<[string, number, number, number]>(
  'acsAuthFailure',
  1,
  `
local now = tonumber(ARGV[1])
local threshold, window = tonumber(ARGV[2]), tonumber(ARGV[3])
local base, max = tonumber(ARGV[4]), tonumber(ARGV[5])
local r = redis.call('HMGET', KEYS[1], 'failures', 'at', 'strikes', 'until', 'exp')
local failures, at, strikes, lockedUntil = tonumber(r[1]) or 0, tonumber(r[2]) or now, tonumber(r[3]) or 0, tonumber(r[4]) or 0
if (tonumber(r[5]) or 0) <= now then failures, at, strikes, lockedUntil = 0, now, 0, 0 end
if lockedUntil > now then return {tostring(failures), lockedUntil, 0, strikes} end
failures = failures * math.exp(-math.max(0, now - at) / window) + 1
local started = 0
if failures >= threshold then
  strikes = strikes + 1
  lockedUntil = now + math.min(max, base * 2 ^ math.min(strikes - 1, 40))
  failures = 0
  started = 1
end
local exp = now + 4 * window
if strikes > 0 then exp = math.max(exp, math.max(now, lockedUntil) + max) end
redis.call('HSET', KEYS[1], 'failures', tostring(failures), 'at', now, 'strikes', strikes, 'until', lockedUntil, 'exp', exp)
redis.call('PEXPIRE', KEYS[1], math.max(1, exp - now))
if lockedUntil <= now then lockedUntil = 0 end
return {tostring(failures), lockedUntil, started, strikes}
`,
);

/**
 * Index a new lockout for the gauge: add it, drop the ones that ended and the oldest beyond the cap, and keep the
 * index alive as long as its longest lockout. Its own script because the index lives in another slot than the record.
 * KEYS: index. ARGV: now, member, locked until, cap.
 */
const indexScript = new LuaScript<number>(
  'acsAuthLockedIndex',
  1,
  `
local now = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now)) end
return 1
`,
);

/**
 * Remember a success: the device's source set keeps the most recent sources within their TTL, and the key lives as
 * long as its newest entry, so an idle device leaves nothing behind.
 * KEYS: the device's source set. ARGV: now, source, ttl ms, max sources.
 */
const rememberScript = new LuaScript<number>(
  'acsAuthRememberSource',
  1,
  `
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`,
);

export interface RedisAuthLockoutStoreOptions {
  keyPrefix?: string;
  /** Locked keys kept in each scope's gauge index; past it the soonest-ending are dropped (the gauge then undercounts). */
  maxIndexedLockouts?: number;
}

/**
 * AuthLockoutStore on Redis, shared by every gateway pod. A device's failure records and known sources sit under its
 * `{device}` hash tag; a source's record in a slot of its own. Every key has a TTL: what an attack writes goes away
 * after the attack (four windows, or the longest lockout past the last one).
 */
export class RedisAuthLockoutStore implements AuthLockoutStore {
  private readonly keys: RedisKeys;
  private readonly maxIndexed: number;

  constructor(
    private readonly client: Redis,
    options: RedisAuthLockoutStoreOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? 'acs');
    this.maxIndexed = options.maxIndexedLockouts ?? 100_000;
    for (const script of [failureScript, indexScript, rememberScript]) script.install(client);
  }

  async lockedUntil(keys: readonly LockoutKey[], now: number): Promise<number[]> {
    return guardRedis(() =>
      Promise.all(
        keys.map(async (key) => {
          const [until, exp] = await this.client.hmget(this.keys.authFailures(key), 'until', 'exp');
          const lockedUntil = Number(until ?? 0);
          return lockedUntil > now && Number(exp ?? 0) > now ? lockedUntil : 0;
        }),
      ),
    );
  }

  async recordFailure(key: LockoutKey, now: number, policy: LockoutPolicy): Promise<FailureOutcome> {
    const recordKey = this.keys.authFailures(key);
    const [failures, lockedUntil, started, strikes] = await guardRedis(() =>
      failureScript.run(this.client, [recordKey], [now, policy.threshold, policy.windowMs, policy.baseLockoutMs, policy.maxLockoutMs]),
    );
    if (started === 1) {
      await guardRedis(() => indexScript.run(this.client, [this.keys.authLocked(key.scope)], [now, recordKey, lockedUntil, this.maxIndexed]));
    }
    return { failures: Number(failures), lockedUntil, lockStarted: started === 1, strikes };
  }

  async rememberSource(deviceId: string, source: string, now: number, policy: KnownSourcePolicy): Promise<void> {
    await guardRedis(() => rememberScript.run(this.client, [this.keys.authSources(deviceId)], [now, source, policy.ttlMs, policy.maxPerDevice]));
  }

  async isKnownSource(deviceId: string, source: string, now: number, ttlMs: number): Promise<boolean> {
    const score = await guardRedis(() => this.client.zscore(this.keys.authSources(deviceId), source));
    return score !== null && Number(score) > now - ttlMs;
  }

  async lockedCount(scope: LockoutScope, now: number): Promise<number> {
    return guardRedis(() => this.client.zcount(this.keys.authLocked(scope), `(${now}`, '+inf'));
  }

  async ping(): Promise<void> {
    await guardRedis(() => this.client.ping());
  }
}
