import type { AcsRequest, CwmpVersion } from '@acs/cwmp';

/**
 * A CWMP session as the gateway keeps it between HTTP requests. Any gateway pod may serve any request of a
 * session, so everything the session engine needs to go on lives here and nowhere in the pod.
 */
export interface SessionRecord {
  /** Made with `newSessionId(deviceId, random)`; sent to the CPE in the session cookie, opaque to it. */
  id: string;
  deviceId: string;
  cwmpVersion: CwmpVersion;
  /** `cpe`: the CPE holds the turn (sending requests); `acs`: the ACS is sending RPCs. */
  turn: 'cpe' | 'acs';
  /** The RPC sent to the CPE and not yet answered. */
  outstanding?: OutstandingRpc;
  /** RPCs sent to the CPE in this session. */
  rpcCount: number;
  /** Requests received in this session, Inform included. */
  requestCount: number;
  /** Epoch ms the session started. */
  startedAt: number;
  /** Epoch ms after which the ACS sends no more RPCs and ends the session. */
  deadline: number;
  /** Event codes of the Inform that opened the session. */
  events: string[];
  /** The ACS asked the CPE to hold its requests (HoldRequests=true on the last message). */
  holdRequests: boolean;
  /** Set once the gateway stopped waiting for provisioning's "planned" mark. */
  planWaitOver: boolean;
  /** The pod that opened the session, for logs. */
  openedBy: string;
  /** Bumped on every write: a write with a stale revision is refused (two pods racing on one session). */
  revision: number;
}

export interface OutstandingRpc {
  /** cwmp:ID of the request we sent. */
  rpcId: string;
  /** The work item it runs. */
  itemId: string;
  taskId?: string;
  method: AcsRequest['kind'];
  /** The request as sent, so the result can be published with it by whichever pod receives the answer. */
  request: AcsRequest;
  sentAt: number;
}

export type OpenResult =
  | { opened: true; superseded?: SessionRecord }
  | { opened: false; reason: 'busy'; holder: SessionRecord };

/**
 * Port: sessions and per-device session locks. The Redis adapter keeps a device's keys under the `{deviceId}` hash
 * tag so open/close are single-slot Lua scripts; the in-process adapter keeps them in maps with the same TTLs.
 */
export interface SessionStore {
  /**
   * Takes the device's session lock and stores the new session, atomically. A session of the same device that is
   * older than `supersedeAfterMs` (or whose TTL ran out) is replaced and returned as `superseded` (its record and
   * planned mark deleted): a CPE only ever runs one session, so a new Inform means it gave up on the old one. A
   * younger one makes the open fail as busy — including an open repeated with the holder's own id, which callers
   * can recognise by `holder.id === record.id`.
   */
  open(record: SessionRecord, ttlMs: number, supersedeAfterMs: number): Promise<OpenResult>;
  /** The session by id, or null when unknown or expired. */
  get(sessionId: string): Promise<SessionRecord | null>;
  /**
   * Writes the session if its stored revision is still `record.revision - 1`; returns false when another pod
   * wrote first (the caller re-reads) or the session is gone. Refreshes the TTL.
   */
  update(record: SessionRecord, ttlMs: number): Promise<boolean>;
  /** Deletes the session and its planned mark, and releases the device lock if this session holds it. Idempotent. */
  close(record: Pick<SessionRecord, 'id' | 'deviceId'>): Promise<void>;
  /** The session currently holding the device's lock, if any. */
  byDevice(deviceId: string): Promise<SessionRecord | null>;
  /**
   * Fallback for CPEs that drop cookies: remembers which session a client address (ip:port of a kept-alive
   * connection, or ip alone) belongs to.
   */
  bindAddress(address: string, sessionId: string, ttlMs: number): Promise<void>;
  sessionForAddress(address: string): Promise<string | null>;
  /** Provisioning's "planned" mark: set when it has queued everything an Inform calls for. */
  markPlanned(deviceId: string, sessionId: string, ttlMs: number): Promise<void>;
  isPlanned(deviceId: string, sessionId: string): Promise<boolean>;
  /**
   * Per-pod accounting of sessions in flight, for load shedding: a session counts against the pod that opened it
   * until any pod ends it (sessions of one CPE may hop between pods) or `expiresAt` passes (a CPE that vanished).
   */
  trackOpened(pod: string, sessionId: string, expiresAt: number): Promise<void>;
  trackClosed(pod: string, sessionId: string): Promise<void>;
  /** Sessions opened by `pod` and not yet ended or expired. */
  openedCount(pod: string): Promise<number>;
  /** Health: resolves when the store answers, rejects otherwise. */
  ping(): Promise<void>;
}

/**
 * Session ids carry their device id (base64url) before a random part, so a store can find a session's keys — which
 * live under the device's `{deviceId}` hash tag — from the cookie alone, in one slot, without a global index.
 */
export function newSessionId(deviceId: string, random: string): string {
  return `${Buffer.from(deviceId, 'utf8').toString('base64url')}.${random}`;
}

/** The device id a session id was made for, or null when the id is not one of ours. */
export function deviceIdOfSession(sessionId: string): string | null {
  const dot = sessionId.indexOf('.');
  if (dot <= 0 || dot === sessionId.length - 1) return null;
  const deviceId = Buffer.from(sessionId.slice(0, dot), 'base64url').toString('utf8');
  return deviceId.length > 0 ? deviceId : null;
}
