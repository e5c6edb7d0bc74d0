import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SimulatedCpe } from '@acs/cpe-sim';

import { REPO_ROOT, type RunningApp } from '../support/processes';
import { acsV1ServiceDefinitions } from './support/nbi-client';
import { startStandaloneWithCpe } from './support/standalone-with-cpe';

interface GrpcurlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real grpcurl (built from source by deploy/local/tools.sh, which `npm test` runs before Jest) against the
 * standalone on its first start: what an operator types to look at the public API before writing a client.
 */
describe('grpcurl against the public API (standalone)', () => {
  let grpcurl: string;
  let acs: RunningApp;
  let token: string;
  let cpe: SimulatedCpe;

  function run(args: string[], withToken = true): Promise<GrpcurlRun> {
    const auth = withToken ? ['-H', `authorization: Bearer ${token}`] : [];
    return new Promise((resolve) => {
      execFile(grpcurl, ['-plaintext', ...auth, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** A call that must succeed; its JSON answer. */
  async function invoke(method: string, request: object): Promise<Record<string, unknown>> {
    const result = await run(['-d', JSON.stringify(request), acs.nbiAddress, method]);
    if (result.code !== 0) throw new Error(`grpcurl ${method} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  beforeAll(async () => {
    // A missing grpcurl fails the suite: `bash deploy/local/tools.sh install grpcurl` builds it.
    grpcurl = execFileSync('bash', [join(REPO_ROOT, 'deploy', 'local', 'tools.sh'), 'path', 'grpcurl'], { encoding: 'utf8' }).trim();
    let tokenFile: string;
    ({ acs, tokenFile, cpe } = await startStandaloneWithCpe({ oui: 'E2E0C2', productClass: 'CurlRouter', serialPrefix: 'CURL' }));
    token = readFileSync(tokenFile, 'utf8').trim();
  }, 90_000);

  afterAll(async () => {
    await cpe?.stop();
    await acs?.stop();
  }, 30_000);

  it('lists the services by reflection, without credentials', async () => {
    const result = await run([acs.nbiAddress, 'list'], false);
    expect(result).toMatchObject({ code: 0 });
    // Every acs.v1 service, and health; the reflection services do not list themselves.
    const expected = [...[...acsV1ServiceDefinitions().keys()].map((service) => `acs.v1.${service}`), 'grpc.health.v1.Health'].sort();
    // The definitions were found (a list of health alone would prove nothing); every service a release adds is in it.
    expect(expected).toEqual(expect.arrayContaining(['acs.v1.DeviceService', 'acs.v1.TaskService', 'acs.v1.FileService']));
    expect(result.stdout.trim().split('\n').sort()).toEqual(expected);
  }, 30_000);

  it('describes a service and a message', async () => {
    const service = await run([acs.nbiAddress, 'describe', 'acs.v1.TaskService'], false);
    expect(service.code).toBe(0);
    expect(service.stdout).toMatch(/rpc CreateTask \( \.acs\.v1\.CreateTaskRequest \) returns \( \.acs\.v1\.CreateTaskResponse \);/);
    expect(service.stdout).toMatch(/rpc WatchTask \( \.acs\.v1\.WatchTaskRequest \) returns \( stream \.acs\.v1\.\w+ \);/);
    const message = await run([acs.nbiAddress, 'describe', 'acs.v1.CreateTaskRequest'], false);
    expect(message.stdout).toMatch(/uint32 wait_timeout_ms = 4;/);
  }, 30_000);

  it('checks health without credentials', async () => {
    const result = await run(['-d', '{"service":"acs.v1.DeviceService"}', acs.nbiAddress, 'grpc.health.v1.Health/Check'], false);
    expect(result).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toEqual({ status: 'SERVING' });
  }, 30_000);

  it('lists devices and runs a task with a connection request and a wait, with the bootstrap admin token', async () => {
    const listed = await invoke('acs.v1.DeviceService/ListDevices', { filter: `productClass = "CurlRouter"`, pageSize: 10 });
    expect(listed).toMatchObject({ devices: [{ id: cpe.deviceId, productClass: 'CurlRouter' }], totalSize: '1' });

    const created = await invoke('acs.v1.TaskService/CreateTask', {
      deviceId: cpe.deviceId,
      spec: { getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } },
      connectionRequest: true,
      waitTimeoutMs: 30_000,
    });
    expect(created).toMatchObject({ finished: true, task: { deviceId: cpe.deviceId, status: 'TASK_STATUS_DONE', source: 'api:admin' } });
    const version = cpe.model.get('Device.DeviceInfo.SoftwareVersion')?.value;
    expect(version).toBeTruthy();
    expect(JSON.stringify((created.task as { result: unknown }).result)).toContain(version);
  }, 60_000);

  it('is refused without a token, and shows the field at fault of an invalid argument', async () => {
    const anonymous = await run(['-d', '{}', acs.nbiAddress, 'acs.v1.DeviceService/ListDevices'], false);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/Code: Unauthenticated/);

    const invalid = await run(['-d', '{"deviceId":""}', acs.nbiAddress, 'acs.v1.DeviceService/GetDevice']);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/Code: InvalidArgument/);
    expect(invalid.stderr).toMatch(/"@type": "type\.googleapis\.com\/google\.rpc\.BadRequest"/);
    expect(invalid.stderr).toMatch(/"field": "device_id"/);
  }, 30_000);
});
