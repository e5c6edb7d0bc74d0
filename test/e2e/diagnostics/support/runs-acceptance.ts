import { status, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe, type NetworkConditions } from '@acs/cpe-sim';

import { call, eventually, type AcsV1Clients } from '../../nbi/support/nbi-client';
import type { CliResult } from '../../grouping/support/groups-acceptance';
import { freePort } from '../../support/processes';
import type { TransferServer } from './transfer-server';

const Kind = acsV1.DiagnosticKind;
const Status = acsV1.DiagnosticStatus;

export interface RunsWorld {
  api: AcsV1Clients;
  acsctl: (args: string[]) => Promise<CliResult>;
  tr181: SimulatedCpe;
  tr098: SimulatedCpe;
  files: TransferServer;
}

export interface RunsAcceptanceOptions {
  /** How long a run may take to end (a bound for a loaded box, not a timing: each wait ends at the result). */
  waitMs: number;
}

/**
 * A simulated CPE of `model` that has informed and gone idle, with its own connection-request listener (so the
 * ACS can wake it for each run) and the network its diagnostics measure.
 */
export async function startDiagnosticsCpe(acsUrl: string, model: 'tr181' | 'tr098', serial: string): Promise<SimulatedCpe> {
  const cpe = new SimulatedCpe({
    acsUrl,
    model: DataModel.builtin(model),
    oui: model === 'tr181' ? '00D09E' : '00259E',
    productClass: model === 'tr181' ? 'DiagBox181' : 'DiagBox098',
    serialNumber: serial,
    periodicInformInterval: 3600,
    connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
  });
  await cpe.start();
  await cpe.idle();
  return cpe;
}

/** Runs a test and answers the run as RunDiagnostic returned it (RUNNING). */
export async function runDiagnostic(api: AcsV1Clients, deviceId: string, kind: acsV1.DiagnosticKind, inputs: Record<string, string>, timeoutSeconds = 120, acsEndpointBytes?: number): Promise<acsV1.DiagnosticRun> {
  const response = await call(api.diagnostics.runDiagnostic.bind(api.diagnostics), acsV1.RunDiagnosticRequest.fromPartial({ deviceId, kind, inputs, timeoutSeconds, acsEndpointBytes }));
  expect(response.run?.status).toBe(Status.DIAGNOSTIC_STATUS_RUNNING);
  return response.run!;
}

/** Follows a run with GetDiagnostic until it has ended, and answers it ended. */
export function ended(api: AcsV1Clients, runId: string, waitMs: number): Promise<acsV1.DiagnosticRun> {
  return eventually(
    async () => (await call(api.diagnostics.getDiagnostic.bind(api.diagnostics), { runId })).run!,
    (run) => run.status !== Status.DIAGNOSTIC_STATUS_RUNNING,
    waitMs,
    200,
  );
}

/** The run ended COMPLETE, with the result of its kind (the whole run in the message when not). */
function expectComplete(run: acsV1.DiagnosticRun, resultCase: NonNullable<acsV1.DiagnosticRun['result']>['$case']): void {
  const seen = { status: acsV1.diagnosticStatusToJSON(run.status), state: run.state, failure: run.failure, result: run.result?.$case };
  expect(seen).toEqual({ status: 'DIAGNOSTIC_STATUS_COMPLETE', state: expect.stringMatching(/^Completed?$/), failure: undefined, result: resultCase });
}

/** What the CPE holds for a parameter of its test object now (what it measured). */
function reported(cpe: SimulatedCpe, objectPath: string, name: string): string | undefined {
  return cpe.model.value(`${objectPath}${name}`);
}

/** Test conditions that leave only what a case is about: no loss unless it says so. */
const QUIET: Partial<NetworkConditions> = { latencyMs: 30, jitterMs: 4, lossRatio: 0, forcedStates: {}, neverComplete: [] };

/**
 * The acceptance of on-demand diagnostics (issue 15), the same on the standalone and the distributed ACS: every test
 * of both data models returns its typed result through the public API, consistent with the simulator's conditions
 * and with what the CPE itself holds; a forced Error_* state, a test that never completes, a second run of a busy
 * object, a cancel; and `acsctl diag ping --wait` printing ping's summary.
 */
export function describeRunsAcceptance(world: () => RunsWorld, options: RunsAcceptanceOptions): void {
  const { waitMs } = options;
  const caseMs = waitMs + 30_000;

  describe.each([
    ['TR-181', 'tr181', 'Device.IP.Diagnostics.IPPing.', 'Device.IP.Diagnostics.TraceRoute.'],
    ['TR-098', 'tr098', 'InternetGatewayDevice.IPPingDiagnostics.', 'InternetGatewayDevice.TraceRouteDiagnostics.'],
  ] as const)('on a %s CPE', (_label, model, pingPath, traceRoutePath) => {
    const cpe = (): SimulatedCpe => world()[model];
    const dataModel = model === 'tr181' ? 'tr-181' : 'tr-098';

    it('ping: the counts the device measured, loss as configured, RTTs within latency ± jitter', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, lossRatio: 0.25 });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_IP_PING, { Host: 'gw.example', NumberOfRepetitions: '40' });
      expect({ objectPath: started.objectPath, dataModel: started.dataModel }).toEqual({ objectPath: pingPath, dataModel });
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'ping');
      const ping = (run.result as { ping: acsV1.PingResult }).ping;
      expect(ping.successCount + ping.failureCount).toBe(40);
      expect(String(ping.successCount)).toBe(reported(cpe(), pingPath, 'SuccessCount'));
      expect(ping.lossRatio).toBeCloseTo(ping.failureCount / 40, 6);
      // 40 draws at 25 %: far outside this band only with a broken loss model (a seeded draw, so it never flakes).
      expect(ping.lossRatio).toBeGreaterThan(0.05);
      expect(ping.lossRatio).toBeLessThan(0.5);
      expect(ping.minRttMs).toBeGreaterThanOrEqual(26 - 0.5);
      expect(ping.maxRttMs).toBeLessThanOrEqual(34 + 0.5);
      expect(ping.avgRttMs).toBeGreaterThanOrEqual(ping.minRttMs!);
      expect(ping.avgRttMs).toBeLessThanOrEqual(ping.maxRttMs!);
      expect(run.fields.successCount).toBe(String(ping.successCount));
    }, caseMs);

    it('trace route: one hop per router, the target last with its address', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, hopCount: 5, dnsAnswers: { 'target.example': ['192.0.2.77'] } });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_TRACE_ROUTE, { Host: 'target.example', NumberOfTries: '2', MaxHopCount: '10' });
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'traceRoute');
      const trace = (run.result as { traceRoute: acsV1.TraceRouteResult }).traceRoute;
      expect(trace.hops.map((h) => h.address)).toEqual(['10.1.0.1', '10.2.0.1', '10.3.0.1', '10.4.0.1', '192.0.2.77']);
      expect(trace.hops[4].host).toBe('target.example');
      for (const hop of trace.hops) expect(hop.rttMs).toHaveLength(2);
      // The target answers at the full path's latency.
      for (const rtt of trace.hops[4].rttMs) expect(Math.abs(rtt - 30)).toBeLessThanOrEqual(5);
      expect(trace.responseTimeMs).toBe(Number(reported(cpe(), traceRoutePath, 'ResponseTime')));
    }, caseMs);

    it('download: the bytes fetched from the test server, at the simulated link rate', async () => {
      const { api, files } = world();
      const rate = 20e6;
      cpe().setNetworkConditions({ ...QUIET, downloadBitsPerSecond: rate });
      const before = files.downloads.length;
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_DOWNLOAD, { DownloadURL: `${files.url}/bytes/2000000` });
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'download');
      expect(files.downloads.length).toBe(before + 1);
      const transfer = (run.result as { download: acsV1.TransferResult }).download;
      // TestBytesReceived counts the HTTP header too.
      expect(transfer.testBytes).toBeGreaterThanOrEqual(2_000_000);
      expect(transfer.testBytes).toBeLessThan(2_001_000);
      expect(transfer.bomTime!.getTime()).toBeLessThanOrEqual(transfer.eomTime!.getTime());
      expect(transfer.romTime!.getTime()).toBeLessThanOrEqual(transfer.bomTime!.getTime());
      // The link paces the transfer: a busy machine can only make it slower, never faster.
      expect(transfer.throughputBps).toBeGreaterThan(rate * 0.3);
      expect(transfer.throughputBps).toBeLessThan(rate * 1.1);
    }, caseMs);

    it('UDP echo responder (UDPEchoConfig): changed, then read back with its counters, from the model\'s own object', async () => {
      const { api } = world();
      const set = await call(api.diagnostics.setUdpEchoResponder.bind(api.diagnostics), acsV1.SetUdpEchoResponderRequest.fromPartial({ deviceId: cpe().deviceId, enabled: true, udpPort: 8007, sourceIpAddress: '198.51.100.10', waitSeconds: 60 }));
      expect(set.task).toMatchObject({ status: 'DONE', fault: '' });
      const prefix = model === 'tr181' ? 'Device.IP.Diagnostics.UDPEchoConfig.' : 'InternetGatewayDevice.UDPEchoConfig.';
      expect([cpe().model.value(`${prefix}Enable`), cpe().model.value(`${prefix}UDPPort`), cpe().model.value(`${prefix}SourceIPAddress`)]).toEqual(['true', '8007', '198.51.100.10']);
      const read = await call(api.diagnostics.getUdpEchoResponder.bind(api.diagnostics), acsV1.GetUdpEchoResponderRequest.fromPartial({ deviceId: cpe().deviceId, waitSeconds: 60 }));
      expect(read.task?.status).toBe('DONE');
      expect(read.responder).toMatchObject({ enabled: true, udpPort: 8007, sourceIpAddress: '198.51.100.10', packetsReceived: 0 });
    }, caseMs);

    it('download from the ACS\'s own test endpoint: the size asked for, at the simulated link rate', async () => {
      const { api } = world();
      const rate = 20e6;
      cpe().setNetworkConditions({ ...QUIET, downloadBitsPerSecond: rate });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_DOWNLOAD, {}, 120, 2_000_000);
      // The URL the service gave the CPE: its own endpoint, signed for this run.
      expect(started.inputs.DownloadURL).toMatch(new RegExp(`/diagnostics/download/${started.id}\\?`));
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'download');
      const transfer = (run.result as { download: acsV1.TransferResult }).download;
      expect(transfer.testBytes).toBeGreaterThanOrEqual(2_000_000);
      expect(transfer.testBytes).toBeLessThan(2_001_000);
      expect(transfer.throughputBps).toBeGreaterThan(rate * 0.3);
      expect(transfer.throughputBps).toBeLessThan(rate * 1.1);
    }, caseMs);

    it('upload to the ACS\'s own test endpoint: the length asked for, at the simulated link rate', async () => {
      const { api } = world();
      const rate = 10e6;
      cpe().setNetworkConditions({ ...QUIET, uploadBitsPerSecond: rate });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_UPLOAD, {}, 120, 1_000_000);
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'upload');
      const transfer = (run.result as { upload: acsV1.TransferResult }).upload;
      expect(transfer.throughputBps).toBeGreaterThan(rate * 0.3);
      expect(transfer.throughputBps).toBeLessThan(rate * 1.1);
    }, caseMs);

    it('upload: the file length sent to the test server, at the simulated link rate', async () => {
      const { api, files } = world();
      const rate = 10e6;
      cpe().setNetworkConditions({ ...QUIET, uploadBitsPerSecond: rate });
      const name = `${model}-${Date.now()}`;
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_UPLOAD, { UploadURL: `${files.url}/upload/${name}`, TestFileLength: '1000000' });
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'upload');
      expect(files.uploads.filter((u) => u.path === `/upload/${name}`).map((u) => u.bytes)).toEqual([1_000_000]);
      const transfer = (run.result as { upload: acsV1.TransferResult }).upload;
      expect(transfer.throughputBps).toBeGreaterThan(rate * 0.3);
      expect(transfer.throughputBps).toBeLessThan(rate * 1.1);
    }, caseMs);

    it('DNS lookup: the addresses the resolver answers', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, dnsAnswers: { 'cpe-fw.example': ['192.0.2.10', '192.0.2.11'] } });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_NS_LOOKUP, { HostName: 'cpe-fw.example', DNSServer: '192.0.2.53', NumberOfRepetitions: '2' });
      const run = await ended(api, started.id, waitMs);
      expectComplete(run, 'nsLookup');
      const lookup = (run.result as { nsLookup: acsV1.NsLookupResult }).nsLookup;
      expect(lookup.successCount).toBe(2);
      expect(lookup.answers.map((a) => ({ status: a.status, type: a.answerType, host: a.hostNameReturned, ips: a.ipAddresses, server: a.dnsServerIp }))).toEqual([
        { status: 'Success', type: 'NonAuthoritative', host: 'cpe-fw.example', ips: ['192.0.2.10', '192.0.2.11'], server: '192.0.2.53' },
        { status: 'Success', type: 'NonAuthoritative', host: 'cpe-fw.example', ips: ['192.0.2.10', '192.0.2.11'], server: '192.0.2.53' },
      ]);
    }, caseMs);

    if (model === 'tr181') {
      it('UDP echo: every packet echoed, RTTs within latency ± jitter', async () => {
        const { api } = world();
        cpe().setNetworkConditions(QUIET);
        const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_UDP_ECHO, { Host: 'echo.example', NumberOfRepetitions: '5', InterTransmissionTime: '10' });
        const run = await ended(api, started.id, waitMs);
        expectComplete(run, 'udpEcho');
        const echo = (run.result as { udpEcho: acsV1.UdpEchoResult }).udpEcho;
        expect({ success: echo.successCount, failure: echo.failureCount, loss: echo.lossRatio }).toEqual({ success: 5, failure: 0, loss: 0 });
        expect(echo.minRttMs).toBeGreaterThanOrEqual(26 - 0.5);
        expect(echo.maxRttMs).toBeLessThanOrEqual(34 + 0.5);
      }, caseMs);

      it('server selection: the fastest host of the list', async () => {
        const { api } = world();
        cpe().setNetworkConditions({ ...QUIET, hostLatencyMs: { 'near.example': 8, 'far.example': 60 } });
        const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_SERVER_SELECTION, { HostList: 'far.example,near.example', NumberOfRepetitions: '3' });
        const run = await ended(api, started.id, waitMs);
        expectComplete(run, 'serverSelection');
        const selection = (run.result as { serverSelection: acsV1.ServerSelectionResult }).serverSelection;
        expect(selection.fastestHost).toBe('near.example');
        expect(Math.abs(selection.avgRttMs! - 8)).toBeLessThanOrEqual(4.5);
      }, caseMs);

      it('IP-layer capacity: the maximum near the link rate', async () => {
        const { api } = world();
        cpe().setNetworkConditions({ ...QUIET, downloadBitsPerSecond: 50e6 });
        const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY, { ServerList: 'capacity.example', Role: 'Receiver', NumberTestSubIntervals: '4', TestSubInterval: '500' });
        const run = await ended(api, started.id, waitMs);
        expectComplete(run, 'ipLayerCapacity');
        const capacity = (run.result as { ipLayerCapacity: acsV1.IpLayerCapacityResult }).ipLayerCapacity;
        expect(capacity.maxIpLayerCapacityMbps).toBeGreaterThanOrEqual(49 - 0.01);
        expect(capacity.maxIpLayerCapacityMbps).toBeLessThanOrEqual(50 + 0.01);
        expect(capacity.lossRatioAtMax).toBe(0);
      }, caseMs);
    } else {
      it('a test the model lacks is refused: UDP echo on TR-098 is NOT_IN_DATA_MODEL', async () => {
        const { api } = world();
        const error = await call(api.diagnostics.runDiagnostic.bind(api.diagnostics), acsV1.RunDiagnosticRequest.fromPartial({ deviceId: cpe().deviceId, kind: Kind.DIAGNOSTIC_KIND_UDP_ECHO, inputs: { Host: 'echo.example' } })).catch((e: ServiceError) => e);
        expect((error as ServiceError).code).toBe(status.INVALID_ARGUMENT);
        expect((error as ServiceError).details).toMatch(/kind/);
      });
    }

    it('a forced Error_* state fails the run with the state and what it means', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, forcedStates: { traceRoute: 'Error_MaxHopCountExceeded' } });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_TRACE_ROUTE, { Host: 'target.example' });
      const run = await ended(api, started.id, waitMs);
      cpe().setNetworkConditions(QUIET);
      expect({ status: acsV1.diagnosticStatusToJSON(run.status), state: run.state, failure: run.failure, result: run.result }).toEqual({
        status: 'DIAGNOSTIC_STATUS_FAILED',
        state: 'Error_MaxHopCountExceeded',
        failure: { state: 'Error_MaxHopCountExceeded', reason: 'the host was not reached within MaxHopCount hops' },
        result: undefined,
      });
    }, caseMs);

    it('a test that never completes times out at the run\'s deadline, saying why', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, neverComplete: ['nsLookup'] });
      const started = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_NS_LOOKUP, { HostName: 'slow.example' }, 3);
      const run = await ended(api, started.id, waitMs);
      cpe().setNetworkConditions(QUIET);
      expect({ status: acsV1.diagnosticStatusToJSON(run.status), state: run.state, failureState: run.failure?.state }).toEqual({
        status: 'DIAGNOSTIC_STATUS_TIMED_OUT',
        state: 'Timeout',
        failureState: 'Timeout',
      });
      // A loaded box may not even have set the inputs within 3 s: the reason says which of the two happened.
      const tookInputs = cpe().diagnosticsRecords.some((r) => r.kind === 'nsLookup' && r.requestedAt >= started.createTime!.getTime() - 1000);
      const never = 'the device never reported 8 DIAGNOSTICS COMPLETE within 3 s';
      expect(run.failure!.reason).toBe(tookInputs ? never : `${never}; it did not even take the test's inputs (it did not connect, or did not answer the SetParameterValues)`);
    }, caseMs);

    it('a second run of a busy test object is refused, naming the running run; a cancel frees it', async () => {
      const { api } = world();
      cpe().setNetworkConditions({ ...QUIET, neverComplete: ['ipPing'] });
      const first = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_IP_PING, { Host: 'busy.example' }, 300);
      const refused = await call(api.diagnostics.runDiagnostic.bind(api.diagnostics), acsV1.RunDiagnosticRequest.fromPartial({ deviceId: cpe().deviceId, kind: Kind.DIAGNOSTIC_KIND_IP_PING, inputs: { Host: 'other.example' } })).catch((e: ServiceError) => e);
      expect((refused as ServiceError).code).toBe(status.ALREADY_EXISTS);
      expect((refused as ServiceError).details).toContain(first.id);

      const cancelled = await call(api.diagnostics.cancelDiagnostic.bind(api.diagnostics), { runId: first.id });
      expect({ status: acsV1.diagnosticStatusToJSON(cancelled.run!.status), state: cancelled.run!.failure?.state }).toEqual({ status: 'DIAGNOSTIC_STATUS_CANCELLED', state: 'Cancelled' });

      cpe().setNetworkConditions(QUIET);
      const again = await runDiagnostic(api, cpe().deviceId, Kind.DIAGNOSTIC_KIND_IP_PING, { Host: 'gw.example', NumberOfRepetitions: '3' });
      expectComplete(await ended(api, again.id, waitMs), 'ping');
    }, caseMs * 2);

    it('every test of the model at once: one completion Inform may report several, each run gets its own result', async () => {
      const { api, files } = world();
      cpe().setNetworkConditions(QUIET);
      type Case = readonly [acsV1.DiagnosticKind, Readonly<Record<string, string>>, NonNullable<acsV1.DiagnosticRun['result']>['$case']];
      const all: Case[] = [
        [Kind.DIAGNOSTIC_KIND_IP_PING, { Host: 'gw.example', NumberOfRepetitions: '3' }, 'ping'],
        [Kind.DIAGNOSTIC_KIND_TRACE_ROUTE, { Host: 'target.example', NumberOfTries: '1' }, 'traceRoute'],
        [Kind.DIAGNOSTIC_KIND_DOWNLOAD, { DownloadURL: `${files.url}/bytes/200000` }, 'download'],
        [Kind.DIAGNOSTIC_KIND_UPLOAD, { UploadURL: `${files.url}/upload/all-${model}`, TestFileLength: '100000' }, 'upload'],
        [Kind.DIAGNOSTIC_KIND_NS_LOOKUP, { HostName: 'gw.example' }, 'nsLookup'],
        ...(model === 'tr181'
          ? ([
              [Kind.DIAGNOSTIC_KIND_UDP_ECHO, { Host: 'echo.example', NumberOfRepetitions: '2' }, 'udpEcho'],
              [Kind.DIAGNOSTIC_KIND_SERVER_SELECTION, { HostList: 'a.example,b.example' }, 'serverSelection'],
              [Kind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY, { ServerList: 'capacity.example' }, 'ipLayerCapacity'],
            ] satisfies Case[])
          : []),
      ];
      const started = await Promise.all(all.map(([kind, inputs]) => runDiagnostic(api, cpe().deviceId, kind, { ...inputs })));
      const runs = await Promise.all(started.map((run) => ended(api, run.id, waitMs)));
      expect(runs.map((run) => `${acsV1.diagnosticStatusToJSON(run.status)} ${run.result?.$case ?? run.failure?.reason}`)).toEqual(all.map(([, , result]) => `DIAGNOSTIC_STATUS_COMPLETE ${result}`));
    }, caseMs);

    it('ListDiagnostics finds the device\'s runs, newest first', async () => {
      const { api } = world();
      const list = await call(api.diagnostics.listDiagnostics.bind(api.diagnostics), acsV1.ListDiagnosticsRequest.fromPartial({ deviceId: cpe().deviceId, status: Status.DIAGNOSTIC_STATUS_TIMED_OUT }));
      expect(list.runs.map((r) => acsV1.diagnosticKindToJSON(r.kind))).toEqual(['DIAGNOSTIC_KIND_NS_LOOKUP']);
    });
  });

  it('acsctl diag ping --wait prints ping\'s summary', async () => {
    const { acsctl, tr181 } = world();
    tr181.setNetworkConditions(QUIET);
    const result = await acsctl(['diag', 'ping', tr181.deviceId, 'gw.example', '-c', '5', '--wait', '--timeout', '60s']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(-3, -1)).toEqual(['--- gw.example ping statistics ---', '5 packets transmitted, 5 received, 0% packet loss']);
    expect(lines[lines.length - 1]).toMatch(/^rtt min\/avg\/max = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
  }, caseMs);

  it('acsctl diag responder changes the UDP echo responder, then shows it with its counters', async () => {
    const { acsctl, tr181 } = world();
    const set = await acsctl(['diag', 'responder', tr181.deviceId, '--enable', '--port', '9007', '--wait-seconds', '60']);
    expect({ code: set.code, stderr: set.stderr }).toEqual({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/^status:\s+DONE$/m);
    const shown = await acsctl(['diag', 'responder', tr181.deviceId, '--wait-seconds', '60']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^enabled:\s+true$/m);
    expect(shown.stdout).toMatch(/^udp port:\s+9007$/m);
    expect(shown.stdout).toMatch(/^packets:\s+0 received, 0 answered$/m);
  }, caseMs);
}
