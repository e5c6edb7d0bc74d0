import type Redis from 'ioredis';
import { deviceIdOfSession, type OpenResult, type SessionRecord, type SessionStore } from '@acs/platform';

import { LuaScript } from './lua-script';
import { RedisKeys } from './redis-keys';
import { guardRedis } from './redis-errors';

/**
 * Open: lock + record in one step. Prevents two pods that receive Informs of one device at the same time from both
 * taking the lock, and a supersede from deleting a holder that another pod just replaced.
 * The holder's record and plan keys are built from ARGV prefixes: they share the `{device}` tag, so they are in the
 * script's slot even though only the lock and the new record are declared.
 * KEYS: lock, new record. ARGV: id, record JSON, ttl ms, supersede-after ms, now ms, session prefix, plan prefix.
 * Returns {1} opened, {1, holderJson} opened over a superseded session, {0, holderJson} busy.
 */
const openScript = new LuaScript<[number, string?]>(
  'acsSessionOpen',
  2,
  `
local holderId = redis.call('GET', KEYS[1])
local superseded = nil
if holderId then
  local holderKey = ARGV[6] .. holderId
  local holder = redis.call('GET', holderKey)
  if holder then
    local startedAt = tonumber(cjson.decode(holder).startedAt) or 0
    if tonumber(ARGV[5]) - startedAt < tonumber(ARGV[4]) then
      return {0, holder}
    end
    redis.call('DEL', holderKey, ARGV[7] .. holderId)
    superseded = holder
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if superseded then return {1, superseded} end
return {1}
`,
);

/**
 * Update: revision compare-and-set. Prevents a lost update when two pods serve requests of one session at once
 * (the second write, based on a stale read, is refused), and keeps the lock's TTL in step with the record's only
 * while this session still holds it, so a superseded session cannot extend its successor's lock.
 * KEYS: record, lock. ARGV: id, record JSON, expected stored revision, ttl ms. Returns 1 written, 0 refused.
 */
const updateScript = new LuaScript<number>(
  'acsSessionUpdate',
  2,
  `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if tonumber(cjson.decode(current).revision) ~= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1
`,
);

/**
 * Close: delete the record and its plan mark, release the lock only if this session holds it. Prevents a late
 * close of a superseded session from releasing the lock of the session that replaced it.
 * KEYS: record, lock, plan mark. ARGV: id.
 */
const closeScript = new LuaScript<number>(
  'acsSessionClose',
  3,
  `
redis.call('DEL', KEYS[1], KEYS[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`,
);

/**
 * By device: read the lock and the record it points to in one step, so a supersede between the two reads cannot
 * return a record that no longer holds the lock. KEYS: lock. ARGV: session prefix. Returns the record JSON or nil.
 */
const byDeviceScript = new LuaScript<string | null>(
  'acsSessionByDevice',
  1,
  `
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('GET', ARGV[1] .. id)
`,
);

export interface RedisSessionStoreOptions {
  /** First segment of every key; tests use a unique one per run. */
  keyPrefix?: string;
  /** Clock for the supersede rule (the same clock the session engine stamps `startedAt` with). */
  now?: () => number;
}

/** Thrown by `open` for a record whose id does not carry its device id (see `newSessionId` in @acs/platform). */
export class SessionIdMismatchError extends Error {
  constructor(sessionId: string, deviceId: string) {
    super(`session id "${sessionId}" was not made for device "${deviceId}"; create it with newSessionId(deviceId, …)`);
    this.name = 'SessionIdMismatchError';
  }
}

/** SessionStore on Redis: one device's lock, sessions and plan marks in one hash slot, changed by Lua scripts. */
export class RedisSessionStore implements SessionStore {
  private readonly keys: RedisKeys;
  private readonly now: () => number;

  constructor(
    private readonly client: Redis,
    options: RedisSessionStoreOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? 'acs');
    this.now = options.now ?? Date.now;
    for (const script of [openScript, updateScript, closeScript, byDeviceScript]) script.install(client);
  }

  async open(record: SessionRecord, ttlMs: number, supersedeAfterMs: number): Promise<OpenResult> {
    if (deviceIdOfSession(record.id) !== record.deviceId) throw new SessionIdMismatchError(record.id, record.deviceId);
    const { deviceId } = record;
    const [opened, holderJson] = await guardRedis(() =>
      openScript.run(
        this.client,
        [this.keys.sessionLock(deviceId), this.keys.session(deviceId, record.id)],
        [record.id, JSON.stringify(record), ttl(ttlMs), Math.max(0, Math.floor(supersedeAfterMs)), this.now(), this.keys.sessionPrefix(deviceId), this.keys.planPrefix(deviceId)],
      ),
    );
    if (opened !== 1) return { opened: false, reason: 'busy', holder: parseRecord(holderJson!) };
    return holderJson ? { opened: true, superseded: parseRecord(holderJson) } : { opened: true };
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const key = this.keys.sessionById(sessionId);
    if (key === null) return null;
    const json = await guardRedis(() => this.client.get(key));
    return json === null ? null : parseRecord(json);
  }

  async update(record: SessionRecord, ttlMs: number): Promise<boolean> {
    const written = await guardRedis(() =>
      updateScript.run(
        this.client,
        [this.keys.session(record.deviceId, record.id), this.keys.sessionLock(record.deviceId)],
        [record.id, JSON.stringify(record), record.revision - 1, ttl(ttlMs)],
      ),
    );
    return written === 1;
  }

  async close(record: Pick<SessionRecord, 'id' | 'deviceId'>): Promise<void> {
    const { id, deviceId } = record;
    await guardRedis(() =>
      closeScript.run(this.client, [this.keys.session(deviceId, id), this.keys.sessionLock(deviceId), this.keys.plan(deviceId, id)], [id]),
    );
  }

  async byDevice(deviceId: string): Promise<SessionRecord | null> {
    const json = await guardRedis(() =>
      byDeviceScript.run(this.client, [this.keys.sessionLock(deviceId)], [this.keys.sessionPrefix(deviceId)]),
    );
    return json ? parseRecord(json) : null;
  }

  async bindAddress(address: string, sessionId: string, ttlMs: number): Promise<void> {
    await guardRedis(() => this.client.set(this.keys.address(address), sessionId, 'PX', ttl(ttlMs)));
  }

  async sessionForAddress(address: string): Promise<string | null> {
    return guardRedis(() => this.client.get(this.keys.address(address)));
  }

  async markPlanned(deviceId: string, sessionId: string, ttlMs: number): Promise<void> {
    await guardRedis(() => this.client.set(this.keys.plan(deviceId, sessionId), '1', 'PX', ttl(ttlMs)));
  }

  async isPlanned(deviceId: string, sessionId: string): Promise<boolean> {
    return (await guardRedis(() => this.client.exists(this.keys.plan(deviceId, sessionId)))) === 1;
  }

  async trackOpened(pod: string, sessionId: string, expiresAt: number): Promise<void> {
    const key = this.keys.inFlight(pod);
    // The set outlives its last entry by a day at most: a pod that is gone for good leaves nothing behind.
    await guardRedis(() => this.client.multi().zadd(key, expiresAt, sessionId).pexpire(key, 24 * 3_600_000).exec());
  }

  async trackClosed(pod: string, sessionId: string): Promise<void> {
    await guardRedis(() => this.client.zrem(this.keys.inFlight(pod), sessionId));
  }

  async openedCount(pod: string): Promise<number> {
    const key = this.keys.inFlight(pod);
    const results = await guardRedis(() => this.client.multi().zremrangebyscore(key, '-inf', this.now()).zcard(key).exec());
    return Number(results?.[1]?.[1] ?? 0);
  }

  async ping(): Promise<void> {
    await guardRedis(() => this.client.ping());
  }
}

/** PX wants a positive integer; a zero or fractional TTL from config would make SET fail. */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

function parseRecord(json: string): SessionRecord {
  return JSON.parse(json) as SessionRecord;
}
