/**
 * The embedded store's operations on a fleet: importing an nedb data directory into SQLite, an online backup of the
 * result, and `store info`.
 *
 *   node test/bench/run.js store-ops [--full 200] [--light 2000]
 *
 * The nedb directory is written the way the nedb store leaves it after a compaction (one JSON line per device):
 * `--full` devices with the TP-Link EX220's whole tree (5,229 nodes), `--light` devices with an Inform's parameters
 * only. Prints the time and rate of each step, the file sizes, and the process's peak RSS (the import holds the nedb
 * files in memory while it reads them, as the nedb store did).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataModel } from '@acs/cpe-sim';
import { backupDataDirectory, describeSqliteFile, listSqliteFiles } from '@acs/infra-sqlite';
import { embeddedDataFile, importNedbDataDirectory, openSqliteProvisioningStore, toStoredDevice, type DeviceRecord, type ParameterUpdate } from '@acs/provisioning';

const EX220_DUMP = join(__dirname, '../../../shared/vectors/device-models/tplink-ex220-tr181.csv');

function parseArgs(argv: string[]): { full: number; light: number } {
  const options = { full: 200, light: 2000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--full') options.full = Number(argv[++i]);
    else if (argv[i] === '--light') options.light = Number(argv[++i]);
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return options;
}

const AT = 1_700_000_000_000;
const INFORM_PARAMETERS: ParameterUpdate[] = [
  { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string' },
  { path: 'Device.DeviceInfo.HardwareVersion', value: 'HW1', type: 'string' },
  { path: 'Device.DeviceInfo.ProvisioningCode', value: '', type: 'string' },
  { path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://198.51.100.7:7547/cr', type: 'string' },
  { path: 'Device.ManagementServer.ParameterKey', value: '', type: 'string' },
];

function device(serial: number, tree: readonly ParameterUpdate[]): DeviceRecord {
  const serialNumber = `SN${String(serial).padStart(8, '0')}`;
  return {
    id: `00259E-EX220-${serialNumber}`,
    oui: '00259E',
    productClass: 'EX220',
    serialNumber,
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    softwareVersion: '1.0.0',
    registeredAt: AT,
    lastInform: AT + serial,
    recentEvents: Array.from({ length: 20 }, (_, i) => ({ at: AT + i, codes: ['2 PERIODIC'] })),
    tags: serial % 10 === 0 ? ['lab'] : [],
    parameters: Object.fromEntries(tree.map(({ path, ...node }) => [path.replace(/\.$/, ''), { ...node, learnedAt: AT }])),
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { full, light } = parseArgs(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), 'acs-store-ops-'));
  const dataDir = join(root, 'data');
  try {
    const ex220: ParameterUpdate[] = DataModel.fromCsv(readFileSync(EX220_DUMP, 'utf8'))
      .select('')
      .map(({ name, object, writable, value, type }) => (object ? { path: name, object, writable } : { path: name, object, writable, value, type }));
    const lines: string[] = [];
    for (let i = 0; i < full + light; i++) lines.push(JSON.stringify(toStoredDevice(device(i, i < full ? ex220 : INFORM_PARAMETERS))));
    mkdirSync(dataDir);
    writeFileSync(embeddedDataFile(dataDir, 'devices'), `${lines.join('\n')}\n`);
    lines.length = 0;
    for (const name of ['tasks', 'presets', 'faults'] as const) writeFileSync(embeddedDataFile(dataDir, name), '');
    const nedbBytes = statSync(embeddedDataFile(dataDir, 'devices')).size;
    console.log(`nedb data directory: ${full} devices with the EX220 tree (${ex220.length} nodes) + ${light} with Inform parameters; devices file ${mib(nedbBytes)}`);

    const store = openSqliteProvisioningStore({ dataDir });
    let started = performance.now();
    const report = await importNedbDataDirectory(dataDir, store);
    const importMs = performance.now() - started;
    await store.close();
    const devices = report.collections.find((c) => c.collection === 'devices')!;
    console.log(`import: ${devices.found}/${devices.source} devices in ${seconds(importMs)} (${((devices.source * 1000) / importMs).toFixed(0)} devices/s, ${mib((nedbBytes * 1000) / importMs)}/s of nedb data)`);

    started = performance.now();
    const [info] = listSqliteFiles(dataDir).map((file) => describeSqliteFile(dataDir, file));
    const infoMs = performance.now() - started;
    console.log(`store info: ${seconds(infoMs)}; provisioning.sqlite ${mib(info.fileBytes)} (${mib(info.freePages * info.pageSize)} free), WAL ${mib(info.walBytes)}; ${((info.fileBytes / nedbBytes) * 100).toFixed(0)}% of the nedb file`);

    started = performance.now();
    const backup = await backupDataDirectory(dataDir, join(root, 'backup'));
    const backupMs = performance.now() - started;
    const copy = backup.databases[0];
    console.log(`backup (copy + integrity_check + row counts): ${seconds(backupMs)} for ${mib(copy.bytes)} (${mib((copy.bytes * 1000) / backupMs)}/s)`);
    console.log(`peak RSS of this process: ${mib(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
