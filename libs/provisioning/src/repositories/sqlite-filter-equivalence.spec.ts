import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compileFilterToMongo, evaluateFilter, parseFilter } from '@acs/filter';
import type { StoredDocument } from '@acs/platform';

import { DEVICE_FILTER_SHAPE, toStoredDevice } from '../filter/storedDeviceShape';
import { FILTER_MATRIX } from '../filter/test-support/filter-matrix';
import { SAMPLE_DEVICES } from '../filter/test-support/sample-devices';
import { openSqliteProvisioningStore, type SqliteProvisioningStore } from './sqlite-store';

// The filter language compiled as for MongoDB, then translated to SQL by the SQLite store: the same devices as the
// in-memory evaluator, for every filter of the matrix.
describe('filter: the SQLite store selects what the in-memory evaluator selects', () => {
  let dataDir: string;
  let store: SqliteProvisioningStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-sqlite-filter-'));
    store = openSqliteProvisioningStore({ dataDir });
    for (const device of SAMPLE_DEVICES) await store.collections.devices.insertOne(toStoredDevice(device) as unknown as StoredDocument);
  });

  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(FILTER_MATRIX)('%s', async (text, expected) => {
    const expr = parseFilter(text, DEVICE_FILTER_SHAPE);
    const inMemory = SAMPLE_DEVICES.filter((d) => evaluateFilter(expr, d, DEVICE_FILTER_SHAPE)).map((d) => d.id);
    const query = compileFilterToMongo(expr, DEVICE_FILTER_SHAPE);
    const stored = (await store.collections.devices.find(query, { sort: [['_id', 1]] })).map((d) => d._id);
    expect(inMemory).toEqual(expected);
    expect(stored).toEqual(expected);
    expect(await store.collections.devices.count(query)).toBe(expected.length);
    // Read as a walk (membership tests probed per document) the answer is the same.
    expect((await store.collections.devices.find(query, { sort: [['_id', 1]], walk: true })).map((d) => d._id)).toEqual(expected);
  });

  it('serves filters on indexed fields, tags and parameter values from indexes, not by scanning every device', () => {
    const plans: Array<[string, RegExp]> = [
      ['serialNumber = "12345"', /USING INDEX devices_c_serialNumber/],
      ['tag = "lab"', /devices__tags.*USING (COVERING )?INDEX/],
      ['Device.DeviceInfo.SoftwareVersion = "1.2"', /devices__tree.*USING (COVERING )?INDEX devices__tree_value/],
      ['lastInform > 0', /USING INDEX devices_c_lastInform/],
      ['serialNumber LIKE "abc*"', /USING INDEX devices_c_serialNumber/],
      ['serialNumber LIKE "FLEET00001%"', /USING INDEX devices_c_serialNumber\w* \(\w+>\? AND \w+<\?\)/],
      ['serialNumber LIKE "FLEET_0001%"', /USING INDEX devices_c_serialNumber\w* \(\w+>\? AND \w+<\?\)/],
      ['Device.DeviceInfo.SoftwareVersion LIKE "1.%"', /devices__tree.*USING (COVERING )?INDEX devices__tree_value/],
    ];
    for (const [text, expected] of plans) {
      const query = compileFilterToMongo(parseFilter(text, DEVICE_FILTER_SHAPE), DEVICE_FILTER_SHAPE);
      const plan = store.collections.devices.explain(query);
      expect({ text, plan }).toEqual({ text, plan: expect.stringMatching(expected) });
      expect(plan).not.toMatch(/SCAN d\b(?! USING)/);
    }
  });

  // Keyset pages (DeviceQuery.afterId, ListDevices omit_total): the filter ANDed with `_id > last id`, in id order,
  // read as a walk. A page then costs the documents it passes over, never the whole set of matches again.
  it('reads a keyset page as a range of the id index, testing tags and parameters per device by their key', () => {
    const walk = (text: string) => {
      const query = text === '' ? {} : compileFilterToMongo(parseFilter(text, DEVICE_FILTER_SHAPE), DEVICE_FILTER_SHAPE);
      return store.collections.devices.explain(text === '' ? { _id: { $gt: 'x' } } : { $and: [query, { _id: { $gt: 'x' } }] }, [['_id', 1]], { walk: true });
    };
    const plans: Array<[string, RegExp[]]> = [
      ['', [/SEARCH d USING COVERING INDEX sqlite_autoindex_devices_1 \(id>\?\)/]],
      ['tag = "lab"', [/SEARCH d USING COVERING INDEX sqlite_autoindex_devices_1 \(id>\?\)/, /devices__tags EXISTS USING PRIMARY KEY \(seq=\? AND value=\?\)/]],
      ['Device.DeviceInfo.SoftwareVersion = "1.2"', [/SEARCH d USING COVERING INDEX sqlite_autoindex_devices_1 \(id>\?\)/, /devices__tree EXISTS USING PRIMARY KEY \(doc=\? AND path=\?\)/]],
      ['Device.DeviceInfo.SoftwareVersion IS NOT NULL AND tag != "lab"', [/SEARCH d USING COVERING INDEX sqlite_autoindex_devices_1 \(id>\?\)/, /devices__tree EXISTS USING PRIMARY KEY/]],
    ];
    for (const [text, expected] of plans) {
      const plan = walk(text);
      for (const step of expected) expect({ text, plan }).toEqual({ text, plan: expect.stringMatching(step) });
      expect({ text, plan }).toEqual({ text, plan: expect.not.stringMatching(/TEMP B-TREE|LIST SUBQUERY/) });
    }
  });
});
