import { Metadata, status } from '@grpc/grpc-js';
import { diagnosticsClient, type DiagnosticsClient } from '@acs/clients';
import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { errorDetailsOf, GrpcServerHost } from '@acs/platform';

import { DiagnosticsFixture, TR098_DEVICE, TR181_DEVICE } from '../testing/diagnostics-fixture';
import { DiagnosticsGrpcController } from './diagnostics-grpc.controller';

/** The error a call that must fail failed with. */
async function refusal<E>(call: Promise<unknown>): Promise<E> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  if (!outcome) throw new Error('the call succeeded');
  return outcome.error as E;
}

const TRACE = 'Device.IP.Diagnostics.TraceRoute.';
const DOWNLOAD = 'InternetGatewayDevice.DownloadDiagnostics.';

describe('DiagnosticsService (in process, through the client other services use)', () => {
  let fixture: DiagnosticsFixture;
  let client: DiagnosticsClient;
  const asNoc = new Metadata();
  asNoc.set(REQUESTED_BY_METADATA_KEY, 'noc');

  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
    const host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    host.addService(pb.DiagnosticsServiceService, new DiagnosticsGrpcController(fixture.useCases).implementation);
    client = diagnosticsClient({ host: () => host });
  });
  afterEach(async () => {
    client.close();
    await fixture.close();
  });

  const ping = (inputs: Record<string, string> = { Host: '192.0.2.1' }) =>
    client.runs.runDiagnostic({ deviceId: TR181_DEVICE, kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING, inputs, timeoutSeconds: 30 }, { metadata: asNoc });

  it('answers the run started, with what was set and who asked', async () => {
    const { run } = await ping();
    expect(run).toMatchObject({
      id: 'run-1',
      deviceId: TR181_DEVICE,
      kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING,
      dataModel: 'tr-181',
      objectPath: 'Device.IP.Diagnostics.IPPing.',
      inputs: { Host: '192.0.2.1' },
      status: pb.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING,
      state: '',
      requestedBy: 'noc',
      createTime: new Date(fixture.clock.now),
      deadlineTime: new Date(fixture.clock.now + 30_000),
      fields: {},
      readTaskId: 'task-1',
      setTaskId: 'task-2',
    });
    expect(run!.valuesSet.at(-1)).toEqual({ path: 'Device.IP.Diagnostics.IPPing.DiagnosticsState', value: 'Requested', type: 'xsd:string' });
    expect(run!.result).toBeUndefined();
    expect(run!.failure).toBeUndefined();
  });

  it('maps a completed trace route to its typed hops and every field read', async () => {
    const { run } = await client.runs.runDiagnostic({ deviceId: TR181_DEVICE, kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_TRACE_ROUTE, inputs: { Host: 'example.net' } });
    await fixture.read(run!.id, {
      [`${TRACE}DiagnosticsState`]: 'Complete',
      [`${TRACE}ResponseTime`]: '21',
      [`${TRACE}RouteHops.1.Host`]: 'gw.isp.net',
      [`${TRACE}RouteHops.1.HostAddress`]: '198.51.100.1',
      [`${TRACE}RouteHops.1.ErrorCode`]: '0',
      [`${TRACE}RouteHops.1.RTTimes`]: '3,4,5',
      [`${TRACE}RouteHops.2.Host`]: 'example.net',
      [`${TRACE}RouteHops.2.HostAddress`]: '203.0.113.9',
      [`${TRACE}RouteHops.2.RTTimes`]: '20,21,22',
    });
    const got = (await client.runs.getDiagnostic({ runId: run!.id })).run!;
    expect(got.status).toBe(pb.DiagnosticStatus.DIAGNOSTIC_STATUS_COMPLETE);
    expect(got.state).toBe('Complete');
    expect(got.result).toEqual({
      $case: 'traceRoute',
      traceRoute: {
        hops: [
          { host: 'gw.isp.net', address: '198.51.100.1', rttMs: [3, 4, 5], errorCode: 0 },
          { host: 'example.net', address: '203.0.113.9', rttMs: [20, 21, 22], errorCode: 0 },
        ],
        responseTimeMs: 21,
        ipAddressUsed: '',
      },
    });
    expect(got.fields).toMatchObject({ responseTimeMs: '21', 'hops.1.host': 'gw.isp.net', 'hops.2.rttMs': '20,21,22' });
  });

  it('maps a TR-098 download to its times, bytes and computed throughput', async () => {
    const { run } = await client.runs.runDiagnostic({ deviceId: TR098_DEVICE, kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_DOWNLOAD, inputs: { DownloadURL: 'http://files.example.net/1MB' } });
    await fixture.read(run!.id, {
      [`${DOWNLOAD}DiagnosticsState`]: 'Completed',
      [`${DOWNLOAD}ROMTime`]: '2027-01-04T12:00:00.100000Z',
      [`${DOWNLOAD}BOMTime`]: '2027-01-04T12:00:00.200000Z',
      [`${DOWNLOAD}EOMTime`]: '2027-01-04T12:00:01.200000Z',
      [`${DOWNLOAD}TCPOpenRequestTime`]: '2027-01-04T12:00:00.050000Z',
      [`${DOWNLOAD}TCPOpenResponseTime`]: '2027-01-04T12:00:00.080000Z',
      [`${DOWNLOAD}TestBytesReceived`]: '1000000',
      [`${DOWNLOAD}TotalBytesReceived`]: '1040000',
    });
    const got = (await client.runs.getDiagnostic({ runId: run!.id })).run!;
    expect(got.dataModel).toBe('tr-098');
    expect(got.result).toEqual({
      $case: 'download',
      download: {
        romTime: new Date('2027-01-04T12:00:00.100Z'),
        bomTime: new Date('2027-01-04T12:00:00.200Z'),
        eomTime: new Date('2027-01-04T12:00:01.200Z'),
        tcpOpenRequestTime: new Date('2027-01-04T12:00:00.050Z'),
        tcpOpenResponseTime: new Date('2027-01-04T12:00:00.080Z'),
        testBytes: 1_000_000,
        totalBytesReceived: 1_040_000,
        transferDurationUs: 1_000_000,
        throughputBps: 8_000_000,
        ipAddressUsed: '',
      },
    });
    expect(got.fields['computed.throughputBitsPerSecond']).toBe('8000000');
  });

  it('lists newest first by device, kind and status, in pages', async () => {
    await ping();
    fixture.clock.now += 1;
    await client.runs.runDiagnostic({ deviceId: TR181_DEVICE, kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_NS_LOOKUP, inputs: { HostName: 'example.net' } });
    const first = await client.runs.listDiagnostics({ deviceId: TR181_DEVICE, kind: 0, status: 0, pageSize: 1, pageToken: '' });
    expect(first.runs.map((r) => r.id)).toEqual(['run-2']);
    expect(first.totalSize).toBe(2);
    const second = await client.runs.listDiagnostics({ deviceId: TR181_DEVICE, kind: 0, status: 0, pageSize: 1, pageToken: first.nextPageToken });
    expect(second.runs.map((r) => r.id)).toEqual(['run-1']);
    expect(second.nextPageToken).toBe('');
    const pings = await client.runs.listDiagnostics({ deviceId: '', kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING, status: pb.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING, pageSize: 0, pageToken: '' });
    expect(pings.runs.map((r) => r.id)).toEqual(['run-1']);
  });

  it('cancels, answering the failure, and maps refusals to statuses with details', async () => {
    const { run } = await ping();
    const cancelled = (await client.runs.cancelDiagnostic({ runId: run!.id }, { metadata: asNoc })).run!;
    expect(cancelled).toMatchObject({ status: pb.DiagnosticStatus.DIAGNOSTIC_STATUS_CANCELLED, state: 'Cancelled', failure: { state: 'Cancelled', reason: 'cancelled by noc' } });
    await expect(client.runs.cancelDiagnostic({ runId: run!.id })).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    await expect(client.runs.getDiagnostic({ runId: 'nope' })).rejects.toMatchObject({ code: status.NOT_FOUND });

    await ping();
    const conflict = await refusal<{ code: number; details: string }>(ping());
    expect(conflict).toMatchObject({ code: status.ALREADY_EXISTS });
    expect(conflict.details).toContain('run-2');

    const invalid = await refusal<{ code: number; metadata: Metadata }>(client.runs.runDiagnostic({ deviceId: TR098_DEVICE, kind: pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY, inputs: {} }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailsOf(invalid).badRequest?.fieldViolations).toEqual([expect.objectContaining({ field: 'kind', reason: 'NOT_IN_DATA_MODEL' })]);
    const unspecified = await refusal<{ metadata: Metadata }>(client.runs.runDiagnostic({ deviceId: TR181_DEVICE, kind: 0, inputs: {} }));
    expect(errorDetailsOf(unspecified).badRequest?.fieldViolations).toEqual([expect.objectContaining({ field: 'kind', reason: 'REQUIRED' })]);
  });
});
