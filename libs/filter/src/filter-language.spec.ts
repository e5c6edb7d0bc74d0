import Datastore from '@seald-io/nedb';

import { equalityForms, filterStringLiteral, likeHasWildcard, likePatternToRegExp } from './filter-ast';
import { evaluateFilter } from './filter-evaluator';
import { compileFilterToMongo } from './filter-mongo-compiler';
import { parseFilter } from './filter-parser';
import type { FilterShape } from './filter-shape';
import { FilterSyntaxError } from './filter-syntax-error';

// The language on documents that are not devices, as a firmware service would use it: its own fields, its own time
// field, its tags under another name, parameters (the models an image is for) under another key. Provisioning's
// device shape has its own specs in libs/provisioning/src/filter.

interface FirmwareImage {
  name: string;
  version: string;
  sizeBytes: number;
  uploadedAt: number;
  labels: string[];
  /** Parameter values a device must report for the image to apply, by path. */
  requires: Record<string, string | number | boolean>;
}

const STORED_KEYS: Record<string, string> = { name: '_id', version: 'version', sizeBytes: 'size', uploadedAt: 'uploadedAt' };

const IMAGE_SHAPE: FilterShape<FirmwareImage> = {
  fields: ['name', 'version', 'sizeBytes', 'uploadedAt'],
  timeFields: ['uploadedAt'],
  examplePath: 'Device.DeviceInfo.ModelName',
  valueOf: (image, field) => {
    if (field.kind === 'parameter') return image.requires[field.path];
    const key = field.name as keyof Omit<FirmwareImage, 'labels' | 'requires'>;
    return image[key];
  },
  tagsOf: (image) => image.labels,
  storedKey: (field) => {
    switch (field.kind) {
      case 'device':
        return STORED_KEYS[field.name];
      case 'tag':
        return 'labels';
      case 'parameter':
        return `req.${field.path}`;
    }
  },
};

function stored(image: FirmwareImage): Record<string, unknown> {
  const req: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(image.requires)) {
    const segments = path.split('.');
    let level = req;
    for (const segment of segments.slice(0, -1)) level = (level[segment] ??= {}) as Record<string, unknown>;
    level[segments[segments.length - 1]] = value;
  }
  return { _id: image.name, version: image.version, size: image.sizeBytes, uploadedAt: image.uploadedAt, labels: image.labels, req };
}

const IMAGES: FirmwareImage[] = [
  { name: 'hg-3.1', version: '3.1', sizeBytes: 40_000_000, uploadedAt: Date.parse('2024-05-01T00:00:00Z'), labels: ['stable'], requires: { 'Device.DeviceInfo.ModelName': 'HG8245' } },
  { name: 'hg-3.2-rc', version: '3.2', sizeBytes: 41_000_000, uploadedAt: Date.parse('2024-06-01T00:00:00Z'), labels: ['beta', 'lab'], requires: { 'Device.DeviceInfo.ModelName': 'HG8245', 'Device.DeviceInfo.HardwareVersion': 2 } },
  { name: 'rx-1.0', version: '1.0', sizeBytes: 8_000_000, uploadedAt: Date.parse('2023-01-01T00:00:00Z'), labels: [], requires: {} },
];

describe('the filter language over a shape the caller passes in', () => {
  it('parses the shape’s own fields and reads its time fields as epoch milliseconds', () => {
    expect(parseFilter('version = "3.1"', IMAGE_SHAPE)).toEqual({ kind: 'compare', field: { kind: 'device', name: 'version' }, operator: '=', value: '3.1' });
    expect(parseFilter('uploadedAt < "2024-05-01"', IMAGE_SHAPE)).toMatchObject({ value: Date.parse('2024-05-01T00:00:00Z') });
  });

  it('names the shape’s fields and example path in its errors', () => {
    const error = (text: string): FilterSyntaxError => {
      try {
        parseFilter(text, IMAGE_SHAPE);
      } catch (e) {
        if (e instanceof FilterSyntaxError) return e;
        throw e;
      }
      throw new Error(`"${text}" parsed`);
    };
    expect(error('serialNumber = "x"').reason).toBe(
      'Unknown field "serialNumber": expected one of name, version, sizeBytes, uploadedAt, tag, or a parameter path such as Device.DeviceInfo.ModelName',
    );
    expect(error('vers = "x"').reason).toContain('did you mean "version"');
    expect(error('uploadedAt LIKE "2024*"').reason).toContain('is a time');
    expect(error('Device.constructor = "x"').reason).toContain('segment "constructor"');
  });

  it('compiles to the shape’s stored keys', () => {
    expect(compileFilterToMongo(parseFilter('name = "hg-3.1" AND tag = "stable" AND sizeBytes > 1', IMAGE_SHAPE), IMAGE_SHAPE)).toEqual({
      $and: [{ _id: 'hg-3.1' }, { labels: 'stable' }, { size: { $gt: 1 } }],
    });
    expect(compileFilterToMongo(parseFilter('tag IS NULL', IMAGE_SHAPE), IMAGE_SHAPE)).toEqual({ 'labels.0': { $exists: false } });
    expect(compileFilterToMongo(parseFilter('Device.DeviceInfo.ModelName = "x"', IMAGE_SHAPE), IMAGE_SHAPE)).toEqual({ 'req.Device.DeviceInfo.ModelName': 'x' });
  });

  describe('agrees in memory and in the embedded store', () => {
    const store = new Datastore({ inMemoryOnly: true });
    beforeAll(async () => {
      await store.insertAsync(IMAGES.map(stored));
    });

    it.each<[string, string[]]>([
      ['', ['hg-3.1', 'hg-3.2-rc', 'rx-1.0']],
      ['version >= "3"', ['hg-3.1', 'hg-3.2-rc']],
      ['sizeBytes < 10000000', ['rx-1.0']],
      ['uploadedAt >= "2024-01-01T00:00:00Z"', ['hg-3.1', 'hg-3.2-rc']],
      ['tag = "lab" OR tag IS NULL', ['hg-3.2-rc', 'rx-1.0']],
      ['NOT tag IN ("beta")', ['hg-3.1', 'rx-1.0']],
      ['name LIKE "hg-*"', ['hg-3.1', 'hg-3.2-rc']],
      ['name LIKE "hg-3._"', ['hg-3.1']],
      ['name LIKE "%-rc"', ['hg-3.2-rc']],
      ['Device.DeviceInfo.ModelName = "HG8245" AND Device.DeviceInfo.HardwareVersion = "2"', ['hg-3.2-rc']],
      ['Device.DeviceInfo.ModelName IS NULL', ['rx-1.0']],
      ['Device.DeviceInfo.HardwareVersion != 2', []],
    ])('%s', async (text, expected) => {
      const expr = parseFilter(text, IMAGE_SHAPE);
      const inMemory = IMAGES.filter((image) => evaluateFilter(expr, image, IMAGE_SHAPE)).map((image) => image.name);
      const found = (await store.findAsync(compileFilterToMongo(expr, IMAGE_SHAPE, { dialect: 'nedb' }))).map((d) => d._id as string).sort();
      expect(inMemory).toEqual(expected);
      expect(found).toEqual(expected);
    });
  });

  it('equates both spellings of integers and booleans, and anchors LIKE patterns', () => {
    expect(equalityForms(5)).toEqual([5, '5']);
    expect(equalityForms('07')).toEqual(['07']);
    expect(equalityForms('1.2')).toEqual(['1.2']);
    expect(likePatternToRegExp('a.b*\\?').test('a.bxyz?')).toBe(true);
    expect(likePatternToRegExp('a?').test('ab c')).toBe(false);
  });

  it.each<[string, string, boolean]>([
    // SQL's wildcards and the glob's are the same two.
    ['FLEET00001%', 'FLEET000012', true],
    ['FLEET00001*', 'FLEET000012', true],
    ['FLEET00001%', 'FLEET0000', false],
    ['a_c', 'abc', true],
    ['a_c', 'abbc', false],
    ['a?c', 'abc', true],
    ['%b%', 'abc', true],
    ['%', '', true],
    ['%%x', 'yx', true],
    // Escaped (`\\%` in the filter's text, or `\%`), a wildcard is itself.
    ['50\\%', '50%', true],
    ['50\\%', '500', false],
    ['a\\_b', 'a_b', true],
    ['a\\_b', 'axb', false],
    ['a\\\\%', 'a\\xyz', true],
    ['line%', 'line\n2', true],
  ])('LIKE "%s" on %j is %s', (pattern, text, expected) => {
    expect(likePatternToRegExp(pattern).test(text)).toBe(expected);
  });

  it('compiles a pattern with a literal start and a final wildcard to the bare prefix form', () => {
    expect(likePatternToRegExp('FLEET00001%').source).toBe('^FLEET00001');
    expect(likePatternToRegExp('a.b**').source).toBe('^a\\.b');
    expect(likePatternToRegExp('a%b').source).toBe('^a[\\s\\S]*b$');
    expect(likePatternToRegExp('a\\%').source).toBe('^a%$');
  });

  it('reads \\% \\_ \\* \\? in a string as the character itself, a wildcard escaped in a LIKE pattern', () => {
    expect(parseFilter('name LIKE "50\\%_"', IMAGE_SHAPE)).toMatchObject({ kind: 'like', pattern: '50\\%_' });
    expect(parseFilter('name LIKE "50\\\\%_"', IMAGE_SHAPE)).toMatchObject({ kind: 'like', pattern: '50\\%_' });
    expect(parseFilter('name = "50\\%"', IMAGE_SHAPE)).toMatchObject({ kind: 'compare', value: '50%' });
    expect(likeHasWildcard('50\\%')).toBe(false);
    expect(likeHasWildcard('50\\%_')).toBe(true);
    expect(likeHasWildcard('ABC')).toBe(false);
  });
});

describe('filterStringLiteral', () => {
  it('writes a literal the language reads back as the same text, compared as it is', () => {
    for (const text of ['00259E-HG8245-ABC123', 'quoted"id', 'back\\slash', '50%_*?']) {
      expect(parseFilter(`version = ${filterStringLiteral(text)}`, IMAGE_SHAPE)).toEqual({ kind: 'compare', field: { kind: 'device', name: 'version' }, operator: '=', value: text });
    }
  });
});
