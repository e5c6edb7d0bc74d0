import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateApiToken, hashApiToken } from './api-token';
import { ensureBootstrapClients } from './client-bootstrap';
import { parseClientRegistry } from './client-registry';
import { allows } from './permissions';

describe('ensureBootstrapClients', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nbi-bootstrap-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an admin client and its token (mode 0600) at first start', async () => {
    const data = join(dir, 'nested', 'nbi');
    const result = await ensureBootstrapClients(data);
    expect(result).toEqual({ clientsFile: join(data, 'clients.yaml'), adminTokenFile: join(data, 'admin.token'), created: true });

    const token = await readFile(result.adminTokenFile, 'utf8');
    expect(token).toMatch(/^acs_[A-Za-z0-9_-]{43}\n$/);
    expect((await stat(result.adminTokenFile)).mode & 0o777).toBe(0o600);

    const registry = parseClientRegistry(await readFile(result.clientsFile, 'utf8'), result.clientsFile);
    const admin = registry.byTokenDigest(hashApiToken(token.trim()));
    expect(admin?.name).toBe('admin');
    expect(admin?.roles).toEqual(['admin']);
    expect(allows(admin!.permissions, 'audit', 'view')).toBe(true);
    expect(await readFile(result.clientsFile, 'utf8')).not.toContain(token.trim());
  });

  it('never overwrites an existing client file', async () => {
    const first = await ensureBootstrapClients(dir);
    const clients = await readFile(first.clientsFile, 'utf8');
    const token = await readFile(first.adminTokenFile, 'utf8');
    const second = await ensureBootstrapClients(dir);
    expect(second.created).toBe(false);
    expect(await readFile(first.clientsFile, 'utf8')).toBe(clients);
    expect(await readFile(first.adminTokenFile, 'utf8')).toBe(token);
  });

  it('reuses an admin.token left by a start that stopped before writing the client file', async () => {
    const { token } = generateApiToken();
    await writeFile(join(dir, 'admin.token'), `${token}\n`, { mode: 0o600 });
    const result = await ensureBootstrapClients(dir);
    expect(result.created).toBe(true);
    expect(await readFile(result.adminTokenFile, 'utf8')).toBe(`${token}\n`);
    const registry = parseClientRegistry(await readFile(result.clientsFile, 'utf8'), result.clientsFile);
    expect(registry.byTokenDigest(hashApiToken(token))?.name).toBe('admin');
  });
});
