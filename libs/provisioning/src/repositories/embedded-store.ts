import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import Datastore from '@seald-io/nedb';

import type { StoredDocument } from '@acs/platform';
import { StoredDeviceRepository } from './device.repository';
import { StoredFaultRepository } from './fault.repository';
import { NedbCollection } from './nedb-collection';
import type { ProvisioningStore } from './ports';
import { StoredPresetRepository } from './preset.repository';
import { StoredTaskResultRepository } from './task-result.repository';
import { StoredTaskRepository } from './task.repository';

export interface EmbeddedStoreOptions {
  /** Where the data files live (the app passes ACS_DATA_DIR, default `./data`); created if missing. */
  dataDir: string;
  /**
   * How often each data file is compacted. nedb appends every write (the whole updated document) to its file and
   * only rewrites it on load or compaction, so without this the devices file grows by a device per Inform.
   * Minimum 5,000 (nedb's own floor).
   */
  autocompactionIntervalMs?: number;
}

export const DEFAULT_AUTOCOMPACTION_INTERVAL_MS = 60_000;

/** Provisioning's collections, one nedb file each. */
export const EMBEDDED_COLLECTIONS = ['devices', 'tasks', 'taskResults', 'presets', 'faults'] as const;
export type EmbeddedCollectionName = (typeof EMBEDDED_COLLECTIONS)[number];

/** The nedb file of a collection: `<dataDir>/provisioning.<name>.db` (what the SQLite store's import looks for). */
export function embeddedDataFile(dataDir: string, collection: EmbeddedCollectionName): string {
  return join(resolve(dataDir), `provisioning.${collection}.db`);
}

/**
 * nedb indexes: nedb uses one index per query, and only for equality, `$in` and ranges on a single field (a
 * compound index only for equality on all its fields), so the embedded store declares the selective single fields
 * its hot queries start with. `_id` is always indexed.
 */
const EMBEDDED_INDEXES: Record<EmbeddedCollectionName, Array<{ fieldName: string; sparse?: boolean }>> = {
  devices: [{ fieldName: 'tags' }, { fieldName: 'serialNumber' }, { fieldName: 'productClass' }, { fieldName: 'lastInform' }],
  // activeForDevice and list by device; due/expire start from the status.
  tasks: [{ fieldName: 'deviceId' }, { fieldName: 'status' }],
  // A task's result chunks (GetTaskResult, delete).
  taskResults: [{ fieldName: 'taskId' }],
  presets: [],
  faults: [{ fieldName: 'deviceId' }],
};

/**
 * Provisioning's repositories on local disk, for the one-process product: one nedb Datastore (file) per collection
 * under `dataDir`, everything loaded in memory at open. One process per directory: nedb does not lock its files.
 */
export async function openEmbeddedProvisioningStore(options: EmbeddedStoreOptions): Promise<ProvisioningStore> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const interval = Math.max(5_000, options.autocompactionIntervalMs ?? DEFAULT_AUTOCOMPACTION_INTERVAL_MS);

  const stores = new Map<string, Datastore<StoredDocument>>();
  for (const name of EMBEDDED_COLLECTIONS) {
    const store = new Datastore<StoredDocument>({ filename: embeddedDataFile(dataDir, name) });
    await store.loadDatabaseAsync();
    for (const index of EMBEDDED_INDEXES[name]) await store.ensureIndexAsync(index);
    store.setAutocompactionInterval(interval);
    stores.set(name, store);
  }
  const collectionOf = (name: string) => new NedbCollection(`provisioning.${name}`, stores.get(name)!);

  let closed = false;
  const taskResults = new StoredTaskResultRepository(collectionOf('taskResults'));
  return {
    devices: new StoredDeviceRepository(collectionOf('devices')),
    tasks: new StoredTaskRepository(collectionOf('tasks'), taskResults),
    taskResults,
    presets: new StoredPresetRepository(collectionOf('presets')),
    faults: new StoredFaultRepository(collectionOf('faults')),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const store of stores.values()) {
        store.stopAutocompaction();
        // Every write is already on disk; compacting now makes the next open read one line per document.
        await store.compactDatafileAsync();
      }
    },
  };
}
