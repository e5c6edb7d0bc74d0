import type { Logger } from '@acs/platform';
import { describeCounts, importNedbDataDirectory, isSqliteProvisioningStore, nedbDataFiles, nedbImportDue, type ProvisioningStore } from '@acs/provisioning';

/**
 * The first start on the SQLite store imports the nedb files an earlier version left in the data directory
 * (`provisioning.*.db`), before any session is served: every document copied, the counts checked, the old files moved
 * into `nedb-imported-<time>/`. A failed or short import stops the start with the reason and leaves the nedb files in
 * place; the next start tries again. On ACS_STORE=nedb the nedb files are the store and nothing happens.
 */
export async function importLegacyStore(dataDir: string, store: ProvisioningStore, logger: Logger): Promise<void> {
  if (!isSqliteProvisioningStore(store)) return;
  const due = await nedbImportDue(dataDir, store);
  if (due === 'none') return;
  if (due === 'store-not-empty') {
    logger.warn(
      { dataDir, files: nedbDataFiles(dataDir) },
      'nedb data files found but not imported: the SQLite store already holds data; to merge them into it, stop the ACS and run `npm run store -- import-nedb --data-dir <dir>` (documents already in SQLite are kept)',
    );
    return;
  }
  logger.info({ dataDir, files: nedbDataFiles(dataDir) }, 'importing the nedb data of an earlier version into the SQLite store');
  let logged = '';
  const report = await importNedbDataDirectory(dataDir, store, {
    onProgress: ({ collection, done, total }) => {
      // A line per collection and per tenth of it: 10,000 devices with full trees take minutes.
      const step = `${collection} ${Math.floor((10 * done) / total)}`;
      if (step === logged) return;
      logged = step;
      logger.info({ collection, done, total }, 'importing nedb data');
    },
  });
  logger.info({ collections: report.collections, movedTo: report.movedTo }, `nedb data imported: ${describeCounts(report.collections)}; the nedb files are kept in ${report.movedTo}`);
}

