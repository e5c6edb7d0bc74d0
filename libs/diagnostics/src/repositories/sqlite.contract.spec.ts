import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeRunStoreContract } from '../testing/run-repository.contract';
import { openSqliteDiagnosticsStore } from './sqlite-store';

describeRunStoreContract('SQLite (standalone)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-diagnostics-contract-'));
  const store = openSqliteDiagnosticsStore({ dataDir });
  return {
    runs: store.runs,
    runSlots: store.runSlots,
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
