import { Schema } from 'mongoose';

import { CollectionDeclarationError, ServiceCollections, type IndexDeclaration } from './service-collections';

const deviceSchema = () => new Schema({ serialNumber: String, oui: String, lastInform: Date, tag: String });

function defineWith(indexes: unknown[], schema = deviceSchema()) {
  return new ServiceCollections('provisioning').define({ name: 'devices', schema, indexes: indexes as IndexDeclaration[] });
}

describe('ServiceCollections.define', () => {
  it('names the collection and the model <service>.<name> and resolves the index names', () => {
    const devices = defineWith([
      { fields: { serialNumber: 1 }, unique: true, why: 'find the device of an Inform by serial number' },
      { fields: { oui: 1, lastInform: -1 }, why: 'list the most recently seen devices of a vendor' },
      { fields: { tag: 1 }, sparse: true, name: 'by_tag', why: 'find tagged devices' },
    ]);
    expect(devices).toMatchObject({ service: 'provisioning', name: 'devices', collection: 'provisioning.devices', modelName: 'provisioning.devices' });
    expect(devices.indexes).toEqual([
      { name: 'serialNumber_1', fields: [['serialNumber', 1]], unique: true, sparse: false, why: 'find the device of an Inform by serial number' },
      { name: 'oui_1_lastInform_-1', fields: [['oui', 1], ['lastInform', -1]], unique: false, sparse: false, why: 'list the most recently seen devices of a vendor' },
      { name: 'by_tag', fields: [['tag', 1]], unique: false, sparse: true, why: 'find tagged devices' },
    ]);
  });

  it('adds the declared indexes to a copy of the schema, leaving the caller’s schema untouched', () => {
    const schema = deviceSchema();
    const devices = defineWith([{ fields: { serialNumber: 1 }, unique: true, why: 'lookup by serial' }], schema);
    expect(schema.indexes()).toEqual([]);
    expect(devices.schema.indexes()).toEqual([[{ serialNumber: 1 }, expect.objectContaining({ name: 'serialNumber_1', unique: true })]]);
    // The same schema can back a second collection.
    expect(() => new ServiceCollections('grouping').define({ name: 'devices', schema, indexes: [] })).not.toThrow();
  });

  it('accepts an explicit collection name', () => {
    const registry = new ServiceCollections('provisioning');
    expect(registry.define({ name: 'devices', collection: 'devices', schema: deviceSchema(), indexes: [] }).collection).toBe('devices');
    expect(registry.collections.map((c) => c.collection)).toEqual(['devices']);
  });

  it.each([
    [{ fields: { serialNumber: 1 }, unique: true }, /every index needs a `why`/],
    [{ fields: { serialNumber: 1 }, why: '   ' }, /every index needs a `why`/],
  ])('refuses an index without a reason: %j', (index, message) => {
    expect(() => defineWith([index])).toThrow(CollectionDeclarationError);
    expect(() => defineWith([index])).toThrow(message);
  });

  it('refuses TTL indexes, pointing to the FerretDB list and the sweeper alternative', () => {
    const ttl = { fields: { lastInform: 1 }, expireAfterSeconds: 3600, why: 'forget silent devices' };
    expect(() => defineWith([ttl])).toThrow(/TTL indexes .* not supported by FerretDB .*deploy\/local\/README\.md.*sweeper job/);
  });

  it('refuses partial indexes, suggesting sparse', () => {
    const partial = { fields: { tag: 1 }, partialFilterExpression: { tag: { $exists: true } }, why: 'tagged devices' };
    expect(() => defineWith([partial])).toThrow(/partial indexes .* not supported by FerretDB .*deploy\/local\/README\.md.*sparse: true/);
  });

  it.each([
    [{ fields: { tag: 'text' }, why: 'search' }, /only 1 and -1 are supported/],
    [{ fields: { tag: 'hashed' }, why: 'sharding' }, /only 1 and -1 are supported/],
    [{ fields: { tag: 1 }, collation: { locale: 'en' }, why: 'sorted names' }, /unsupported index option\(s\) collation/],
    [{ fields: { tag: 1 }, hidden: true, why: 'x' }, /unsupported index option\(s\) hidden/],
    [{ fields: {}, why: 'nothing' }, /at least one field/],
    [{ fields: { _id: 1 }, why: 'ids' }, /already has its unique _id index/],
    [{ fields: { $where: 1 }, why: 'x' }, /not a field path/],
    [{ fields: { tag: 1 }, unique: 'yes', why: 'x' }, /unique must be true or false/],
    [{ fields: { tag: 1 }, name: '_id_', why: 'x' }, /not a usable index name/],
  ])('refuses index kinds outside the shared subset: %j', (index, message) => {
    expect(() => defineWith([index])).toThrow(message);
  });

  it('refuses two indexes with one name or one key pattern', () => {
    expect(() =>
      defineWith([
        { fields: { tag: 1 }, name: 'x', why: 'a' },
        { fields: { oui: 1 }, name: 'x', why: 'b' },
      ]),
    ).toThrow(/two indexes are named "x"/);
    expect(() =>
      defineWith([
        { fields: { tag: 1 }, why: 'a' },
        { fields: { tag: 1 }, unique: true, name: 'tag_unique', why: 'b' },
      ]),
    ).toThrow(/two indexes have the key \{ tag: 1 \}/);
  });

  it('refuses indexes written into the schema, which carry no reason', () => {
    expect(() => defineWith([], new Schema({ serialNumber: { type: String, unique: true } }))).toThrow(/declare it in `indexes` instead, with a `why`/);
    const withIndex = deviceSchema();
    withIndex.index({ oui: 1 });
    expect(() => defineWith([], withIndex)).toThrow(/schema index \{ oui: 1 \}/);
    expect(() => defineWith([], new Schema({ seenAt: { type: Date, expires: 60 } }))).toThrow(/TTL indexes .* sweeper job/);
  });

  it('refuses bad service and collection names and a collection declared twice', () => {
    expect(() => new ServiceCollections('Provisioning')).toThrow(CollectionDeclarationError);
    expect(() => new ServiceCollections('prov.x')).toThrow(CollectionDeclarationError);
    const registry = new ServiceCollections('provisioning');
    expect(() => registry.define({ name: 'Devices', schema: deviceSchema(), indexes: [] })).toThrow(/collection name starts with a lower-case letter/);
    expect(() => registry.define({ name: 'devices', collection: 'system.users', schema: deviceSchema(), indexes: [] })).toThrow(/not a usable collection name/);
    expect(() => registry.define({ name: 'devices', collection: 'a$b', schema: deviceSchema(), indexes: [] })).toThrow(/not a usable collection name/);
    registry.define({ name: 'devices', schema: deviceSchema(), indexes: [] });
    expect(() => registry.define({ name: 'devices', schema: deviceSchema(), indexes: [] })).toThrow(/declared twice/);
    expect(() => registry.define({ name: 'other', collection: 'provisioning.devices', schema: deviceSchema(), indexes: [] })).toThrow(/already declared by provisioning.devices/);
  });
});
