import type { OpenResult, SessionRecord, SessionStore } from '../ports';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface StoredSession extends Expiring<SessionRecord> {
  /** The connection address bound to the session, unbound with it. */
  address?: string;
}

/** How often expired sessions, address bindings, plan marks and in-flight entries are swept. */
export const SESSION_SWEEP_INTERVAL_MS = 10_000;

/**
 * SessionStore for one process. Same rules as the Redis adapter (lock + record taken together, revision
 * compare-and-set, TTL on everything); records are copied in and out so callers cannot share state by reference,
 * exactly as they could not through Redis.
 *
 * Memory follows the sessions under way, not the fleet: a session's lock, plan mark and address binding go with it
 * when it closes (or is superseded), and whatever an abandoned session left is swept once its TTL has passed.
 */
export class InProcessSessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** deviceId → id of the session holding the device's lock */
  private readonly locks = new Map<string, string>();
  private readonly addresses = new Map<string, Expiring<string>>();
  private readonly plans = new Map<string, number>();
  /** pod → session id → expiry */
  private readonly inFlight = new Map<string, Map<string, number>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Lazy expiry alone would keep abandoned sessions in memory forever; sweep them once in a while.
    this.sweeper = setInterval(() => this.sweep(), SESSION_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async open(record: SessionRecord, ttlMs: number, supersedeAfterMs: number): Promise<OpenResult> {
    const holder = this.live(this.locks.get(record.deviceId));
    let superseded: SessionRecord | undefined;
    if (holder) {
      if (this.now() - holder.startedAt < supersedeAfterMs) return { opened: false, reason: 'busy', holder: copy(holder) };
      superseded = holder;
      this.forget(holder.id);
    }
    this.sessions.set(record.id, { value: copy(record), expiresAt: this.now() + ttlMs });
    this.locks.set(record.deviceId, record.id);
    return superseded ? { opened: true, superseded } : { opened: true };
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    return record ? copy(record) : null;
  }

  async update(record: SessionRecord, ttlMs: number): Promise<boolean> {
    const current = this.live(record.id);
    if (!current || current.revision !== record.revision - 1) return false;
    const address = this.sessions.get(record.id)?.address;
    this.sessions.set(record.id, { value: copy(record), expiresAt: this.now() + ttlMs, address });
    return true;
  }

  async close(record: Pick<SessionRecord, 'id' | 'deviceId'>): Promise<void> {
    this.forget(record.id);
    // A session already expired or superseded is gone from the map; its plan mark may have come after.
    this.plans.delete(planKey(record.deviceId, record.id));
    if (this.locks.get(record.deviceId) === record.id) this.locks.delete(record.deviceId);
  }

  async byDevice(deviceId: string): Promise<SessionRecord | null> {
    const record = this.live(this.locks.get(deviceId));
    return record ? copy(record) : null;
  }

  async bindAddress(address: string, sessionId: string, ttlMs: number): Promise<void> {
    this.addresses.set(address, { value: sessionId, expiresAt: this.now() + ttlMs });
    const session = this.sessions.get(sessionId);
    if (session) session.address = address;
  }

  async sessionForAddress(address: string): Promise<string | null> {
    const entry = this.addresses.get(address);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.addresses.delete(address);
      return null;
    }
    return entry.value;
  }

  async markPlanned(deviceId: string, sessionId: string, ttlMs: number): Promise<void> {
    this.plans.set(planKey(deviceId, sessionId), this.now() + ttlMs);
  }

  async isPlanned(deviceId: string, sessionId: string): Promise<boolean> {
    const expiresAt = this.plans.get(planKey(deviceId, sessionId));
    return expiresAt !== undefined && expiresAt > this.now();
  }

  async trackOpened(pod: string, sessionId: string, expiresAt: number): Promise<void> {
    let sessions = this.inFlight.get(pod);
    if (!sessions) this.inFlight.set(pod, (sessions = new Map()));
    sessions.set(sessionId, expiresAt);
  }

  async trackClosed(pod: string, sessionId: string): Promise<void> {
    this.inFlight.get(pod)?.delete(sessionId);
  }

  async openedCount(pod: string): Promise<number> {
    const sessions = this.inFlight.get(pod);
    if (!sessions) return 0;
    const now = this.now();
    for (const [id, expiresAt] of sessions) if (expiresAt <= now) sessions.delete(id);
    return sessions.size;
  }

  async ping(): Promise<void> {
    // Always reachable: it is this process.
  }

  /** Stops the sweeper; the store keeps working (for tests and shutdown). */
  dispose(): void {
    clearInterval(this.sweeper);
  }

  /** What the store holds now, entry counts by kind: the bound of its memory (specs and diagnostics). */
  held(): { sessions: number; locks: number; addresses: number; plans: number; inFlight: number } {
    let inFlight = 0;
    for (const sessions of this.inFlight.values()) inFlight += sessions.size;
    return { sessions: this.sessions.size, locks: this.locks.size, addresses: this.addresses.size, plans: this.plans.size, inFlight };
  }

  /** Drops everything whose TTL has passed; runs every SESSION_SWEEP_INTERVAL_MS. */
  sweep(): void {
    const now = this.now();
    for (const id of this.sessions.keys()) this.live(id);
    for (const [address, entry] of this.addresses) if (entry.expiresAt <= now) this.addresses.delete(address);
    for (const [key, expiresAt] of this.plans) if (expiresAt <= now) this.plans.delete(key);
    for (const [pod, sessions] of this.inFlight) {
      for (const [id, expiresAt] of sessions) if (expiresAt <= now) sessions.delete(id);
      if (sessions.size === 0) this.inFlight.delete(pod);
    }
  }

  private live(sessionId: string | undefined): SessionRecord | undefined {
    if (sessionId === undefined) return undefined;
    const entry = this.sessions.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.forget(sessionId);
      if (this.locks.get(entry.value.deviceId) === sessionId) this.locks.delete(entry.value.deviceId);
      return undefined;
    }
    return entry.value;
  }

  /** Drops a session with its plan mark and its address binding (unless the address is bound to a later session). */
  private forget(sessionId: string): void {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    this.sessions.delete(sessionId);
    this.plans.delete(planKey(entry.value.deviceId, sessionId));
    if (entry.address !== undefined && this.addresses.get(entry.address)?.value === sessionId) this.addresses.delete(entry.address);
  }
}

function planKey(deviceId: string, sessionId: string): string {
  return `${deviceId}\n${sessionId}`;
}

/**
 * Records are copied in and out, so no caller shares state with the store by reference, as none could through Redis.
 * The copy is by shape rather than a generic deep clone (this is on every request's path): the record's own fields,
 * its events array and its outstanding-RPC descriptor. The outstanding request itself is never mutated by anyone
 * once sent, so it is shared.
 */
function copy(record: SessionRecord): SessionRecord {
  return { ...record, events: [...record.events], outstanding: record.outstanding ? { ...record.outstanding } : undefined };
}
