import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mongo } from 'mongoose';

import {
  describeDeviceRepositoryContract,
  describeFaultRepositoryContract,
  describePresetRepositoryContract,
  describeStorePersistenceContract,
  describeTaskRepositoryContract,
  readDeviceModelCsv,
  sampleInform,
  sharedMaterialPresent,
  TPLINK_EX220_DUMP,
  type ProvisioningStoreFactory,
} from '../testing';
import { openEmbeddedProvisioningStore } from './embedded-store';
import type { ProvisioningStore } from './ports';
import { toStoredDevice } from './stored-device';

// The embedded store is the product on one machine, not a mock: the same suites as MongoDB, on a fresh data
// directory per test, and a reopen is a real close + load of the same files.
const embedded: ProvisioningStoreFactory = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-provisioning-'));
  let store: ProvisioningStore = await openEmbeddedProvisioningStore({ dataDir });
  return {
    // nedb runs every operation of a Datastore through one queue.
    isolatesConcurrentWrites: true,
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openEmbeddedProvisioningStore({ dataDir });
      return store;
    },
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

describeDeviceRepositoryContract('nedb', embedded);
describeTaskRepositoryContract('nedb', embedded);
describePresetRepositoryContract('nedb', embedded);
describeFaultRepositoryContract('nedb', embedded);
describeStorePersistenceContract('nedb', embedded);

describe('embedded store on disk', () => {
  it('keeps one file per collection under the data directory, created when missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'acs-provisioning-'));
    const dataDir = join(root, 'nested', 'data');
    const store = await openEmbeddedProvisioningStore({ dataDir, autocompactionIntervalMs: 1_000 });
    const facts = sampleInform();
    await store.devices.applyInform(facts);
    await store.close();
    await store.close();
    const devicesFile = await readFile(join(dataDir, 'provisioning.devices.db'), 'utf8');
    expect(devicesFile).toContain(facts.id);
    for (const name of ['tasks', 'presets', 'faults']) await expect(readFile(join(dataDir, `provisioning.${name}.db`), 'utf8')).resolves.toEqual(expect.any(String));
    await rm(root, { recursive: true, force: true });
  });

  (sharedMaterialPresent() ? it : it.skip)('prints the stored size of the TP-Link EX220 device (BSON and nedb line)', () => {
    const dump = readDeviceModelCsv(TPLINK_EX220_DUMP);
    const facts = sampleInform();
    const stored = toStoredDevice({
      id: facts.id,
      oui: facts.oui,
      productClass: facts.productClass,
      serialNumber: facts.serialNumber,
      manufacturer: facts.manufacturer,
      rootObject: 'Device',
      softwareVersion: '1.0.0',
      registeredAt: facts.at,
      lastInform: facts.at,
      recentEvents: Array.from({ length: 20 }, (_, i) => ({ at: facts.at + i, codes: ['2 PERIODIC'] })),
      tags: ['lab'],
      parameters: Object.fromEntries(dump.map(({ path, ...node }) => [path, { ...node, learnedAt: facts.at }])),
    });
    const bson = mongo.BSON.calculateObjectSize(stored);
    const json = JSON.stringify(stored).length;
    console.info(`TP-Link EX220 stored device: ${dump.length} parameters, BSON ${bson} bytes (${(bson / dump.length).toFixed(0)} B/parameter), nedb line ${json} bytes`);
    expect(bson).toBeLessThan(16 * 1024 * 1024);
  });
});
