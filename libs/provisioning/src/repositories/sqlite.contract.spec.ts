import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  describeDeviceRepositoryContract,
  describeFaultRepositoryContract,
  describePresetRepositoryContract,
  describeStorePersistenceContract,
  describeTaskRepositoryContract,
  readDeviceModelCsv,
  sampleInform,
  TPLINK_EX220_DUMP,
  type ProvisioningStoreFactory,
} from '../testing';
import type { ProvisioningStore } from './ports';
import { openSqliteProvisioningStore, PROVISIONING_DATABASE_FILE } from './sqlite-store';

// The standalone's store: the same suites as MongoDB and nedb, on a fresh data directory per test; a reopen is a
// real close (WAL checkpoint) and open of the same file.
const sqlite: ProvisioningStoreFactory = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-sqlite-'));
  let store: ProvisioningStore = openSqliteProvisioningStore({ dataDir });
  return {
    // One connection, synchronous statements: a filtered update is applied whole before the next one starts.
    isolatesConcurrentWrites: true,
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = openSqliteProvisioningStore({ dataDir });
      return store;
    },
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

describeDeviceRepositoryContract('sqlite', sqlite);
describeTaskRepositoryContract('sqlite', sqlite);
describePresetRepositoryContract('sqlite', sqlite);
describeFaultRepositoryContract('sqlite', sqlite);
describeStorePersistenceContract('sqlite', sqlite);

describe('sqlite store on disk', () => {
  it('stores a full TP-Link EX220 tree one row per node and reads it back whole, and prints its size on disk', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-sqlite-'));
    const store = openSqliteProvisioningStore({ dataDir });
    const dump = readDeviceModelCsv(TPLINK_EX220_DUMP);
    const facts = sampleInform();
    await store.devices.applyInform(facts);
    const before = store.stats();
    await store.devices.replaceSubtree(facts.id, 'Device', dump.map(({ path, ...node }) => ({ path, ...node })), facts.at + 1);
    const device = await store.devices.get(facts.id);
    expect(Object.keys(device!.parameters)).toHaveLength(dump.length);
    const rows = store.database.prepare('SELECT count(*) AS n FROM devices__tree').get() as { n: number };
    expect(rows.n).toBe(dump.length);
    const after = store.stats();
    const bytes = (after.pageCount - before.pageCount) * after.pageSize;
    await store.close();
    const file = await stat(join(dataDir, PROVISIONING_DATABASE_FILE));
    console.info(`TP-Link EX220 in SQLite: ${dump.length} nodes, ${bytes} bytes of pages for the tree (${(bytes / dump.length).toFixed(0)} B/node); file ${file.size} bytes`);
    await rm(dataDir, { recursive: true, force: true });
  });
});
