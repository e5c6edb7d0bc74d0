import { AuditEntryList } from './audit-entry-list';
import { auditEntry } from './testing/audit-log.contract';

describe('AuditEntryList', () => {
  it('keeps the newest entries by time when over capacity, whatever order they came in', () => {
    const list = new AuditEntryList(3);
    const times = [5, 1, 9, 3, 7, 2, 8];
    for (const time of times) list.insert(auditEntry({ id: `t${time}`, time }));
    expect(list.list({ limit: 10 }).map((entry) => entry.id)).toEqual(['t9', 't8', 't7']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AuditEntryList(0)).toThrow(RangeError);
  });
});
