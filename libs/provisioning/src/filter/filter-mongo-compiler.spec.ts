import { compileFilterToMongo as compileWithShape, parseFilter as parseWithShape, type FilterCompileOptions, type FilterExpr } from '@acs/filter';

import { DEVICE_FILTER_SHAPE } from './storedDeviceShape';

// The language's MongoDB compiler over provisioning's stored device shape (`_id`, `tags`, `p.<path>._v`).
const parseFilter = (text: string) => parseWithShape(text, DEVICE_FILTER_SHAPE);
const compileFilterToMongo = (expr: FilterExpr, options?: FilterCompileOptions) => compileWithShape(expr, DEVICE_FILTER_SHAPE, options);
const mongo = (text: string) => compileFilterToMongo(parseFilter(text));

describe('compileFilterToMongo (mongodb dialect: MongoDB and FerretDB)', () => {
  it('queries parameter values under p.<path>._v and device fields at the top level', () => {
    expect(mongo('Device.DeviceInfo.SoftwareVersion = "1.2"')).toEqual({ 'p.Device.DeviceInfo.SoftwareVersion._v': '1.2' });
    expect(mongo('id = "d1"')).toEqual({ _id: 'd1' });
    expect(mongo('tag = "x"')).toEqual({ tags: 'x' });
    expect(mongo('')).toEqual({});
  });

  it('matches both spellings of numbers and booleans for equality', () => {
    expect(mongo('Device.X.Y = 5')).toEqual({ 'p.Device.X.Y._v': { $in: [5, '5'] } });
    expect(mongo('Device.X.Y = "5"')).toEqual({ 'p.Device.X.Y._v': { $in: ['5', 5] } });
    expect(mongo('Device.X.Y = true')).toEqual({ 'p.Device.X.Y._v': { $in: [true, 'true'] } });
    expect(mongo('Device.X.Y IN ("a", 1)')).toEqual({ 'p.Device.X.Y._v': { $in: ['a', 1, '1'] } });
  });

  it('keeps "not equal" false for unknown values', () => {
    expect(mongo('softwareVersion != "1"')).toEqual({ softwareVersion: { $nin: ['1', 1], $exists: true } });
    expect(mongo('softwareVersion NOT IN ("a")')).toEqual({ softwareVersion: { $nin: ['a'], $exists: true } });
  });

  it('compiles ordering, time fields and null tests', () => {
    expect(mongo('Device.X.Y >= 3 AND lastInform < "2024-01-01T00:00:00Z"')).toEqual({
      $and: [{ 'p.Device.X.Y._v': { $gte: 3 } }, { lastInform: { $lt: Date.parse('2024-01-01T00:00:00Z') } }],
    });
    expect(mongo('ip IS NULL OR tag IS NOT NULL')).toEqual({ $or: [{ ip: { $exists: false } }, { 'tags.0': { $exists: true } }] });
  });

  it('compiles LIKE to an anchored, escaped regular expression', () => {
    const query = mongo('serialNumber LIKE "a.b*c?(d)"') as { serialNumber: { $regex: RegExp } };
    expect(query.serialNumber.$regex.source).toBe('^a\\.b[\\s\\S]*c[\\s\\S]\\(d\\)$');
    expect(query.serialNumber.$regex.flags).toBe('');
  });

  it('negates with $nor (MongoDB has no top-level $not) and with $not for nedb', () => {
    expect(mongo('NOT tag = "x"')).toEqual({ $nor: [{ tags: 'x' }] });
    expect(mongo('tag != "x"')).toEqual({ $nor: [{ tags: 'x' }] });
    expect(compileFilterToMongo(parseFilter('NOT tag = "x"'), { dialect: 'nedb' })).toEqual({ $not: { tags: 'x' } });
    const notLike = mongo('ip NOT LIKE "10.*"') as { $and: [unknown, { $nor: [{ ip: { $regex: RegExp } }] }] };
    expect(notLike.$and[0]).toEqual({ ip: { $exists: true } });
    expect(notLike.$and[1].$nor[0].ip.$regex.source).toBe('^10\\.');
  });

  it('uses only operators MongoDB, FerretDB and nedb share (besides the dialect negation)', () => {
    const shared = new Set(['$and', '$or', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists', '$regex', '$nor']);
    const operators = (value: unknown): string[] =>
      value && typeof value === 'object' && !(value instanceof RegExp)
        ? Object.entries(value).flatMap(([k, v]) => [...(k.startsWith('$') ? [k] : []), ...operators(v)])
        : [];
    const query = mongo(
      'NOT (a.b = 1 OR a.c != "x") AND tag NOT IN ("a") AND tag NOT LIKE "b*" AND a.d NOT LIKE "c" AND a.e IN (1) AND a.f < 1 AND a.g <= 1 AND a.h > 1 AND a.i >= 1 AND a.j IS NULL',
    );
    for (const op of operators(query)) expect(shared.has(op)).toBe(true);
  });
});
