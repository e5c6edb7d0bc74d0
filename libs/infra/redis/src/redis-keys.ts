import { deviceIdOfSession, type LockoutKey, type LockoutScope } from '@acs/platform';

/**
 * Key layout. Everything of one device sits under the Redis Cluster hash tag `{<deviceId>}`, so one Lua script can
 * touch the device's lock, sessions, plan marks and queue in one slot:
 *
 *   <prefix>:{<dev>}:session-lock          id of the session holding the device (TTL = session TTL)
 *   <prefix>:{<dev>}:session:<sessionId>   the SessionRecord as JSON (TTL = session TTL, refreshed on update)
 *   <prefix>:{<dev>}:plan:<sessionId>      provisioning's "planned" mark for that session (own TTL)
 *   <prefix>:{<dev>}:queue                 list of WorkItem JSON, head = next to run (long TTL, refreshed on enqueue)
 *   <prefix>:{<dev>}:queue-parked          how many items at the queue's head are parked (same TTL as the queue)
 *   <prefix>:{<dev>}:outbox                list of DeferredBatch JSON waiting for the bus (long TTL)
 *   <prefix>:{<dev>}:outbox-claim          the relay draining the device's outbox (short TTL)
 *   <prefix>:outbox-devices                set of devices with deferred batches: the relays' work list (a hint,
 *                                          kept outside the device slots, so never touched by a device's script)
 *   <prefix>:addr:<address>                session id for a client address (cookie-less CPEs; own TTL, own slot)
 *   <prefix>:inflight:{pod:<pod>}          sorted set of the sessions a pod opened, scored by expiry (shedding)
 *   <prefix>:{<dev>}:auth-fail             failed CPE authentications of the device and its lockout (hash, TTL)
 *   <prefix>:{<dev>}:auth-fail:<source>    the same for the device as seen from one of its known-good sources
 *   <prefix>:{<dev>}:auth-sources          sorted set of the sources the device authenticated from, by time (TTL)
 *   <prefix>:auth-fail-src:<source>        failed CPE authentications from a source address (own slot, TTL)
 *   <prefix>:auth-locked:<scope>           sorted set of the locked failure keys of a scope, by lockout end (gauge)
 *
 * Session ids carry their device id (`newSessionId` in @acs/platform: base64url(deviceId) + '.' + random), so
 * `get(sessionId)` finds the record's key from the cookie alone.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  sessionLock(deviceId: string): string {
    return `${this.device(deviceId)}:session-lock`;
  }

  /** Keys of this device's sessions start with this; the open script appends the holder's id to reach its record. */
  sessionPrefix(deviceId: string): string {
    return `${this.device(deviceId)}:session:`;
  }

  session(deviceId: string, sessionId: string): string {
    return this.sessionPrefix(deviceId) + sessionId;
  }

  /** The record key of a session id, or null when the id does not carry a device id (not one of ours). */
  sessionById(sessionId: string): string | null {
    const deviceId = deviceIdOfSession(sessionId);
    return deviceId === null ? null : this.session(deviceId, sessionId);
  }

  planPrefix(deviceId: string): string {
    return `${this.device(deviceId)}:plan:`;
  }

  plan(deviceId: string, sessionId: string): string {
    return this.planPrefix(deviceId) + sessionId;
  }

  queue(deviceId: string): string {
    return `${this.device(deviceId)}:queue`;
  }

  queueParked(deviceId: string): string {
    return `${this.device(deviceId)}:queue-parked`;
  }

  outbox(deviceId: string): string {
    return `${this.device(deviceId)}:outbox`;
  }

  outboxClaim(deviceId: string): string {
    return `${this.device(deviceId)}:outbox-claim`;
  }

  outboxDevices(): string {
    return `${this.prefix}:outbox-devices`;
  }

  inFlight(pod: string): string {
    return `${this.prefix}:inflight:{pod:${hashTag(pod)}}`;
  }

  address(address: string): string {
    return `${this.prefix}:addr:${address}`;
  }

  authFailures(key: LockoutKey): string {
    if (key.scope === 'source') return `${this.prefix}:auth-fail-src:${key.source}`;
    return key.source === undefined ? `${this.device(key.deviceId)}:auth-fail` : `${this.device(key.deviceId)}:auth-fail:${key.source}`;
  }

  authSources(deviceId: string): string {
    return `${this.device(deviceId)}:auth-sources`;
  }

  authLocked(scope: LockoutScope): string {
    return `${this.prefix}:auth-locked:${scope}`;
  }

  private device(deviceId: string): string {
    return `${this.prefix}:{${hashTag(deviceId)}}`;
  }
}

/**
 * The device id as it goes between the braces. Redis hashes on the text up to the first `}`, so a brace inside a
 * device id would split its keys over slots; escaping `%`, `{` and `}` keeps the tag whole and the mapping one-to-one.
 */
export function hashTag(deviceId: string): string {
  return deviceId.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
