import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openSqliteDatabase } from '@acs/infra-sqlite';

import { describeRolloutStoreContract } from '../testing/rollout-store.contract';
import { openSqliteRolloutStore } from './sqlite-rollout-store';

// The standalone's store: a fresh database file per test, as a service opens it in its data directory.
describeRolloutStoreContract('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-rollout-'));
  const database = openSqliteDatabase(join(dataDir, 'service.sqlite'));
  const store = openSqliteRolloutStore({ database, prefix: 'service' });
  return {
    store,
    // One connection, synchronous statements: a filtered update is applied whole before the next one starts.
    isolatesConcurrentWrites: true,
    async cleanup() {
      await store.close();
      database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
