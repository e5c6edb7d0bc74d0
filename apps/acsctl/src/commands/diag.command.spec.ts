import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acsV1 } from '@acs/contracts';
import { DiagnosticsGrpcController } from '@acs/diagnostics';
import { DiagnosticsFixture, TR098_DEVICE, TR181_DEVICE } from '@acs/diagnostics/testing';
import { GrpcServerHost } from '@acs/platform';
import { run } from '../acsctl';

const PING = 'Device.IP.Diagnostics.IPPing.';
const completePing = {
  [`${PING}DiagnosticsState`]: 'Complete',
  [`${PING}IPAddressUsed`]: '192.0.2.7',
  [`${PING}SuccessCount`]: '3',
  [`${PING}FailureCount`]: '1',
  [`${PING}AverageResponseTimeDetailed`]: '9400',
  [`${PING}MinimumResponseTimeDetailed`]: '8100',
  [`${PING}MaximumResponseTimeDetailed`]: '12000',
};

/**
 * `acsctl diag …` against the diagnostics service's real DiagnosticsService controller on its use cases (embedded
 * store, in-memory devices and provisioning tasks), over gRPC on loopback; the spec plays the device by finishing
 * the run's tasks while the CLI waits.
 */
describe('acsctl diag against the DiagnosticsService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-diag-'));
  let fixture: DiagnosticsFixture;
  let host: GrpcServerHost;
  let server: string;

  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    host.addService(acsV1.DiagnosticsServiceService, new DiagnosticsGrpcController(fixture.useCases).implementation);
    server = `127.0.0.1:${await host.start()}`;
  });

  afterEach(async () => {
    await host.stop(0);
    await fixture.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function acsctl(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ACSCTL_SERVER: server, ACSCTL_TOKEN: 'acs_test-token' }, cwd: dir });
    return { code, stdout, stderr };
  }

  /** The run the CLI started, once the service has filed its tasks (the CLI is waiting on it meanwhile). */
  async function runningRunId(): Promise<string> {
    for (;;) {
      const [running] = (await fixture.useCases.listDiagnostics.execute({ status: 'running' }, { skip: 0, limit: 1 })).items;
      if (running?.readTaskId && running.setTaskId) return running.id;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('diag ping --wait sends the options as inputs, follows the run and prints ping\'s statistics', async () => {
    const cli = acsctl(['diag', 'ping', TR181_DEVICE, 'gw.example', '-c', '4', '-s', '64', '-W', '2', '--dscp', '46', '--input', 'ProtocolVersion=IPv4', '--wait', '--timeout', '90s']);
    const runId = await runningRunId();
    const started = (await fixture.store.runs.get(runId))!;
    expect(started.inputs).toEqual({ Host: 'gw.example', NumberOfRepetitions: '4', DataBlockSize: '64', Timeout: '2000', DSCP: '46', ProtocolVersion: 'IPv4' });
    expect(started.deadline - started.createdAt).toBe(90_000);
    await fixture.read(runId, completePing);
    const result = await cli;
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'PING gw.example from 192.0.2.7',
      '',
      '--- gw.example ping statistics ---',
      '4 packets transmitted, 3 received, 25% packet loss',
      'rtt min/avg/max = 8.100/9.400/12.000 ms',
      '',
    ]);
    expect(result.stderr).toContain(`ping ${runId}: running on ${PING} of ${TR181_DEVICE}`);
  });

  it('a failed run prints its Error_* state and reason and exits 3; -o json prints the run', async () => {
    const cli = acsctl(['diag', 'ping', TR181_DEVICE, 'nowhere.invalid', '--wait', '-o', 'json']);
    const runId = await runningRunId();
    await fixture.read(runId, { [`${PING}DiagnosticsState`]: 'Error_CannotResolveHostName' });
    const result = await cli;
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: runId,
      status: 'DIAGNOSTIC_STATUS_FAILED',
      failure: { state: 'Error_CannotResolveHostName', reason: 'the device could not resolve the host name' },
    });

    const text = await acsctl(['diag', 'get', runId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`ping ${runId}: FAILED Error_CannotResolveHostName: the device could not resolve the host name`);
    expect(text.stdout).toMatch(/^status: +FAILED$/m);
  });

  it('without --wait prints the run started; a second run of the object is refused naming it (exit 1); cancel ends it', async () => {
    const first = await acsctl(['diag', 'traceroute', TR098_DEVICE, '192.0.2.9', '--max-hops', '12', '--tries', '2', '-o', 'json']);
    expect(first.code).toBe(0);
    const started = JSON.parse(first.stdout) as { id: string; status: string; inputs: Record<string, string> };
    expect(started).toMatchObject({ status: 'DIAGNOSTIC_STATUS_RUNNING', inputs: { Host: '192.0.2.9', MaxHopCount: '12', NumberOfTries: '2' } });

    const second = await acsctl(['diag', 'traceroute', TR098_DEVICE, '192.0.2.10']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(started.id);
    expect(second.stderr).toMatch(/ALREADY_EXISTS/);

    const cancelled = await acsctl(['diag', 'cancel', started.id]);
    expect({ code: cancelled.code, stdout: cancelled.stdout }).toEqual({ code: 0, stdout: `traceroute ${started.id}: CANCELLED\n` });
    const waited = await acsctl(['diag', 'get', started.id, '--wait']);
    expect(waited.code).toBe(3);
    expect(waited.stdout).toMatch(/^traceroute \S+: CANCELLED Cancelled: /);
  });

  it('diag list filters by device, test and status', async () => {
    await acsctl(['diag', 'upload', TR098_DEVICE, 'http://192.0.2.1/up', '--bytes', '1000']);
    await acsctl(['diag', 'ping', TR181_DEVICE, '192.0.2.1']);
    const listed = await acsctl(['diag', 'list', '--device', TR098_DEVICE, '--kind', 'upload', '--status', 'running']);
    expect(listed.code).toBe(0);
    const [header, row, ...rest] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +DEVICE +TEST +STATUS +CREATED +RESULT$/);
    expect(row).toMatch(new RegExp(`^run-\\d+ +${TR098_DEVICE} +upload +RUNNING `));
    expect(rest).toEqual([]);
    const bad = await acsctl(['diag', 'list', '--kind', 'speedtest']);
    expect({ code: bad.code, message: bad.stderr.split('\n')[0] }).toEqual({ code: 2, message: 'error: --kind: "speedtest" is not a test (ping, traceroute, download, upload, nslookup, udpecho, serverselection, capacity)' });
  });

  it('an input the device\'s model refuses comes back named, exit 1', async () => {
    const result = await acsctl(['diag', 'ping', TR181_DEVICE, 'gw.example', '--input', 'NoSuchInput=1', '-c', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('inputs.NoSuchInput');
    expect(result.stderr).toContain('inputs.NumberOfRepetitions');
  });
});
