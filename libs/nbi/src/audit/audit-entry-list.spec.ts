import { AuditEntryList } from './audit-entry-list';
import { auditEntry } from './testing/audit-log.contract';

describe('AuditEntryList', () => {
  it('keeps the newest entries by time when over capacity, whatever order they came in', () => {
    const list = new AuditEntryList(3);
    const times = [5, 1, 9, 3, 7, 2, 8];
    for (const time of times) list.insert(auditEntry({ id: `t${time}`, time }));
    expect(list.list({ limit: 10 }).map((entry) => entry.id)).toEqual(['t9', 't8', 't7']);
  });

  it('forgets the entries older than a cutoff', () => {
    const list = new AuditEntryList(10);
    for (const time of [4, 1, 3, 2]) list.insert(auditEntry({ id: `t${time}`, time }));
    list.dropOlderThan(3);
    expect(list.list({ limit: 10 }).map((entry) => entry.id)).toEqual(['t4', 't3']);
    list.dropOlderThan(0);
    expect(list.size).toBe(2);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AuditEntryList(0)).toThrow(RangeError);
  });
});
