import type { AuditEntry, AuditQuery } from './audit-log.port';

/**
 * The newest `capacity` audit entries in (time, id) order, for listing from memory. Entries arrive when calls end,
 * stamped with the time they started, so a long call lands behind shorter ones that started later: inserting searches
 * back from the end, which is where nearly every entry belongs.
 */
export class AuditEntryList {
  /** Ascending by (time, id); the oldest first. */
  private readonly entries: AuditEntry[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`audit list capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.length;
  }

  insert(entry: AuditEntry): void {
    let at = this.entries.length;
    while (at > 0 && compare(this.entries[at - 1], entry) > 0) at--;
    if (at === this.entries.length) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    // Trimmed in batches: shifting 100,000 references on every insert would cost more than the insert itself.
    const slack = Math.max(1, Math.floor(this.capacity / 100));
    if (this.entries.length >= this.capacity + slack) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Forgets the entries older than `time` (the retention cutoff). */
  dropOlderThan(time: number): void {
    let count = 0;
    while (count < this.entries.length && this.entries[count].time < time) count++;
    if (count > 0) this.entries.splice(0, count);
  }

  /** Matching entries, newest first, strictly older than `before` when given. */
  list(query: AuditQuery): AuditEntry[] {
    const result: AuditEntry[] = [];
    if (query.limit <= 0) return result;
    // The slack above the capacity is not served, so what a listing shows does not depend on when trimming ran.
    const oldest = Math.max(0, this.entries.length - this.capacity);
    for (let i = this.entries.length - 1; i >= oldest && result.length < query.limit; i--) {
      const entry = this.entries[i];
      if (query.before && compare(entry, { time: query.before.time, id: query.before.id }) >= 0) continue;
      if (query.client !== undefined && query.client !== '' && entry.client !== query.client) continue;
      if (query.resourceType !== undefined && query.resourceType !== '' && entry.resourceType !== query.resourceType) continue;
      if (query.outcome !== undefined && query.outcome !== '' && entry.outcome !== query.outcome) continue;
      if (query.to !== undefined && entry.time >= query.to) continue;
      // Newest first: past the lower bound, nothing further down matches.
      if (query.from !== undefined && entry.time < query.from) break;
      result.push(entry);
    }
    return result;
  }
}

function compare(a: Pick<AuditEntry, 'time' | 'id'>, b: Pick<AuditEntry, 'time' | 'id'>): number {
  if (a.time !== b.time) return a.time - b.time;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
