import type { Group } from './group';
import { EVERY_KEY, GroupDirectory, isUneventedKey } from './group-directory';
import { parseGroupRule } from './group-rule';

function group(id: string, fields: Partial<Group> = {}): Group {
  return { id, name: id, kind: 'dynamic', filter: '', createdAt: 0, createdBy: 'spec', updatedAt: 0, revision: 1, ...fields };
}

describe('GroupDirectory', () => {
  const directory = new GroupDirectory([
    group('child', { parentId: 'tier', filter: 'Device.X_Region = "north"' }),
    group('tier', { filter: 'Device.X_Tier = "business" AND softwareVersion LIKE "2.%"' }),
    group('tagged', { filter: 'tag = "lab"' }),
    group('list', { kind: 'static', filter: undefined, parentId: 'child' }),
    group('everyone', { filter: '' }),
  ]);

  it('orders every group after its parent', () => {
    const order = directory.ordered.map((g) => g.id);
    expect(order.indexOf('tier')).toBeLessThan(order.indexOf('child'));
    expect(order.indexOf('child')).toBeLessThan(order.indexOf('list'));
    expect(order).toHaveLength(5);
  });

  it('finds the groups reading a changed key, and the groups nested in them', () => {
    expect(directory.affectedBy(['param:Device.X_Tier']).map((g) => g.id)).toEqual(['tier', 'child', 'list']);
    expect(directory.affectedBy(['param:Device.X_Region']).map((g) => g.id)).toEqual(['child', 'list']);
    expect(directory.affectedBy(['param:Device.DeviceInfo.UpTime'])).toEqual([]);
    expect(directory.affectedBy([EVERY_KEY]).map((g) => g.id).sort()).toEqual(['child', 'everyone', 'list', 'tagged', 'tier']);
  });

  it('picks the groups reading what no event reports, each once with the groups nested in it', () => {
    expect(directory.readingUnevented().map((g) => g.id)).toEqual(['tier']);
    const seen = new GroupDirectory([
      group('recent', { filter: 'lastInform > "2026-12-01T00:00:00Z"' }),
      group('recent lab', { parentId: 'recent', filter: 'tag = "lab" AND ip LIKE "10.%"' }),
      group('lab', { filter: 'tag = "lab"' }),
      group('lab on 2.0', { parentId: 'lab', filter: 'serialNumber LIKE "A%" AND periodicInformInterval < 600' }),
      group('booted', { filter: 'lastBoot > "2026-12-01T00:00:00Z" AND softwareVersion = "2.0"' }),
    ]);
    expect(seen.readingUnevented().map((g) => g.id)).toEqual(['recent', 'lab on 2.0']);
    expect(['field:lastInform', 'field:ip', 'field:periodicInformInterval', 'param:Device.X'].every(isUneventedKey)).toBe(true);
    expect(['tag', 'field:lastBoot', 'field:softwareVersion', 'field:serialNumber', EVERY_KEY].some(isUneventedKey)).toBe(false);
  });

  it('knows what the affected rules read', () => {
    expect([...directory.keysRead(directory.affectedBy(['field:softwareVersion']))].sort()).toEqual(['field:softwareVersion', 'param:Device.X_Region', 'param:Device.X_Tier']);
  });

  it('tells a cycle: the group itself or a group nested in it as its parent', () => {
    expect(directory.wouldCycle('tier', 'list')).toBe(true);
    expect(directory.wouldCycle('tier', 'tier')).toBe(true);
    expect(directory.wouldCycle('list', 'tier')).toBe(false);
  });
});

describe('parseGroupRule', () => {
  it('keys what a filter reads', () => {
    expect([...parseGroupRule('NOT (tag = "lab" OR lastInform < "2026-01-01T00:00:00Z") AND Device.A.B IS NULL').keys].sort()).toEqual(['field:lastInform', 'param:Device.A.B', 'tag']);
  });

  it('refuses an unknown field with a ValidationError on the field given', () => {
    expect(() => parseGroupRule('colour = "red"', 'selection.filter')).toThrow(expect.objectContaining({ name: 'ValidationError', fieldViolations: [expect.objectContaining({ field: 'selection.filter' })] }));
  });
});
