import { planIndexChanges, type ExistingIndex } from './index-builder';
import type { DeclaredIndex } from './service-collections';

const bySerial: DeclaredIndex = { name: 'serial_1', fields: [['serial', 1]], unique: true, sparse: false, why: 'find the device by serial' };
const byVendor: DeclaredIndex = { name: 'oui_1_seen_-1', fields: [['oui', 1], ['seen', -1]], unique: false, sparse: false, why: 'recent devices of a vendor' };
const byTag: DeclaredIndex = { name: 'tag_1', fields: [['tag', 1]], unique: true, sparse: true, why: 'find tagged devices' };
const idIndex: ExistingIndex = { v: 2, key: { _id: 1 }, name: '_id_' };
const mongo = { reportsSparse: true };
const ferret = { reportsSparse: false };

describe('planIndexChanges', () => {
  it('creates every declared index on an empty collection and never touches _id_', () => {
    expect(planIndexChanges([bySerial, byVendor], [idIndex], mongo)).toEqual([
      { action: 'create', index: bySerial },
      { action: 'create', index: byVendor },
    ]);
  });

  it('keeps indexes that match their declaration', () => {
    const existing: ExistingIndex[] = [
      idIndex,
      { v: 2, key: { serial: 1 }, name: 'serial_1', unique: true },
      { v: 2, key: { oui: 1, seen: -1 }, name: 'oui_1_seen_-1', background: true },
    ];
    expect(planIndexChanges([bySerial, byVendor], existing, mongo)).toEqual([
      { action: 'keep', index: bySerial },
      { action: 'keep', index: byVendor },
    ]);
  });

  it('drops undeclared indexes before creating', () => {
    const existing: ExistingIndex[] = [idIndex, { v: 2, key: { legacy: 1 }, name: 'legacy_1' }];
    expect(planIndexChanges([bySerial], existing, mongo)).toEqual([
      { action: 'drop', name: 'legacy_1', reason: 'not declared (key { legacy: 1 })' },
      { action: 'create', index: bySerial },
    ]);
  });

  it.each([
    [{ v: 2, key: { serial: 1 }, name: 'serial_1' }, 'unique false → true'],
    [{ v: 2, key: { serial: -1 }, name: 'serial_1', unique: true }, 'key { serial: -1 } → { serial: 1 }'],
    [{ v: 2, key: { serial: 1, x: 1 }, name: 'serial_1', unique: true }, 'key { serial: 1, x: 1 } → { serial: 1 }'],
    [{ v: 2, key: { serial: 1 }, name: 'serial_1', unique: true, sparse: true }, 'sparse true → false'],
    [{ v: 2, key: { serial: 1 }, name: 'serial_1', unique: true, expireAfterSeconds: 60 }, 'has options not declared: expireAfterSeconds'],
  ])('rebuilds an index declared differently: %j', (current, difference) => {
    expect(planIndexChanges([bySerial], [idIndex, current as ExistingIndex], mongo)).toEqual([
      { action: 'drop', name: 'serial_1', reason: `declared differently: ${difference}` },
      { action: 'create', index: bySerial },
    ]);
  });

  it('keeps a built sparse index on a server that does not report sparse (FerretDB) instead of rebuilding it every run', () => {
    const asFerretReportsIt: ExistingIndex = { v: 2, key: { tag: 1 }, name: 'tag_1', unique: true };
    expect(planIndexChanges([byTag], [idIndex, asFerretReportsIt], ferret)).toEqual([{ action: 'keep', index: byTag }]);
    expect(planIndexChanges([byTag], [idIndex, asFerretReportsIt], mongo)[0]).toEqual({
      action: 'drop',
      name: 'tag_1',
      reason: 'declared differently: sparse false → true',
    });
  });
});
