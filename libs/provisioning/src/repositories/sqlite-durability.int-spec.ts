import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { readDeviceModelCsv, TPLINK_EX220_DUMP } from '../testing';
import { openSqliteProvisioningStore } from './sqlite-store';

// `kill -9` in the middle of a load: a child process (the built store, as the standalone runs it) registers devices
// and writes full TP-Link EX220 trees as fast as it can, printing each write once the store acknowledged it. The
// test kills it while it writes, reopens the data and checks that every acknowledged write is there, whole, and that
// nothing torn is: every device has either its Inform-level parameters or its complete tree.
const REPOSITORIES = resolve(__dirname, '../../../../dist/libs/provisioning/src/repositories/index.js');

const CHILD = `
const { openSqliteProvisioningStore } = require(${JSON.stringify(REPOSITORIES)});
const { readFileSync } = require('node:fs');
const [dataDir, dumpFile] = process.argv.slice(1);
const dump = JSON.parse(readFileSync(dumpFile, 'utf8'));
const store = openSqliteProvisioningStore({ dataDir });
const inform = (i) => ({
  id: 'KILL-' + String(i).padStart(6, '0'), oui: '00259E', productClass: 'EX220', serialNumber: 'S' + i, manufacturer: 'TP-Link',
  rootObject: 'Device', at: 1700000000000 + i, eventCodes: ['0 BOOTSTRAP'], parameters: [
    { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.' + i, type: 'string' },
    { path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://10.0.0.1:7547/', type: 'string' },
  ],
});
(async () => {
  for (let i = 0; ; i++) {
    const facts = inform(i);
    // Several writers at once, as sessions are: the group commit carries them together.
    const writes = [store.devices.applyInform(facts).then(() => 'inform ' + facts.id)];
    if (i % 3 === 0) writes.push(store.devices.applyInform(facts).then(() => store.devices.replaceSubtree(facts.id, 'Device', dump, facts.at + 1)).then(() => 'tree ' + facts.id));
    for (const line of await Promise.all(writes)) process.stdout.write(line + '\\n');
  }
})();
`;

describe('SQLite store: kill -9 mid-load', () => {
  let dataDir: string;

  beforeAll(async () => {
    if (!existsSync(REPOSITORIES)) throw new Error(`${REPOSITORIES} is missing: run \`npm run build\` first`);
    dataDir = await mkdtemp(join(tmpdir(), 'acs-kill-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, whole, and shows nothing torn', async () => {
    const dump = readDeviceModelCsv(TPLINK_EX220_DUMP);
    const dumpFile = join(dataDir, 'ex220.json');
    await writeFile(dumpFile, JSON.stringify(dump));
    const child = spawn(process.execPath, ['-e', CHILD, join(dataDir, 'data'), dumpFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const informed = new Set<string>();
    const trees = new Set<string>();
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));

    // Kill once it has acknowledged a fair amount, at whatever point of a write it is then.
    await new Promise<void>((done, fail) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const [kind, id] = line.split(' ');
        (kind === 'tree' ? trees : informed).add(id);
        if (trees.size === 12) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', () => fail(new Error(`the writer exited before it was killed: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const store = openSqliteProvisioningStore({ dataDir: join(dataDir, 'data') });
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const id of informed) expect(await store.devices.get(id)).not.toBeNull();
      const all = await store.devices.query({ filter: {}, projection: ['parameters'], skip: 0, limit: 10_000 });
      expect(all.total).toBeGreaterThanOrEqual(informed.size);
      for (const device of all.items) {
        const count = Object.keys(device.parameters ?? {}).length;
        // A full tree, or the Inform's two parameters (and the objects above them): never part of a tree.
        const whole = count === dump.length || count <= 10;
        expect({ id: device.id, count, whole }).toEqual({ id: device.id, count, whole: true });
        if (trees.has(device.id)) expect(count).toBe(dump.length);
      }
    } finally {
      await store.close();
    }
  });
});
