import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GridFsContentStore } from '@acs/firmware';
import { MongoConnection, readMongoConfig } from '@acs/infra-mongo';
import type { mongo } from 'mongoose';

import { REPO_ROOT, sharedInfrastructureEnv, startApp, type RunningApp } from '../support/processes';
import { writeTestClients, type TestClients } from '../nbi/support/nbi-clients-file';
import { startNbiProcess, type NbiProcess } from '../nbi/support/nbi-process';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');
const MiB = 1024 * 1024;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Firmware files on the pods: acsctl → an nbi pod → a firmware pod storing the content in GridFS on the shared
 * FerretDB (`npm run infra:test`), under a database of this run's own.
 */
describe('firmware files on the distributed ACS (nbi + firmware pods, GridFS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-files-pods-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  let firmware: RunningApp;
  let nbi: NbiProcess;
  let clients: TestClients;
  let database: MongoConnection;
  let content: GridFsContentStore;

  function acsctl(args: string[], token: string): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: nbi.nbiAddress, ACSCTL_TOKEN: token };
    delete env.ACSCTL_TOKEN_FILE;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    clients = writeTestClients(dir);
    firmware = await startApp('firmware', { ...shared, ACS_FIRMWARE_MAX_FILE_BYTES: String(8 * MiB) }).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    nbi = await startNbiProcess({ ...shared, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_FIRMWARE_ADDRESS: firmware.grpcAddress });
    database = await MongoConnection.open(readMongoConfig({ ACS_MONGO_URL: shared.ACS_MONGO_URL }, 'files-e2e'));
    content = new GridFsContentStore(database.connection.db as unknown as mongo.Db);
  }, 120_000);

  afterAll(async () => {
    await nbi?.stop();
    await firmware?.stop();
    await database?.connection.dropDatabase();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('uploads through the nbi pod into GridFS, byte for byte; refuses one over the limit leaving nothing; deletes', async () => {
    const bytes = randomBytes(6 * MiB + 123);
    writeFileSync(join(dir, 'ax3000.bin'), bytes);
    const upload = await acsctl(['files', 'upload', 'ax3000.bin', '--type', '1', '--model', 'A0B1C2:AX3000', '-o', 'json'], clients.admin);
    const context = `${JSON.stringify(upload, null, 2)}\n${firmware.output().slice(-2000)}\n${nbi.output().slice(-2000)}`;
    expect({ code: upload.code, context }).toEqual({ code: 0, context });
    const { file } = JSON.parse(upload.stdout) as { file: { id: string; sha256: string; size: number; createdBy: string } };
    expect(file).toMatchObject({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), createdBy: 'admin' });
    const stored: Buffer[] = [];
    for await (const chunk of (await content.read(file.id))!) stored.push(chunk as Buffer);
    expect(Buffer.concat(stored).equals(bytes)).toBe(true);

    writeFileSync(join(dir, 'too-big.bin'), randomBytes(9 * MiB));
    const refused = await acsctl(['files', 'upload', 'too-big.bin', '--type', 'firmware'], clients.admin);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/RESOURCE_EXHAUSTED/);
    expect(await content.ids()).toEqual([file.id]);

    expect((await acsctl(['files', 'delete', file.id], clients.admin)).code).toBe(0);
    expect(await content.ids()).toEqual([]);
    expect(await database.connection.db!.collection('firmware.content.chunks').countDocuments({})).toBe(0);
  }, 120_000);
});
