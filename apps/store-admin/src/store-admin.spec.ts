import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { lockDataDirectory } from '@acs/infra-sqlite';
import { EMBEDDED_COLLECTIONS, nedbDataFiles, openEmbeddedProvisioningStore, openSqliteProvisioningStore, type InformFacts } from '@acs/provisioning';
import { run } from './store-admin';

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

describe('npm run store', () => {
  let root: string;
  let dataDir: string;
  let out: string;
  let err: string;

  const store = (...argv: string[]) => {
    out = '';
    err = '';
    return run(argv, { stdout: (text) => void (out += text), stderr: (text) => void (err += text), env: {}, cwd: root });
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'acs-store-admin-'));
    dataDir = join(root, 'data');
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('explains itself, and refuses what it does not know with exit code 2', async () => {
    expect(await store()).toBe(0);
    expect(out).toContain('usage: npm run store -- <command>');
    expect(await store('compact')).toBe(2);
    expect(err).toContain('unknown command "compact"');
    expect(await store('backup', '--data-dir', dataDir)).toBe(2);
    expect(err).toContain('backup needs --to PATH');
    expect(await store('info', '--to', 'x')).toBe(2);
    expect(await store('info', '--verbose')).toBe(2);
  });

  it('imports an nedb data directory, then prints info and backs it up', async () => {
    const nedb = await openEmbeddedProvisioningStore({ dataDir });
    await nedb.devices.applyInform(inform('A'));
    await nedb.devices.applyInform(inform('B'));
    await nedb.close();

    expect(await store('import-nedb', '--data-dir', 'data')).toBe(0);
    expect(out).toMatch(/^imported devices 2\/2 \(2 new, 0 already there\), tasks 0\/0 .*\nthe nedb files are now in .*nedb-imported-/);
    expect(err).toContain('devices: 2/2');
    expect(nedbDataFiles(dataDir)).toEqual([]);

    expect(await store('info', '--data-dir', dataDir)).toBe(0);
    expect(out).toMatch(/^provisioning {2}.*provisioning\.sqlite\n {2}size .*, WAL .*\n {2}pages \d+ of 4096 B, free \d+ .*\n {2}rows: .*devices 2/);
    expect(await store('info', '--data-dir', dataDir, '--json')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ dataDir, databases: [{ name: 'provisioning' }] });

    expect(await store('backup', '--data-dir', dataDir, '--to', 'backups')).toBe(0);
    expect(out).toMatch(/^backup of .* written to .*backups\n {2}provisioning\.sqlite {2}.*integrity_check ok; rows: .*devices 2/);
    expect(readdirSync(join(root, 'backups'))).toEqual(['backup.json', 'provisioning.sqlite']);
    const copy = openSqliteProvisioningStore({ dataDir: join(root, 'backups') });
    expect(await copy.devices.count({})).toBe(2);
    await copy.close();
  });

  it('refuses to import while another process has the data directory, and says why', async () => {
    const nedb = await openEmbeddedProvisioningStore({ dataDir });
    await nedb.devices.applyInform(inform('A'));
    await nedb.close();
    const running = lockDataDirectory(dataDir);
    try {
      expect(await store('import-nedb', '--data-dir', dataDir)).toBe(1);
      expect(err).toMatch(/^import-nedb writes the store: stop the ACS first\nstore import-nedb failed: the data directory .* is in use by another ACS process \(pid \d+/);
      expect(nedbDataFiles(dataDir)).toHaveLength(EMBEDDED_COLLECTIONS.length);
      expect(existsSync(join(dataDir, 'provisioning.sqlite'))).toBe(false);
    } finally {
      running.release();
    }
  });

  it('reports a data directory without databases, and a failed backup, with exit code 1', async () => {
    expect(await store('info', '--data-dir', join(root, 'missing'))).toBe(1);
    expect(err).toContain('no data directory at');
    expect(await store('backup', '--data-dir', root, '--to', join(root, 'b'))).toBe(1);
    expect(err).toMatch(/^store backup failed: no \*\.sqlite database in /);
    expect(await store('import-nedb', '--data-dir', dataDir)).toBe(1);
    expect(err).toContain('no nedb data files (provisioning.*.db) in');
    expect(existsSync(dataDir)).toBe(false);
  });
});
