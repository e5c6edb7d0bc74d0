import Datastore from '@seald-io/nedb';

import { compileFilterToMongo, evaluateFilter, parseFilter } from '@acs/filter';

import { DEVICE_FILTER_SHAPE, toStoredDevice } from '../filter/storedDeviceShape';
import { FILTER_MATRIX as MATRIX } from '../filter/test-support/filter-matrix';
import { SAMPLE_DEVICES } from '../filter/test-support/sample-devices';

describe('filter: in-memory evaluation and the compiled store query agree', () => {
  const store = new Datastore({ inMemoryOnly: true });

  beforeAll(async () => {
    await store.insertAsync(SAMPLE_DEVICES.map(toStoredDevice));
  });

  it.each(MATRIX)('%s', async (text, expected) => {
    const expr = parseFilter(text, DEVICE_FILTER_SHAPE);
    const inMemory = SAMPLE_DEVICES.filter((d) => evaluateFilter(expr, d, DEVICE_FILTER_SHAPE)).map((d) => d.id);
    const stored = (await store.findAsync(compileFilterToMongo(expr, DEVICE_FILTER_SHAPE, { dialect: 'nedb' }))).map((d) => d._id as string).sort();
    expect(inMemory).toEqual(expected);
    expect(stored).toEqual(expected);
  });
});
