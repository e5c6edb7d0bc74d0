import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeGroupingRepositoriesContract } from '../testing/membership-repository.contract';
import { openSqliteGroupingStore } from './sqlite-store';

describeGroupingRepositoriesContract('SQLite (standalone)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-grouping-contract-'));
  const store = openSqliteGroupingStore({ dataDir });
  return {
    members: store.members,
    groups: store.groups,
    leases: store.leases,
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
