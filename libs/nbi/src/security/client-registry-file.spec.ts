import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually } from '../testing/eventually';
import { ClientRegistryError } from './client-registry';
import { ClientRegistryFile, type ClientRegistryLogger } from './client-registry-file';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

const fileWith = (name: string, hash: string) => `clients:\n  - { name: ${name}, roles: [viewer], tokens: [{ sha256: ${hash} }] }\n`;

describe('ClientRegistryFile', () => {
  let dir: string;
  let path: string;
  let file: ClientRegistryFile | undefined;
  const lines: Array<{ level: string; context: object; message: string }> = [];
  const logger: ClientRegistryLogger = {
    info: (context, message) => lines.push({ level: 'info', context, message }),
    error: (context, message) => lines.push({ level: 'error', context, message }),
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nbi-clients-'));
    path = join(dir, 'clients.yaml');
    lines.length = 0;
  });

  afterEach(async () => {
    file?.close();
    file = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('fails to open on a missing or invalid file, naming it', async () => {
    await expect(ClientRegistryFile.open(path)).rejects.toThrow(ClientRegistryError);
    await expect(ClientRegistryFile.open(path)).rejects.toThrow(`${path}: cannot read the client file`);
    await writeFile(path, 'clients:\n  - { name: x, roles: [nobody] }\n');
    await expect(ClientRegistryFile.open(path)).rejects.toThrow(`${path}: clients[0] (x).roles[0]: unknown role "nobody"`);
  });

  it('reloads the file when it changes', async () => {
    await writeFile(path, fileWith('first', HASH_A));
    file = await ClientRegistryFile.open(path, { logger, pollIntervalMs: 60_000 });
    expect(file.current.byTokenDigest(HASH_A)?.name).toBe('first');
    expect(await file.checkNow()).toBe(false);

    await writeFile(path, fileWith('second-client', HASH_B));
    expect(await file.checkNow()).toBe(true);
    expect(file.current.byTokenDigest(HASH_A)).toBeUndefined();
    expect(file.current.byTokenDigest(HASH_B)?.name).toBe('second-client');
    expect(lines).toEqual([{ level: 'info', context: { file: path, clients: 1 }, message: 'NBI client file reloaded' }]);
  });

  it('keeps the previous clients when the new file is bad or gone, reporting it once', async () => {
    await writeFile(path, fileWith('first', HASH_A));
    file = await ClientRegistryFile.open(path, { logger, pollIntervalMs: 60_000 });
    const before = file.current;

    await writeFile(path, 'clients:\n  - { name: broken, roles: [superuser] }\n');
    expect(await file.checkNow()).toBe(false);
    expect(await file.checkNow()).toBe(false);
    expect(file.current).toBe(before);
    expect(lines).toEqual([
      {
        level: 'error',
        context: { file: path, problems: ['clients[0] (broken).roles[0]: unknown role "superuser" (known: viewer, operator, admin)'] },
        message: 'NBI client file rejected; keeping the clients loaded before',
      },
    ]);

    await rm(path);
    expect(await file.checkNow()).toBe(false);
    expect(await file.checkNow()).toBe(false);
    expect(file.current).toBe(before);
    expect(lines.filter((line) => line.message.includes('unreadable'))).toHaveLength(1);

    await writeFile(path, fileWith('back', HASH_B));
    expect(await file.checkNow()).toBe(true);
    expect(file.current.client('back')).toBeDefined();
  });

  it('polls by itself until closed', async () => {
    await writeFile(path, fileWith('first', HASH_A));
    file = await ClientRegistryFile.open(path, { logger, pollIntervalMs: 10 });
    await writeFile(path, fileWith('polled', HASH_B));
    await eventually(() => file?.current.client('polled') !== undefined, 'the poll to pick up the new file');
    expect(file.current.client('polled')).toBeDefined();

    file.close();
    await writeFile(path, fileWith('after-close', HASH_A));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(file.current.client('after-close')).toBeUndefined();
  });
});
