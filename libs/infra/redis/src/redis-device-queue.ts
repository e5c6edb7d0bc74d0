import type Redis from 'ioredis';
import type { DeviceQueue, WorkItem } from '@acs/platform';

import { LuaScript } from './lua-script';
import { RedisKeys } from './redis-keys';
import { guardRedis } from './redis-errors';

/**
 * Ack: pop the head only if it is the acknowledged item, and if it was parked, count one parked item fewer. Prevents
 * an ack repeated after a retry (or sent by a pod that lost the session to another) from removing the next item,
 * which has not run yet, and keeps the parked count in step with the list.
 * KEYS: queue, parked count. ARGV: item id. Returns 1 removed, 0 not the head (already acknowledged).
 */
export const ackScript = new LuaScript<number>(
  'acsQueueAck',
  2,
  `
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then return 0 end
if cjson.decode(head).id ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
local parked = tonumber(redis.call('GET', KEYS[2]) or '0')
if parked > 0 then
  if parked == 1 then redis.call('DEL', KEYS[2]) else redis.call('DECR', KEYS[2]) end
end
return 1
`,
);

/**
 * Lease: the first item past the parked prefix. One script so the count and the list are read at one instant (a
 * relay releasing parked items between two reads would make us skip an item).
 * KEYS: queue, parked count. Returns the item JSON or nil.
 */
const leaseScript = new LuaScript<string | null>(
  'acsQueueLease',
  2,
  `
local parked = tonumber(redis.call('GET', KEYS[2]) or '0')
return redis.call('LINDEX', KEYS[1], parked)
`,
);

/**
 * Remove: withdraw an unparked item by id, wherever it sits. One script so the parked count and the list are read at
 * one instant (a parked item must never be withdrawn: its result waits in the outbox).
 * KEYS: queue, parked count. ARGV: item id. Returns 1 removed, 0 not found or parked.
 */
const removeScript = new LuaScript<number>(
  'acsQueueRemove',
  2,
  `
local parked = tonumber(redis.call('GET', KEYS[2]) or '0')
local items = redis.call('LRANGE', KEYS[1], parked, -1)
for _, json in ipairs(items) do
  if cjson.decode(json).id == ARGV[1] then
    redis.call('LREM', KEYS[1], 1, json)
    return 1
  end
end
return 0
`,
);

export interface RedisDeviceQueueOptions {
  /** First segment of every key; tests use a unique one per run. */
  keyPrefix?: string;
  /**
   * A queue nobody enqueues to for this long is dropped with its items (a device gone for good); refreshed on every
   * enqueue. Default 30 days.
   */
  queueTtlMs?: number;
}

/** DeviceQueue on Redis: a list per device under the device's hash tag; lease peeks, ack pops the head. */
export class RedisDeviceQueue implements DeviceQueue {
  private readonly keys: RedisKeys;
  private readonly queueTtlMs: number;

  constructor(
    private readonly client: Redis,
    options: RedisDeviceQueueOptions = {},
  ) {
    this.keys = new RedisKeys(options.keyPrefix ?? 'acs');
    this.queueTtlMs = Math.max(1, Math.ceil(options.queueTtlMs ?? 30 * 24 * 3_600_000));
    ackScript.install(client);
    leaseScript.install(client);
    removeScript.install(client);
  }

  async enqueue(item: WorkItem): Promise<void> {
    const key = this.keys.queue(item.deviceId);
    // One key, so MULTI is enough to make push and TTL refresh atomic.
    const results = await guardRedis(() => this.client.multi().rpush(key, JSON.stringify(item)).pexpire(key, this.queueTtlMs).exec());
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error(`enqueue on ${key} was aborted`);
  }

  async lease(deviceId: string): Promise<WorkItem | null> {
    const next = await guardRedis(() => leaseScript.run(this.client, [this.keys.queue(deviceId), this.keys.queueParked(deviceId)], []));
    return next === null || next === undefined ? null : parseItem(next);
  }

  async ack(deviceId: string, itemId: string): Promise<void> {
    await guardRedis(() => ackScript.run(this.client, [this.keys.queue(deviceId), this.keys.queueParked(deviceId)], [itemId]));
  }

  async remove(deviceId: string, itemId: string): Promise<boolean> {
    return (await guardRedis(() => removeScript.run(this.client, [this.keys.queue(deviceId), this.keys.queueParked(deviceId)], [itemId]))) === 1;
  }

  async parked(deviceId: string): Promise<number> {
    return Number((await guardRedis(() => this.client.get(this.keys.queueParked(deviceId)))) ?? 0);
  }

  async size(deviceId: string): Promise<number> {
    return guardRedis(() => this.client.llen(this.keys.queue(deviceId)));
  }

  async list(deviceId: string): Promise<WorkItem[]> {
    const items = await guardRedis(() => this.client.lrange(this.keys.queue(deviceId), 0, -1));
    return items.map(parseItem);
  }

  async clear(deviceId: string): Promise<void> {
    await guardRedis(() => this.client.del(this.keys.queue(deviceId), this.keys.queueParked(deviceId)));
  }
}

function parseItem(json: string): WorkItem {
  return JSON.parse(json) as WorkItem;
}
