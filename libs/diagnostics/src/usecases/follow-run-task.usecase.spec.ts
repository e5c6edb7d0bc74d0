import { DiagnosticsFixture, TR098_DEVICE, TR181_DEVICE } from '../testing/diagnostics-fixture';

const PING = 'Device.IP.Diagnostics.IPPing.';
const completePing = {
  [`${PING}DiagnosticsState`]: 'Complete',
  [`${PING}IPAddressUsed`]: '192.0.2.7',
  [`${PING}SuccessCount`]: '3',
  [`${PING}FailureCount`]: '1',
  [`${PING}AverageResponseTime`]: '9',
  [`${PING}MinimumResponseTime`]: '8',
  [`${PING}MaximumResponseTime`]: '12',
  [`${PING}AverageResponseTimeDetailed`]: '9400',
  [`${PING}MinimumResponseTimeDetailed`]: '8100',
  [`${PING}MaximumResponseTimeDetailed`]: '12000',
};

describe('FollowRunTask', () => {
  let fixture: DiagnosticsFixture;
  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
  });
  afterEach(() => fixture.close());

  it('ends the run complete with the measurement read, frees the object and publishes test-completed with the summary', async () => {
    const run = await fixture.ping();
    await fixture.setDone(run);
    fixture.clock.now += 7000;
    await fixture.read(run.id, completePing);
    const ended = await fixture.useCases.getDiagnostic.execute({ runId: run.id });
    expect(ended).toMatchObject({ status: 'complete', state: 'Complete', startedAt: run.createdAt, completedAt: run.createdAt + 7000 });
    expect(ended.measurement?.fields).toMatchObject({ successCount: 3, failureCount: 1, averageUs: 9400 });
    expect(ended.measurement?.computed).toEqual({ lossRatio: 0.25 });
    expect(fixture.testEvents()).toEqual(['test-completed run-1']);
    expect(fixture.lastEventData()).toEqual({
      runId: 'run-1',
      deviceId: TR181_DEVICE,
      kind: 'ipPing',
      objectPath: PING,
      dataModel: 'tr-181',
      requestedBy: 'noc',
      requestedAt: new Date(run.createdAt).toISOString(),
      completedAt: new Date(run.createdAt + 7000).toISOString(),
      summary: { successCount: 3, failureCount: 1, minRttMs: 8.1, avgRttMs: 9.4, maxRttMs: 12, lossRatio: 0.25, ipAddressUsed: '192.0.2.7' },
    });
    expect((await fixture.ping()).status).toBe('running');
  });

  it('pages a result too large for the event from provisioning', async () => {
    const run = await fixture.ping();
    await fixture.read(run.id, completePing, { inline: false });
    expect((await fixture.useCases.getDiagnostic.execute({ runId: run.id })).measurement?.fields['successCount']).toBe(3);
  });

  it("ends the run failed with the device's Error_ state and what it means", async () => {
    const run = await fixture.useCases.runDiagnostic.execute({ deviceId: TR098_DEVICE, kind: 'download', inputs: { DownloadURL: 'http://files.example.net/10MB' } });
    await fixture.read(run.id, { 'InternetGatewayDevice.DownloadDiagnostics.DiagnosticsState': 'Error_InitConnectionFailed' });
    expect(await fixture.useCases.getDiagnostic.execute({ runId: run.id })).toMatchObject({ status: 'failed', state: 'Error_InitConnectionFailed', reason: 'the connection to the server could not be opened' });
    expect(fixture.testEvents()).toEqual(['test-failed run-1 Error_InitConnectionFailed']);
    expect(fixture.lastEventData()).toMatchObject({ dataModel: 'tr-098', objectPath: 'InternetGatewayDevice.DownloadDiagnostics.', reason: 'the connection to the server could not be opened' });
  });

  it('waits again when the completion was another test\'s: the test is still Requested', async () => {
    const run = await fixture.ping();
    const firstRead = run.readTaskId!;
    await fixture.read(run.id, { ...completePing, [`${PING}DiagnosticsState`]: 'Requested' });
    const rearmed = await fixture.useCases.getDiagnostic.execute({ runId: run.id });
    expect(rearmed.status).toBe('running');
    expect(rearmed.readTaskId).not.toBe(firstRead);
    expect(fixture.tasks.get(rearmed.readTaskId!)).toMatchObject({ kind: 'getParameterValues', objectPath: PING, expiresAt: run.deadline, status: 'pending' });
    expect(fixture.testEvents()).toEqual([]);
    // The old read's event again (a redelivery) changes nothing; the new read's ends the run.
    await fixture.useCases.followRunTask.onTask({ ...fixture.tasks.finish(firstRead, 'done', { result: completePing }) });
    expect((await fixture.useCases.getDiagnostic.execute({ runId: run.id })).status).toBe('running');
    await fixture.read(run.id, completePing);
    expect(fixture.testEvents()).toEqual(['test-completed run-1']);
  });

  it("waits again when the read ran before the device took the inputs: an earlier test's late completion", async () => {
    const run = await fixture.ping();
    // The read's session came first (its Inform carried an earlier run's 8 DIAGNOSTICS COMPLETE), with that run's values.
    await fixture.useCases.followRunTask.onTask(fixture.tasks.finish(run.readTaskId!, 'done', { result: completePing }));
    const waiting = await fixture.useCases.getDiagnostic.execute({ runId: run.id });
    expect(waiting).toMatchObject({ status: 'running' });
    expect(waiting.readTaskId).not.toBe(run.readTaskId);
    await fixture.read(run.id, { ...completePing, [`${PING}SuccessCount`]: '4', [`${PING}FailureCount`]: '0' });
    expect((await fixture.useCases.getDiagnostic.execute({ runId: run.id })).measurement?.fields).toMatchObject({ successCount: 4, failureCount: 0 });
  });

  it("fails the run Rejected with the CPE's fault when the device refuses the inputs, cancelling the read", async () => {
    const run = await fixture.ping();
    await fixture.setFaulted(run, { code: '9007', message: 'Invalid parameter value', transient: false, parameters: [{ path: `${PING}Host`, code: 9007, message: 'bad host' }] });
    expect(await fixture.useCases.getDiagnostic.execute({ runId: run.id })).toMatchObject({
      status: 'failed',
      state: 'Rejected',
      reason: `the device refused to start the test: 9007 Invalid parameter value (${PING}Host: 9007 bad host)`,
    });
    expect(fixture.tasks.get(run.readTaskId!).status).toBe('cancelled');
    expect(fixture.testEvents()).toEqual(['test-failed run-1 Rejected']);
  });

  it('says the test could not be started when the device was not reached', async () => {
    const run = await fixture.ping();
    await fixture.setFaulted(run, { code: 'cr-unreachable', message: 'connection request failed: ECONNREFUSED', transient: true });
    expect(await fixture.useCases.getDiagnostic.execute({ runId: run.id })).toMatchObject({
      status: 'failed',
      state: 'Rejected',
      reason: 'the test could not be started: cr-unreachable connection request failed: ECONNREFUSED',
    });
  });

  it('fails the run ReadFailed when the read faults', async () => {
    const run = await fixture.ping();
    await fixture.useCases.followRunTask.onTask(fixture.tasks.finish(run.readTaskId!, 'faulted', { fault: { code: '9005', message: 'Invalid parameter name', transient: false } }));
    expect(await fixture.useCases.getDiagnostic.execute({ runId: run.id })).toMatchObject({ status: 'failed', state: 'ReadFailed', reason: 'the results could not be read: 9005 Invalid parameter name' });
  });

  it('ignores expired and cancelled tasks, other sources, and events of a run that has ended', async () => {
    const run = await fixture.ping();
    await fixture.useCases.followRunTask.onTask(fixture.tasks.finish(run.setTaskId!, 'expired'));
    await fixture.useCases.followRunTask.onTask({ ...fixture.tasks.finish(run.readTaskId!, 'done', { result: completePing }), source: 'api:noc' });
    await fixture.useCases.followRunTask.onTask({ ...fixture.tasks.finish(run.readTaskId!, 'done', { result: completePing }), source: 'diagnostics:run:unknown' });
    expect((await fixture.useCases.getDiagnostic.execute({ runId: run.id })).status).toBe('running');
    await fixture.useCases.cancelDiagnostic.execute({ runId: run.id });
    await fixture.read(run.id, completePing);
    expect((await fixture.useCases.getDiagnostic.execute({ runId: run.id })).status).toBe('cancelled');
    expect(fixture.testEvents()).toEqual(['test-failed run-1 Cancelled']);
  });
});
