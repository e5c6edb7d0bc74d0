import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A signing secret kept in a file (the standalone's, under its data directory): read from `file`, or created there
 * (32 random bytes, mode 0600) at first start. Kept rather than drawn per start so what was signed with it (URLs and
 * credentials handed to CPEs) stays valid across restarts. Pods share a secret from their environment instead.
 * `what` names the secret in errors ("download secret").
 */
export async function loadOrCreateSecretFile(file: string, what: string): Promise<Buffer> {
  const existing = await readSecret(file, what);
  if (existing) return existing;
  await mkdir(dirname(file), { recursive: true });
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
  const created = await readSecret(file, what);
  if (!created) throw emptySecret(file, what);
  return created;
}

async function readSecret(file: string, what: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text === '') throw emptySecret(file, what);
  return Buffer.from(text, 'utf8');
}

function emptySecret(file: string, what: string): Error {
  return new Error(`${file} is empty; delete it to have a new ${what} written (what was signed before stops working)`);
}
