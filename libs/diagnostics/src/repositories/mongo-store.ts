import type { MongoConnection } from '@acs/infra-mongo';

import type { DiagnosticsStore } from './ports';
import { openMongoAlarmStore } from '../alarms/repositories/mongo-alarm-store';
import { openMongoRunStore } from './run-stores';

/**
 * The diagnostics service's store on the process's MongoDB connection (`diagnostics.*`), every part's repositories.
 * `close()` leaves the shared connection open: the app owns it.
 */
export async function openMongoDiagnosticsStore(connection: MongoConnection): Promise<DiagnosticsStore> {
  return { ...(await openMongoRunStore(connection)), alarms: await openMongoAlarmStore(connection), close: async () => undefined };
}
