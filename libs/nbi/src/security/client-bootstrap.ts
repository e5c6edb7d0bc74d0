import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { generateApiToken, hashApiToken } from './api-token';

export interface BootstrapClients {
  clientsFile: string;
  /** Where the admin client's token is; read it once, then keep it somewhere safer. */
  adminTokenFile: string;
  /** True when this call wrote the client file (first start). */
  created: boolean;
}

/**
 * First start of the standalone: without `<dir>/clients.yaml`, writes one with an `admin` client (role admin, one
 * fresh token) and puts the token in `<dir>/admin.token` (mode 0600), so the API is usable at once and never open.
 * Never overwrites: an existing client file is left as it is, and an existing admin.token (a start that died between
 * the two writes) is reused rather than replaced, so the token its reader may already have keeps working.
 */
export async function ensureBootstrapClients(dir: string): Promise<BootstrapClients> {
  const clientsFile = join(dir, 'clients.yaml');
  const adminTokenFile = join(dir, 'admin.token');
  const result = { clientsFile, adminTokenFile };
  if (await exists(clientsFile)) return { ...result, created: false };

  await mkdir(dir, { recursive: true });
  const sha256 = await adminTokenDigest(adminTokenFile);
  const document = {
    clients: [{ name: 'admin', roles: ['admin'], tokens: [{ sha256, label: `bootstrap token, ${adminTokenFile}` }] }],
  };
  const text = [
    '# NBI clients (docs/nbi-security.md). Written at first start with one admin client whose token is in',
    `# ${adminTokenFile}. Edit freely: the file is reloaded when it changes.`,
    stringify(document),
  ].join('\n');
  try {
    // 'wx': two processes starting on one directory at once must not both write it.
    await writeFile(clientsFile, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...result, created: false };
    throw error;
  }
  return { ...result, created: true };
}

async function adminTokenDigest(adminTokenFile: string): Promise<string> {
  const { token, sha256 } = generateApiToken();
  try {
    await writeFile(adminTokenFile, `${token}\n`, { flag: 'wx', mode: 0o600 });
    return sha256;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = (await readFile(adminTokenFile, 'utf8')).trim();
    if (existing === '') throw new Error(`${adminTokenFile} exists but is empty; delete it to have a new admin token written`);
    return hashApiToken(existing);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
