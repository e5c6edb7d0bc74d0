import type { MongoConnection } from '@acs/infra-mongo';
import type { mongo } from 'mongoose';

import type { StoredDocument } from '@acs/platform';
import { StoredDeviceRepository } from './device.repository';
import { StoredFaultRepository } from './fault.repository';
import { MongoDocumentCollection } from '@acs/infra-mongo';
import type { ProvisioningStore } from './ports';
import { StoredPresetRepository } from './preset.repository';
import { StoredTaskResultRepository } from './task-result.repository';
import { StoredTaskRepository } from './task.repository';
import { deviceCollection, faultCollection, presetCollection, provisioningCollections, taskCollection, taskResultCollection } from './provisioning-collections.schema';

/**
 * Provisioning's repositories on the process's MongoDB connection. Attaching registers the collections (and, with
 * autoIndex on, builds the declared indexes). `close()` leaves the shared connection open: the app owns it.
 */
export async function openMongoProvisioningStore(connection: MongoConnection): Promise<ProvisioningStore> {
  const models = await provisioningCollections.attach(connection);
  const collectionOf = (definition: typeof deviceCollection | typeof taskCollection | typeof taskResultCollection | typeof presetCollection | typeof faultCollection) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  const taskResults = new StoredTaskResultRepository(collectionOf(taskResultCollection));
  return {
    devices: new StoredDeviceRepository(collectionOf(deviceCollection)),
    tasks: new StoredTaskRepository(collectionOf(taskCollection), taskResults),
    taskResults,
    presets: new StoredPresetRepository(collectionOf(presetCollection)),
    faults: new StoredFaultRepository(collectionOf(faultCollection)),
    close: async () => undefined,
  };
}
