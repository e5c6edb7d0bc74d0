import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT, startApp, type RunningApp } from '../support/processes';
import { writeTestClients, type TestClients } from '../nbi/support/nbi-clients-file';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');
const MiB = 1024 * 1024;
/** The standalone's upload limit in this suite: the 50 MiB image fits, the 61 MiB one does not. */
const MAX_FILE_BYTES = 60 * MiB;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of random bytes, written a MiB at a time. */
function writeRandomFile(path: string, bytes: number): void {
  writeFileSync(path, '');
  for (let written = 0; written < bytes; written += MiB) writeFileSync(path, randomBytes(Math.min(MiB, bytes - written)), { flag: 'a' });
}

/**
 * Firmware files through the public API as an operator handles them: the built CLI (a real process) uploading to
 * the standalone (a real process), which stores the content under its data directory.
 */
describe('firmware files (standalone, acsctl)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-files-e2e-'));
  let acs: RunningApp;
  let clients: TestClients;
  const contentDir = () => join(acs.dataDir, 'files');

  function acsctl(args: string[], token: string): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: acs.nbiAddress, ACSCTL_TOKEN: token };
    delete env.ACSCTL_TOKEN_FILE;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 120_000, maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    clients = writeTestClients(dir);
    acs = await startApp('standalone', { ACS_NBI_CLIENTS_FILE: clients.file, ACS_FIRMWARE_MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
  }, 90_000);

  afterAll(async () => {
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('uploads a 50 MiB image with progress, lists it with its SHA-256, and deletes it', async () => {
    const image = join(dir, 'ex220-2.0.0.bin');
    writeRandomFile(image, 50 * MiB);
    const sha256 = await sha256Of(image);

    const upload = await acsctl(['files', 'upload', 'ex220-2.0.0.bin', '--type', 'firmware', '--model', '00259E:EX220:HW1,HW2', '--version', '2.0.0', '--notes', 'e2e', '-o', 'json'], clients.admin);
    const context = `${JSON.stringify(upload, null, 2)}\n${acs.output().slice(-3000)}`;
    expect({ code: upload.code, context }).toEqual({ code: 0, context });
    expect(upload.stderr).toMatch(/^uploading ex220-2\.0\.0\.bin: 50\.0 MiB$/m);
    expect(upload.stderr).toMatch(/50\.0 MiB of 50\.0 MiB \(100%\)/);
    const { file } = JSON.parse(upload.stdout) as { file: { id: string; size: number; sha256: string; fileType: string; softwareVersion: string; createdBy: string; targets: unknown[] } };
    expect(file).toMatchObject({ size: 50 * MiB, sha256, fileType: '1 Firmware Upgrade Image', softwareVersion: '2.0.0', createdBy: 'admin' });
    expect(file.targets).toEqual([{ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1', 'HW2'] }]);
    // What the standalone stored is the file, byte for byte.
    expect(readdirSync(contentDir())).toEqual([file.id]);
    expect(await sha256Of(join(contentDir(), file.id))).toBe(sha256);

    const listed = await acsctl(['files', 'list', '--type', 'firmware', '--model', '00259E:EX220:HW2', '-o', 'json'], clients.watcher);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { files: Array<{ id: string; sha256: string }> }).files).toEqual([expect.objectContaining({ id: file.id, sha256 })]);
    const csv = await acsctl(['files', 'list', '-o', 'csv'], clients.watcher);
    expect(csv.stdout.split('\r\n')[0]).toBe('ID,NAME,TYPE,VERSION,SIZE,MODELS,CREATED,BY,SHA256');
    expect(csv.stdout).toContain(`${file.id},ex220-2.0.0.bin,1 Firmware Upgrade Image,2.0.0,${50 * MiB},"00259E:EX220:HW1,HW2",`);
    const got = await acsctl(['files', 'get', file.id], clients.watcher);
    expect(got.stdout).toMatch(new RegExp(`^sha256:\\s+${sha256}$`, 'm'));

    const deleted = await acsctl(['files', 'delete', file.id], clients.admin);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${file.id}\n` });
    expect(readdirSync(contentDir())).toEqual([]);
    const gone = await acsctl(['files', 'get', file.id], clients.watcher);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/NOT_FOUND/);
  }, 180_000);

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const image = join(dir, 'too-big.bin');
    writeRandomFile(image, MAX_FILE_BYTES + MiB);
    const upload = await acsctl(['files', 'upload', 'too-big.bin', '--type', 'firmware'], clients.admin);
    expect(upload.code).not.toBe(0);
    expect(upload.stderr).toMatch(/RESOURCE_EXHAUSTED/);
    expect(upload.stderr).toMatch(/larger than the limit of 62914560 bytes/);
    expect(readdirSync(contentDir())).toEqual([]);
    const listed = await acsctl(['files', 'list', '-o', 'json'], clients.admin);
    // proto3 JSON leaves an empty list out.
    expect((JSON.parse(listed.stdout) as { files?: unknown[] }).files ?? []).toEqual([]);
  }, 180_000);

  it('refuses uploads and deletions to a client whose role does not allow them, and stores nothing', async () => {
    writeFileSync(join(dir, 'small.bin'), randomBytes(4096));
    const upload = await acsctl(['files', 'upload', 'small.bin', '--type', 'firmware'], clients.watcher);
    expect(upload.code).not.toBe(0);
    expect(upload.stderr).toMatch(/PERMISSION_DENIED/);
    expect(upload.stderr).toMatch(/may not add files/);
    expect(readdirSync(contentDir())).toEqual([]);

    const stored = await acsctl(['files', 'upload', 'small.bin', '--type', 'firmware', '-o', 'json'], clients.admin);
    const { file } = JSON.parse(stored.stdout) as { file: { id: string } };
    const refused = await acsctl(['files', 'delete', file.id], clients.watcher);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/may not delete files/);
    expect(readdirSync(contentDir())).toEqual([file.id]);
  }, 60_000);
});
