import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chunksOf, contentId, fileContentStoreContract, firmwareStoreContract } from '../testing';
import { DirectoryContentStore } from './directory-content-store';
import { FIRMWARE_CONTENT_DIRECTORY, openSqliteFirmwareStore } from './sqlite-store';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'acs-firmware-'));
}

firmwareStoreContract('SQLite (standalone)', async () => {
  const dataDir = await tempDir();
  const store = await openSqliteFirmwareStore({ dataDir });
  return {
    store,
    putCampaign: async (campaign) => {
      await store.collections.campaigns.replaceOne({ _id: campaign._id }, campaign, { upsert: true });
    },
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

fileContentStoreContract('files under the data directory (standalone)', async () => {
  const dir = await tempDir();
  const store = await DirectoryContentStore.open(join(dir, FIRMWARE_CONTENT_DIRECTORY));
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('DirectoryContentStore', () => {
  it('leaves no partial file in the directory after a failed upload', async () => {
    const dir = await tempDir();
    try {
      const store = await DirectoryContentStore.open(dir);
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(1000);
        throw new Error('cut');
      }
      await expect(store.write(contentId(), failing(), { maxBytes: 10_000 })).rejects.toThrow('cut');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('removes what an upload cut by a crash left, and keeps complete files', async () => {
    const dir = await tempDir();
    try {
      const id = contentId();
      await (await DirectoryContentStore.open(dir)).write(id, chunksOf(Buffer.from('image')), { maxBytes: 100 });
      await writeFile(join(dir, `.partial-${contentId()}-0000`), 'half an image');
      const reopened = await DirectoryContentStore.open(dir);
      expect(await readdir(dir)).toEqual([id]);
      expect(await reopened.ids()).toEqual([id]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses ids that are not plain names', async () => {
    const dir = await tempDir();
    try {
      const store = await DirectoryContentStore.open(dir);
      await expect(store.read('../provisioning.sqlite')).rejects.toThrow('not a content id');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
