import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the standalone keeps its download-signing secret, under its data directory. */
export const DOWNLOAD_SECRET_FILE = 'firmware-url.secret';

/**
 * The standalone's download-signing secret: read from `<dataDir>/firmware-url.secret`, or created there (mode 0600) at
 * first start. Kept rather than drawn per start so the URLs and credentials in Download tasks still queued for CPEs
 * stay valid across restarts. Pods share ACS_FIRMWARE_URL_SECRET instead.
 */
export async function loadOrCreateDownloadSecret(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, DOWNLOAD_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  // Written aside, then linked into place: link fails if the file exists, so of two processes starting on one
  // directory at once one wins and both read its secret, and nobody ever reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
  const created = await readSecret(file);
  if (!created) throw new Error(`${file} is empty; delete it to have a new download secret written (URLs signed before stop working)`);
  return created;
}

async function readSecret(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text === '') throw new Error(`${file} is empty; delete it to have a new download secret written (URLs signed before stop working)`);
  return Buffer.from(text, 'utf8');
}
