import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe, type DataModelParameter } from '@acs/cpe-sim';

import { freePort, REPO_ROOT, startApp, type RunningApp } from '../support/processes';
import { call, collect, NbiChannel, type AcsV1Clients } from './support/nbi-client';
import { writeTestClients, type TestClients } from './support/nbi-clients-file';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');
/** What a device answers: every parameter of its tree, this many. */
const PARAMETERS = 30_000;
/** gRPC's default message limit, which the test's clients keep (the NBI's default ACS_NBI_MAX_MESSAGE_BYTES too). */
const GRPC_DEFAULT_MAX_MESSAGE = 4 * 1024 * 1024;
/** Values long enough that the whole result, as JSON, is over the message limit. */
const VALUE = 'x'.repeat(120);

/**
 * Issue 12: one device answering a GetParameterValues of its whole tree with 30,000 parameters (over 4 MB) must not
 * break any operator call. The real standalone, a simulated CPE with a 30,000-parameter model, the NBI's clients with
 * gRPC's default 4 MiB receive limit, and the built acsctl.
 */
describe('a 30,000-parameter task result (standalone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-large-result-'));
  let acs: RunningApp;
  let clients: TestClients;
  let channel: NbiChannel;
  let admin: AcsV1Clients;
  let viewer: AcsV1Clients;
  let cpe: SimulatedCpe;

  /** The built-in TR-181 model plus bulk parameters, PARAMETERS in all. */
  function largeModel(): DataModel {
    const builtin = DataModel.builtin('tr181').select('Device.');
    const leaves = builtin.filter((p) => !p.object).length;
    const bulk: DataModelParameter[] = Array.from({ length: PARAMETERS - leaves }, (_, i) => ({
      name: `Device.X_E2E_Bulk.Entry.${i + 1}.Value`,
      object: false,
      writable: true,
      value: `${i + 1}-${VALUE}`,
      type: 'string',
      notification: 0,
      accessList: [],
    }));
    return DataModel.fromParameters([...builtin, ...bulk]);
  }

  function acsctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: acs.nbiAddress, ACSCTL_TOKEN: clients.watcher };
    delete env.ACSCTL_TOKEN_FILE;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    clients = writeTestClients(dir);
    acs = await startApp('standalone', {
      ACS_NBI_CLIENTS_FILE: clients.file,
      // The answer is about 6 MB of SOAP: the CWMP body limit (4 MiB by default) is raised for it, the NBI's is not.
      ACS_MAX_BODY_BYTES: String(16 * 1024 * 1024),
      ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '0',
    });
    channel = new NbiChannel(acs.nbiAddress);
    admin = channel.clients(clients.admin);
    viewer = channel.clients(clients.watcher);
    cpe = new SimulatedCpe({
      acsUrl: acs.cwmpUrl,
      model: largeModel(),
      oui: 'E2E0B2',
      productClass: 'BulkRouter',
      serialNumber: `BULK${Date.now().toString(36).toUpperCase()}`,
      periodicInformInterval: 3600,
      connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
    });
    await cpe.start();
    await cpe.idle();
  }, 120_000);

  afterAll(async () => {
    await cpe?.stop();
    channel?.close();
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('summarises the result in every Task, pages all 30,000 values exactly once, and keeps ListTasks working', async () => {
    const { task: created } = await call(admin.tasks.createTask.bind(admin.tasks), {
      awaitEventCode: '',
      deviceId: cpe.deviceId,
      spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.'] } } },
      connectionRequest: true,
      waitTimeoutMs: 0,
      maxAttempts: 0,
      expireTime: undefined,
    });
    const taskId = created!.id;

    // Every update of the watch arrives (none over the limit), the last one DONE with the summary alone.
    const updates = await collect(admin.tasks.watchTask({ taskId }), (m) => m.task?.status === acsV1.TaskStatus.TASK_STATUS_DONE || m.task?.status === acsV1.TaskStatus.TASK_STATUS_FAULTED, 180_000);
    const done = updates[updates.length - 1].task!;
    expect(done.fault).toBeUndefined();
    expect(done.status).toBe(acsV1.TaskStatus.TASK_STATUS_DONE);
    expect(done.result).toBeUndefined();
    expect(done.resultSummary).toMatchObject({ entryKind: 'parameter_values', entryCount: PARAMETERS, parametersRead: PARAMETERS, inline: false });
    expect(done.resultSummary!.sizeBytes).toBeGreaterThan(GRPC_DEFAULT_MAX_MESSAGE);

    // GetTask: the summary, not the result; well under the message limit.
    const got = await call(viewer.tasks.getTask.bind(viewer.tasks), { taskId });
    expect(got.task?.resultSummary?.entryCount).toBe(PARAMETERS);
    expect(acsV1.GetTaskResponse.encode(got).finish().length).toBeLessThan(64 * 1024);

    // Another operator lists tasks: the listing carries summaries only.
    const listed = await call(viewer.tasks.listTasks.bind(viewer.tasks), { deviceId: '', statuses: [], source: '', pageSize: 1000, pageToken: '' });
    const row = listed.tasks.find((t) => t.id === taskId);
    expect(row?.result).toBeUndefined();
    expect(row?.resultSummary?.parametersRead).toBe(PARAMETERS);

    // Every entry exactly once, in pages under the limit.
    const seen = new Map<string, string>();
    let pageToken = '';
    let pages = 0;
    do {
      const page = await call(viewer.tasks.getTaskResult.bind(viewer.tasks), { taskId, pageSize: 5_000, pageToken });
      expect(acsV1.GetTaskResultResponse.encode(page).finish().length).toBeLessThan(2 * 1024 * 1024);
      for (const value of page.parameterValues) {
        expect(seen.has(value.path)).toBe(false);
        seen.set(value.path, value.value);
      }
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== '');
    expect(seen.size).toBe(PARAMETERS);
    expect(pages).toBeGreaterThan(1);
    expect(seen.get('Device.X_E2E_Bulk.Entry.17.Value')).toBe(`17-${VALUE}`);

    // acsctl: the list shows the summary; `tasks get` prints the task and then every value, page after page.
    const list = await acsctl(['tasks', 'list', '--device', cpe.deviceId]);
    expect(list.stderr).not.toMatch(/RESOURCE_EXHAUSTED/);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${taskId}.*DONE.*30000 value\\(s\\)`));
    const get = await acsctl(['tasks', 'get', taskId]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^result:\s+30000 value\(s\), [\d.]+ MiB$/m);
    const rows = get.stdout.split('\n').filter((line) => /^Device\.\S+\s/.test(line));
    expect(rows).toHaveLength(PARAMETERS);
    expect(new Set(rows.map((line) => line.split(/\s+/)[0])).size).toBe(PARAMETERS);
    const ndjson = await acsctl(['tasks', 'result', taskId, '--page-size', '2500', '-o', 'json']);
    expect(ndjson.code).toBe(0);
    const lines = ndjson.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(PARAMETERS);
    expect(JSON.parse(lines[0])).toEqual({ path: expect.any(String), value: expect.any(String), type: expect.stringMatching(/^xsd:/) });
  }, 300_000);
});
