import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import type { StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';
import { alarmCollection, thresholdRuleCollection, thresholdStateCollection } from './alarms-collections.schema';
import { StoredAlarmRepository } from './alarm.repository';
import type { AlarmStore } from './ports';
import { StoredThresholdRuleRepository } from './threshold-rule.repository';
import { StoredThresholdStateRepository } from './threshold-state.repository';

/**
 * Thresholds and alarms on the process's MongoDB connection (`diagnostics.*`). Attaching registers every collection
 * of the diagnostics registry once (and builds the indexes with autoIndex on); the app owns the connection.
 */
export async function openMongoAlarmStore(connection: MongoConnection): Promise<AlarmStore> {
  const models = await diagnosticsCollections.attach(connection);
  const collectionOf = (definition: typeof alarmCollection) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  return {
    rules: new StoredThresholdRuleRepository(collectionOf(thresholdRuleCollection)),
    states: new StoredThresholdStateRepository(collectionOf(thresholdStateCollection)),
    alarms: new StoredAlarmRepository(collectionOf(alarmCollection)),
  };
}
