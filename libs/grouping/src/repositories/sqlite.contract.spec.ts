import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeJobRepositoryContract } from '../testing/job-repository.contract';
import { describeGroupingRepositoriesContract } from '../testing/membership-repository.contract';
import { openSqliteGroupingStore } from './sqlite-store';

async function openStore() {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-grouping-contract-'));
  const store = openSqliteGroupingStore({ dataDir });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describeGroupingRepositoriesContract('SQLite (standalone)', async () => {
  const { store, cleanup } = await openStore();
  return { members: store.members, groups: store.groups, leases: store.leases, cleanup };
});

describeJobRepositoryContract('SQLite (standalone)', async () => {
  const { store, cleanup } = await openStore();
  return { jobs: store.jobs, cleanup };
});
