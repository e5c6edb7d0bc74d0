import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '@acs/platform';
import { EMBEDDED_COLLECTIONS, embeddedDataFile, nedbDataFiles, openEmbeddedProvisioningStore, openSqliteProvisioningStore, type InformFacts, type ProvisioningStore } from '@acs/provisioning';
import { importLegacyStore } from './import-legacy-store';

function inform(serialNumber: string): InformFacts {
  return {
    id: `00259E-EX220-${serialNumber}`,
    oui: '00259E',
    productClass: 'EX220',
    serialNumber,
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    at: 1_700_000_000_000,
    eventCodes: ['2 PERIODIC'],
    remoteAddress: '203.0.113.9',
    parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string' }],
  };
}

describe('importLegacyStore (the standalone start)', () => {
  let dataDir: string;
  let lines: Array<{ level: string; msg: string }>;
  let store: ProvisioningStore | undefined;
  const logger = () => createLogger({ service: 'test', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-legacy-'));
    lines = [];
    const nedb = await openEmbeddedProvisioningStore({ dataDir });
    for (let i = 0; i < 3; i++) await nedb.devices.applyInform(inform(`SN${i}`));
    await nedb.close();
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports the nedb files into an empty SQLite store and moves them aside', async () => {
    store = openSqliteProvisioningStore({ dataDir });
    await importLegacyStore(dataDir, store, logger());
    expect(await store.devices.count({})).toBe(3);
    expect(nedbDataFiles(dataDir)).toEqual([]);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('nedb-imported-'))).toHaveLength(1);
    expect(lines.at(-1)!.msg).toMatch(/^nedb data imported: devices 3\/3 \(3 new, 0 already there\), tasks 0\/0/);
  });

  it('leaves nedb files alone, with a warning, when the SQLite store already holds data of its own', async () => {
    store = openSqliteProvisioningStore({ dataDir });
    await store.devices.applyInform(inform('ALREADY'));
    await importLegacyStore(dataDir, store, logger());
    expect(await store.devices.count({})).toBe(1);
    expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('npm run store -- import-nedb') })]);
  });

  it('does nothing on the nedb store', async () => {
    store = await openEmbeddedProvisioningStore({ dataDir });
    await importLegacyStore(dataDir, store, logger());
    expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
    expect(lines).toEqual([]);
  });

  it('stops the start when nedb cannot read its files, and leaves them for the next start', async () => {
    // More than a tenth of the lines unreadable: nedb refuses the file rather than guess.
    await appendFile(embeddedDataFile(dataDir, 'devices'), 'not json\n'.repeat(5));
    store = openSqliteProvisioningStore({ dataDir });
    await expect(importLegacyStore(dataDir, store, logger())).rejects.toThrow(/import of the nedb data in .* failed \(devices: nedb cannot load .*provisioning\.devices\.db: .*corrupt.*left in place/);
    expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
    expect(existsSync(join(dataDir, 'nedb-import.pending'))).toBe(true);
  });
});
