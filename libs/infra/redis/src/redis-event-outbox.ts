import type Redis from 'ioredis';
import type { DeferredBatch, EventOutbox } from '@acs/platform';

import { LuaScript } from './lua-script';
import { RedisKeys } from './redis-keys';
import { guardRedis } from './redis-errors';

/**
 * Defer: append the batch and park its work item in one step, so a result is never both unparked (and so run
 * again) and waiting in the outbox, nor parked without its result stored.
 * KEYS: outbox, queue, parked count. ARGV: batch JSON, item id ('' for none), TTL ms.
 * Returns 1, or an error reply when the item is not the first unparked one.
 */
const deferScript = new LuaScript<number>(
  'acsOutboxDefer',
  3,
  `
if ARGV[2] ~= '' then
  local parked = tonumber(redis.call('GET', KEYS[3]) or '0')
  local next = redis.call('LINDEX', KEYS[2], parked)
  if not next or cjson.decode(next).id ~= ARGV[2] then
    return redis.error_reply('ACS_NOT_NEXT item ' .. ARGV[2] .. ' is not the first unparked item')
  end
  redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[2]) > 0 and redis.call('PTTL', KEYS[2]) or ARGV[3])
end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`,
);

/**
 * Release: pop published batches from the outbox's head (by id, in order) and acknowledge their parked items from
 * the queue's head, in one step — a relay dying half-way must not leave a published batch whose item is still
 * parked (it would be published again, harmless) or an item acknowledged whose batch is still queued (it would be
 * published again and its parked count would drift).
 * KEYS: outbox, queue, parked count. ARGV: batch ids. Returns the outbox length after.
 */
const releaseScript = new LuaScript<number>(
  'acsOutboxRelease',
  3,
  `
for i = 1, #ARGV do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  local batch = cjson.decode(head)
  if batch.id ~= ARGV[i] then break end
  redis.call('LPOP', KEYS[1])
  if batch.parkedItemId then
    local item = redis.call('LINDEX', KEYS[2], 0)
    if item and cjson.decode(item).id == batch.parkedItemId then
      redis.call('LPOP', KEYS[2])
      local parked = tonumber(redis.call('GET', KEYS[3]) or '0')
      if parked <= 1 then redis.call('DEL', KEYS[3]) else redis.call('DECR', KEYS[3]) end
    end
  end
end
return redis.call('LLEN', KEYS[1])
`,
);

/** Releases a claim only if it is still ours: a relay that overran its claim must not free another relay's. */
const unclaimScript = new LuaScript<number>(
  'acsOutboxUnclaim',
  1,
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

export interface RedisEventOutboxOptions {
  keyPrefix?: string;
  /** Deferred batches are kept this long at most (default 7 days): longer than any bus outage worth surviving. */
  ttlMs?: number;
}

/** EventOutbox on Redis, in the device's hash slot beside its queue. */
export class RedisEventOutbox implements EventOutbox {
  private readonly keys: RedisKeys;
  private readonly ttlMs: number;

  constructor(
    private readonly client: Redis,
    options: RedisEventOutboxOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? 'acs');
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3_600_000;
    for (const script of [deferScript, releaseScript, unclaimScript]) script.install(client);
  }

  async defer(batch: DeferredBatch): Promise<void> {
    const { deviceId } = batch;
    await guardRedis(() =>
      deferScript.run(
        this.client,
        [this.keys.outbox(deviceId), this.keys.queue(deviceId), this.keys.queueParked(deviceId)],
        [JSON.stringify(batch), batch.parkedItemId ?? '', this.ttlMs],
      ),
    );
    // After the append: a relay that just emptied this device's outbox and dropped it from the index re-checks the
    // outbox after dropping it, and this add comes after our append, so the device cannot fall out of the index.
    await guardRedis(() => this.client.sadd(this.keys.outboxDevices(), deviceId));
  }

  async hasPending(deviceId: string): Promise<boolean> {
    return (await guardRedis(() => this.client.exists(this.keys.outbox(deviceId)))) === 1;
  }

  async pendingDevices(limit: number): Promise<string[]> {
    return guardRedis(() => this.client.srandmember(this.keys.outboxDevices(), limit));
  }

  async peek(deviceId: string, limit: number): Promise<DeferredBatch[]> {
    const items = await guardRedis(() => this.client.lrange(this.keys.outbox(deviceId), 0, limit - 1));
    return items.map((json) => JSON.parse(json) as DeferredBatch);
  }

  async release(deviceId: string, batchIds: string[]): Promise<void> {
    const left = await guardRedis(() =>
      releaseScript.run(this.client, [this.keys.outbox(deviceId), this.keys.queue(deviceId), this.keys.queueParked(deviceId)], batchIds),
    );
    if (left > 0) return;
    await guardRedis(() => this.client.srem(this.keys.outboxDevices(), deviceId));
    // A batch deferred between our release and the removal must keep the device listed.
    if ((await guardRedis(() => this.client.exists(this.keys.outbox(deviceId)))) === 1) {
      await guardRedis(() => this.client.sadd(this.keys.outboxDevices(), deviceId));
    }
  }

  async claim(deviceId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await guardRedis(() => this.client.set(this.keys.outboxClaim(deviceId), owner, 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async unclaim(deviceId: string, owner: string): Promise<void> {
    await guardRedis(() => unclaimScript.run(this.client, [this.keys.outboxClaim(deviceId)], [owner]));
  }
}
