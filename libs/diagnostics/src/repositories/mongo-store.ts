import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import { DocumentLeases, type StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import type { DiagnosticsStore } from './ports';
import { openMongoAlarmStore } from '../alarms/repositories/mongo-alarm-store';
import { openMongoMonitoringStore } from '../monitoring/repositories/mongo-monitoring-store';
import { diagnosticsCollections, diagnosticsLeaseCollection } from './diagnostics-collections.schema';
import { openMongoRunStore } from './run-stores';

/**
 * The diagnostics service's store on the process's MongoDB connection (`diagnostics.*`), every part's repositories.
 * `close()` leaves the shared connection open: the app owns it.
 */
export async function openMongoDiagnosticsStore(connection: MongoConnection): Promise<DiagnosticsStore> {
  const models = await diagnosticsCollections.attach(connection);
  const leases = new MongoDocumentCollection(models.model(diagnosticsLeaseCollection).collection as unknown as mongo.Collection<StoredDocument>);
  return {
    ...(await openMongoRunStore(connection)),
    alarms: await openMongoAlarmStore(connection),
    monitoring: await openMongoMonitoringStore(connection),
    leases: new DocumentLeases(leases),
    close: async () => undefined,
  };
}
