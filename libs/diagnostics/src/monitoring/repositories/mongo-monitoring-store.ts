import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';
import { monitoringStoreOf } from './document-monitoring-store';
import { dailySampleCollection, hourlySampleCollection, monitoredDeviceCollection, monitoringProfileCollection, rawSampleCollection } from './monitoring-collections.schema';
import type { MonitoringStore } from './ports';

/**
 * Monitoring's store on the process's MongoDB connection (`diagnostics.*`). Attaching registers the service's
 * collections (and builds their indexes with autoIndex on). Closing it leaves the shared connection open.
 */
export async function openMongoMonitoringStore(connection: MongoConnection): Promise<MonitoringStore> {
  const models = await diagnosticsCollections.attach(connection);
  const collectionOf = (definition: typeof monitoringProfileCollection) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  return monitoringStoreOf({
    profiles: collectionOf(monitoringProfileCollection),
    devices: collectionOf(monitoredDeviceCollection),
    raw: collectionOf(rawSampleCollection),
    hourly: collectionOf(hourlySampleCollection),
    daily: collectionOf(dailySampleCollection),
  });
}
