import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOWNLOAD_SECRET_FILE, loadOrCreateDownloadSecret } from './download-secret';

describe('loadOrCreateDownloadSecret', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acs-fw-secret-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a secret readable by its owner only, and returns the same one at every later start', async () => {
    const dataDir = join(dir, 'data');
    const first = await loadOrCreateDownloadSecret(dataDir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect((await stat(join(dataDir, DOWNLOAD_SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateDownloadSecret(dataDir)).equals(first)).toBe(true);
  });

  it('gives processes starting together one secret', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDownloadSecret(dir)));
    expect(new Set(secrets.map((s) => s.toString('hex'))).size).toBe(1);
    expect((await readFile(join(dir, DOWNLOAD_SECRET_FILE), 'utf8')).trim()).toBe(secrets[0]!.toString('utf8'));
  });

  it('refuses an empty secret file rather than replacing it', async () => {
    await writeFile(join(dir, DOWNLOAD_SECRET_FILE), '\n');
    await expect(loadOrCreateDownloadSecret(dir)).rejects.toThrow(/is empty; delete it/);
  });
});
