import Datastore from '@seald-io/nedb';
import type { StoredDocument } from '@acs/platform';
import { describeDocumentCollectionContract } from '@acs/testing';

import { NedbCollection } from './nedb-collection';

// The earlier embedded store's collections keep the same DocumentCollection contract, here on an in-memory datastore.
describeDocumentCollectionContract('nedb (in memory)', async () => ({
  adapter: new NedbCollection('pairs', new Datastore<StoredDocument>({ inMemoryOnly: true })),
  cleanup: async () => undefined,
}));
