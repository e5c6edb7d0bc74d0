import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '@acs/platform';

import { DiagnosticsFixture, TR098_DEVICE, TR181_DEVICE } from '../testing/diagnostics-fixture';

describe('RunDiagnostic', () => {
  let fixture: DiagnosticsFixture;
  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
  });
  afterEach(() => fixture.close());

  it('creates the read waiting for 8 DIAGNOSTICS COMPLETE first, then the SetParameterValues, both expiring at the deadline', async () => {
    const run = await fixture.ping(TR181_DEVICE, { Host: '192.0.2.1', NumberOfRepetitions: '3' }, 120);
    expect(run).toMatchObject({ id: 'run-1', status: 'running', kind: 'ipPing', root: 'Device', objectPath: 'Device.IP.Diagnostics.IPPing.', requestedBy: 'noc' });
    expect(run.deadline).toBe(fixture.clock.now + 120_000);
    const [read, set] = fixture.tasks.of(run.id);
    expect(read).toMatchObject({ kind: 'getParameterValues', objectPath: 'Device.IP.Diagnostics.IPPing.', expiresAt: run.deadline, status: 'pending' });
    expect(set).toMatchObject({ kind: 'setParameterValues', expiresAt: run.deadline });
    expect(set!.values!.map((v) => `${v.path}=${v.value}`)).toEqual([
      'Device.IP.Diagnostics.IPPing.Host=192.0.2.1',
      'Device.IP.Diagnostics.IPPing.NumberOfRepetitions=3',
      'Device.IP.Diagnostics.IPPing.Timeout=1000',
      'Device.IP.Diagnostics.IPPing.DiagnosticsState=Requested',
    ]);
    expect(await fixture.store.runs.get(run.id)).toEqual({ ...run, readTaskId: read!.taskId, setTaskId: set!.taskId });
  });

  it('picks the object of the device data model and defaults the timeout to the configured one', async () => {
    const run = await fixture.ping(TR098_DEVICE);
    expect(run).toMatchObject({ root: 'InternetGatewayDevice', objectPath: 'InternetGatewayDevice.IPPingDiagnostics.' });
    expect(run.deadline - run.createdAt).toBe(600_000);
  });

  it('refuses a second run of the same test object of a device, naming the run going on', async () => {
    const first = await fixture.ping();
    const refused = fixture.ping(TR181_DEVICE, { Host: '198.51.100.1' });
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(first.id);
    await expect(refused).rejects.toMatchObject({ details: { kind: 'already-exists', reason: 'DIAGNOSTIC_RUNNING' } });
    // Another test object of the same device, or the same test on another device, runs.
    await fixture.useCases.runDiagnostic.execute({ deviceId: TR181_DEVICE, kind: 'traceRoute', inputs: { Host: 'example.net' } });
    await fixture.ping(TR098_DEVICE);
    // Once the first run ended, the object is free again.
    await fixture.useCases.cancelDiagnostic.execute({ runId: first.id });
    expect((await fixture.ping(TR181_DEVICE, { Host: '198.51.100.1' })).status).toBe('running');
  });

  it('takes over the slot of a run that ended without freeing it', async () => {
    const first = await fixture.ping();
    // A crash between storing the end and freeing the slot.
    await fixture.store.runs.finish({ ...first, status: 'complete', state: 'Complete' });
    expect((await fixture.ping()).id).toBe('run-2');
  });

  it('refuses what the device data model lacks and every bad input at once, creating nothing', async () => {
    await expect(fixture.useCases.runDiagnostic.execute({ deviceId: TR098_DEVICE, kind: 'udpEcho', inputs: { Host: 'x' } })).rejects.toMatchObject({
      fieldViolations: [{ field: 'kind', reason: 'NOT_IN_DATA_MODEL' }],
    });
    await expect(fixture.ping(TR181_DEVICE, { NumberOfRepetitions: 'many', Colour: 'blue' })).rejects.toMatchObject({
      fieldViolations: expect.arrayContaining([
        expect.objectContaining({ field: 'inputs.Colour', reason: 'UNKNOWN_PARAMETER' }),
        expect.objectContaining({ field: 'inputs.Host', reason: 'REQUIRED' }),
        expect.objectContaining({ field: 'inputs.NumberOfRepetitions', reason: 'BAD_FORMAT' }),
      ]),
    });
    await expect(fixture.useCases.runDiagnostic.execute({ deviceId: '', kind: 'telepathy', inputs: {}, timeoutSeconds: 0 })).rejects.toMatchObject({
      fieldViolations: [
        expect.objectContaining({ field: 'device_id', reason: 'REQUIRED' }),
        expect.objectContaining({ field: 'kind', reason: 'BAD_FORMAT' }),
        expect.objectContaining({ field: 'timeout_seconds', reason: 'OUT_OF_RANGE' }),
      ],
    });
    await expect(fixture.ping('unknown-device')).rejects.toThrow(NotFoundError);
    expect(fixture.tasks.tasks).toEqual([]);
    expect((await fixture.store.runs.list({}, { skip: 0, limit: 10 })).total).toBe(0);
  });

  it('undoes the run when provisioning cannot take its tasks, so a retry starts clean', async () => {
    fixture.tasks.failNextCreate = new UnavailableError('provisioning', 'connection refused');
    await expect(fixture.ping()).rejects.toThrow(UnavailableError);
    expect(await fixture.store.runs.get('run-1')).toBeNull();
    // The SetParameterValues failed after the read was created: the read is cancelled with the run.
    const tasks = fixture.tasks;
    const createSet = tasks.createSet.bind(tasks);
    tasks.createSet = async () => {
      throw new UnavailableError('provisioning', 'connection refused');
    };
    await expect(fixture.ping()).rejects.toThrow(UnavailableError);
    expect(tasks.of('run-2').map((t) => `${t.kind} ${t.status}`)).toEqual(['getParameterValues cancelled']);
    tasks.createSet = createSet;
    expect((await fixture.ping()).id).toBe('run-3');
  });

  it('is a ValidationError, not a crash, for a kind given as an unknown string', async () => {
    await expect(fixture.useCases.runDiagnostic.execute({ deviceId: TR181_DEVICE, kind: 'IPPing', inputs: {} })).rejects.toThrow(ValidationError);
  });

  describe('against the ACS\'s own test endpoint', () => {
    const testUrls = {
      maxBytes: 1_000_000,
      issueDownloadUrl: (g: { runId: string; bytes: number; expiresAt: number }) => `http://acs.test/diagnostics/download/${g.runId}?n=${g.bytes}&e=${g.expiresAt}`,
      issueUploadUrl: (g: { runId: string; maxBytes: number; expiresAt: number }) => `http://acs.test/diagnostics/upload/${g.runId}?n=${g.maxBytes}&e=${g.expiresAt}`,
    };
    let withEndpoint: DiagnosticsFixture;
    beforeEach(async () => {
      withEndpoint = await DiagnosticsFixture.open({ testUrls });
    });
    afterEach(() => withEndpoint.close());

    it('sets a download\'s URL, and an upload\'s URL and length, signed for the run until its deadline', async () => {
      const download = await withEndpoint.useCases.runDiagnostic.execute({ deviceId: TR181_DEVICE, kind: 'download', inputs: {}, timeoutSeconds: 60, acsEndpointBytes: 500_000 });
      expect(download.inputs).toEqual({ DownloadURL: `http://acs.test/diagnostics/download/${download.id}?n=500000&e=${download.deadline}` });
      const upload = await withEndpoint.useCases.runDiagnostic.execute({ deviceId: TR098_DEVICE, kind: 'upload', inputs: {}, acsEndpointBytes: 1000 });
      expect(upload.inputs).toEqual({ UploadURL: `http://acs.test/diagnostics/upload/${upload.id}?n=1000&e=${upload.deadline}`, TestFileLength: '1000' });
      expect(upload.valuesSet.map((v) => v.path)).toContain('InternetGatewayDevice.UploadDiagnostics.UploadURL');
    });

    it('refuses it with a URL of the caller\'s, for another kind, or over the endpoint\'s maximum', async () => {
      const fields = (promise: Promise<unknown>) => promise.then(() => [], (error: unknown) => (error instanceof ValidationError ? error.fieldViolations.map((v) => v.field) : error));
      const run = (kind: string, inputs: Record<string, string>, bytes: number) => withEndpoint.useCases.runDiagnostic.execute({ deviceId: TR181_DEVICE, kind, inputs, acsEndpointBytes: bytes });
      expect(await fields(run('download', { DownloadURL: 'http://elsewhere/x' }, 10))).toEqual(['inputs.DownloadURL']);
      expect(await fields(run('ipPing', { Host: 'x' }, 10))).toEqual(['acs_endpoint_bytes']);
      expect(await fields(run('download', {}, 2_000_000))).toEqual(['acs_endpoint_bytes']);
      await expect(fixture.useCases.runDiagnostic.execute({ deviceId: TR181_DEVICE, kind: 'download', inputs: {}, acsEndpointBytes: 10 })).rejects.toThrow(UnavailableError);
    });
  });
});
