import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';
import { compileFilterToMongo, evaluateFilter, parseFilter } from '@acs/filter';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { DEVICE_FILTER_SHAPE, toStoredDevice } from '../filter/storedDeviceShape';
import { FILTER_MATRIX } from '../filter/test-support/filter-matrix';
import { SAMPLE_DEVICES } from '../filter/test-support/sample-devices';
import { MongoDocumentCollection } from '@acs/infra-mongo';

// The filter matrix on a real MongoDB-protocol server (FerretDB here, MongoDB in production): the compiled query
// selects what the in-memory evaluator selects, as on SQLite and nedb. A missing server fails the run.
describe('filter: MongoDB selects what the in-memory evaluator selects', () => {
  const database = new MongoTestDatabase('acs_test_filter');
  let connection: MongoConnection;
  let devices: MongoDocumentCollection;

  beforeAll(async () => {
    connection = await database.connect({ autoIndex: false });
    const collection = connection.connection.db!.collection('devices') as unknown as mongo.Collection<StoredDocument>;
    devices = new MongoDocumentCollection(collection);
    for (const device of SAMPLE_DEVICES) await devices.insertOne(toStoredDevice(device) as unknown as StoredDocument);
  });

  afterAll(() => database.drop());

  it.each(FILTER_MATRIX)('%s', async (text, expected) => {
    const expr = parseFilter(text, DEVICE_FILTER_SHAPE);
    const inMemory = SAMPLE_DEVICES.filter((d) => evaluateFilter(expr, d, DEVICE_FILTER_SHAPE)).map((d) => d.id);
    const query = compileFilterToMongo(expr, DEVICE_FILTER_SHAPE);
    const stored = (await devices.find(query, { sort: [['_id', 1]] })).map((d) => d._id);
    expect(inMemory).toEqual(expected);
    expect(stored).toEqual(expected);
  });
});
