import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeCollectionEntryContract } from '../collection/testing/collection-entry.contract';
import { openSqliteCollectionEntriesFile } from './collection-stores';

describeCollectionEntryContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'acs-collection-entries-'));
  const opened = openSqliteCollectionEntriesFile(join(dir, 'diagnostics.sqlite'));
  return {
    entries: opened.entries,
    close: async () => {
      opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
