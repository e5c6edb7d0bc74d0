import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  BackupError,
  backupDataDirectory,
  DataDirectoryInUseError,
  describeSqliteFile,
  listSqliteFiles,
  lockDataDirectory,
  type DataDirectoryBackup,
  type DataDirectoryLock,
  type SqliteFileInfo,
} from '@acs/infra-sqlite';
import { ConfigError } from '@acs/platform';
import { describeCounts, importNedbDataDirectory, loadProvisioningConfig, nedbDataFiles, NedbImportError, openSqliteProvisioningStore, type NedbImportReport } from '@acs/provisioning';

export interface StoreAdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths are resolved against it. */
  cwd: string;
}

/**
 * Subdirectories of the standalone's data directory beside its top-level databases: `nbi` (the API clients file, the
 * admin token, the audit database; apps/standalone/src/main.ts puts them there) and `files` (the firmware files'
 * content; their metadata is in firmware.sqlite).
 */
const STANDALONE_SUBDIRECTORIES = ['nbi', 'files'];

/**
 * The device queues before provisioning. Whatever moved between the two copies, a restore then reconciles it as after a
 * crash: a task the (newer) provisioning copy shows dispatched whose work the queue copy lacks is dispatched again at
 * start. The other order could restore queued work of a task provisioning never heard of, run with nobody to take its
 * result.
 */
const STANDALONE_COPY_ORDER = ['gateway', 'provisioning'];

const USAGE = `usage: npm run store -- <command> [--data-dir DIR] [options]

The standalone's data directory (--data-dir, else ACS_DATA_DIR, else ./data):

  info                    per database: file and WAL size, pages, free pages, rows per table
  backup --to PATH        online backup while the standalone runs: every *.sqlite (SQLite's backup API, each copy
                          checked with PRAGMA integrity_check) and the nbi/ files. PATH is a directory to create
                          acs-backup-<time>/ in, or a new path that becomes the backup directory
  import-nedb             copy the nedb files (provisioning.*.db) into the SQLite store, check the counts, then
                          move the nedb files into nedb-imported-<time>/; the standalone must be stopped

options:
  --data-dir DIR          the data directory
  --json                  info and backup: print JSON
  -h, --help              this text`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Runs one command line (without `node` and the script) and answers the exit code; never throws for a known failure. */
export async function run(argv: readonly string[], io: StoreAdminIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  const dataDir = resolve(io.cwd, parsed.values['data-dir'] ?? io.env.ACS_DATA_DIR ?? './data');
  const json = parsed.values.json === true;
  try {
    switch (parsed.command) {
      case 'info':
        return info(dataDir, json, io);
      case 'backup':
        return await backup(dataDir, resolve(io.cwd, parsed.values.to!), json, io);
      case 'import-nedb':
        return await importNedb(dataDir, io);
    }
  } catch (error) {
    const known = error instanceof BackupError || error instanceof NedbImportError || error instanceof DataDirectoryInUseError || error instanceof ConfigError;
    io.stderr(`store ${parsed.command} failed: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

const COMMANDS = ['info', 'backup', 'import-nedb'] as const;
type Command = (typeof COMMANDS)[number];

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { 'data-dir': { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0) return { help: true as const, values };
  const [command, ...rest] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command)) throw new Error(`unknown command "${command}"`);
  if (rest.length > 0) throw new Error(`unexpected argument(s): ${rest.join(' ')}`);
  if (command === 'backup' && !values.to) throw new Error('backup needs --to PATH');
  if (command !== 'backup' && values.to) throw new Error(`--to is an option of backup, not of ${command}`);
  return { help: false as const, command: command as Command, values };
}

function info(dataDir: string, json: boolean, io: StoreAdminIo): number {
  if (!existsSync(dataDir)) {
    io.stderr(`store info: no data directory at ${dataDir}\n`);
    return EXIT_FAILED;
  }
  const databases = listSqliteFiles(dataDir, STANDALONE_SUBDIRECTORIES).map((file) => describeSqliteFile(dataDir, file));
  if (json) {
    io.stdout(`${JSON.stringify({ dataDir, databases }, null, 2)}\n`);
    return EXIT_OK;
  }
  if (databases.length === 0) {
    io.stdout(`${dataDir}: no *.sqlite database\n`);
    return EXIT_OK;
  }
  for (const db of databases) io.stdout(formatInfo(db));
  return EXIT_OK;
}

export function formatInfo(db: SqliteFileInfo): string {
  const rows = Object.entries(db.rows).map(([table, count]) => `${table} ${count}`);
  return [
    `${db.name}  ${db.file}`,
    `  size ${formatBytes(db.fileBytes)}, WAL ${formatBytes(db.walBytes)}`,
    `  pages ${db.pages} of ${db.pageSize} B, free ${db.freePages} (${formatBytes(db.freePages * db.pageSize)})`,
    `  rows: ${rows.length > 0 ? rows.join(', ') : 'no tables'}`,
    '',
  ].join('\n');
}

async function backup(dataDir: string, to: string, json: boolean, io: StoreAdminIo): Promise<number> {
  const result = await backupDataDirectory(dataDir, to, { subdirectories: STANDALONE_SUBDIRECTORIES, copyFirst: STANDALONE_COPY_ORDER });
  io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : formatBackup(result));
  return EXIT_OK;
}

export function formatBackup(backup: DataDirectoryBackup): string {
  const lines = [`backup of ${backup.dataDir} written to ${backup.directory}`];
  for (const db of backup.databases) {
    const rows = Object.entries(db.rows).map(([table, count]) => `${table} ${count}`);
    lines.push(`  ${db.name}.sqlite  ${formatBytes(db.bytes)}, integrity_check ${db.integrity}; rows: ${rows.join(', ') || 'no tables'}`);
  }
  lines.push(`  ${backup.files.length} other file(s)${backup.files.length > 0 ? `: ${backup.files.join(', ')}` : ''}`);
  return `${lines.join('\n')}\n`;
}

async function importNedb(dataDir: string, io: StoreAdminIo): Promise<number> {
  if (nedbDataFiles(dataDir).length === 0) {
    // Said before the store is opened: opening it would create an empty provisioning.sqlite.
    io.stderr(`store import-nedb: no nedb data files (provisioning.*.db) in ${dataDir}: nothing to import\n`);
    return EXIT_FAILED;
  }
  // The import writes the SQLite store: one process per data directory, so a running standalone refuses it here.
  let lock: DataDirectoryLock;
  try {
    lock = lockDataDirectory(dataDir);
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) io.stderr('import-nedb writes the store: stop the ACS first\n');
    throw error;
  }
  let report: NedbImportReport;
  try {
    // Written with the standalone's settings (ACS_STORE_CACHE_MIB, ACS_STORE_SYNC).
    const { cacheMiB, synchronous } = loadProvisioningConfig(io.env).store;
    const store = openSqliteProvisioningStore({ dataDir, cacheMiB, synchronous });
    try {
      let reported = '';
      report = await importNedbDataDirectory(dataDir, store, {
        onProgress: ({ collection, done, total }) => {
          // A line per collection and per tenth of it: a 10,000-device import takes minutes.
          const step = `${collection} ${Math.floor((10 * done) / total)}`;
          if (step === reported) return;
          reported = step;
          io.stderr(`${collection}: ${done}/${total}\n`);
        },
      });
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
  io.stdout(`imported ${describeCounts(report.collections)}\nthe nedb files are now in ${report.movedTo}\n`);
  if (report.collections.some((c) => c.alreadyPresent > 0)) {
    io.stdout('documents already in the SQLite store under the same id were kept as they were (not replaced)\n');
  }
  return EXIT_OK;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
