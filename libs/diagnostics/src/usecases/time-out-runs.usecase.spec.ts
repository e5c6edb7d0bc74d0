import { DiagnosticsFixture } from '../testing/diagnostics-fixture';

describe('TimeOutRuns', () => {
  let fixture: DiagnosticsFixture;
  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
  });
  afterEach(() => fixture.close());

  it('times out the runs past their deadline only, saying how long the device was waited for', async () => {
    const late = await fixture.ping(undefined, undefined, 60);
    const started = await fixture.useCases.runDiagnostic.execute({ deviceId: late.deviceId, kind: 'traceRoute', inputs: { Host: 'example.net' }, timeoutSeconds: 90 });
    await fixture.setDone(started);
    const patient = await fixture.useCases.runDiagnostic.execute({ deviceId: late.deviceId, kind: 'nsLookup', inputs: { HostName: 'example.net' }, timeoutSeconds: 3600 });
    fixture.clock.now += 59_999;
    expect(await fixture.useCases.timeOutRuns.execute()).toBe(0);
    fixture.clock.now += 90_000;
    expect(await fixture.useCases.timeOutRuns.execute()).toBe(2);
    expect(await fixture.useCases.getDiagnostic.execute({ runId: late.id })).toMatchObject({
      status: 'timedOut',
      state: 'Timeout',
      reason: "the device never reported 8 DIAGNOSTICS COMPLETE within 60 s; it did not even take the test's inputs (it did not connect, or did not answer the SetParameterValues)",
    });
    expect(await fixture.useCases.getDiagnostic.execute({ runId: started.id })).toMatchObject({ status: 'timedOut', reason: 'the device never reported 8 DIAGNOSTICS COMPLETE within 90 s' });
    expect(fixture.tasks.get(started.readTaskId!).status).toBe('cancelled');
    expect((await fixture.useCases.getDiagnostic.execute({ runId: patient.id })).status).toBe('running');
    expect(fixture.testEvents()).toEqual(['test-failed run-1 Timeout', 'test-failed run-2 Timeout']);
    // A second sweep finds nothing; a late completion of a timed-out run changes nothing.
    expect(await fixture.useCases.timeOutRuns.execute()).toBe(0);
    await fixture.read(late.id, { 'Device.IP.Diagnostics.IPPing.DiagnosticsState': 'Complete' });
    expect((await fixture.useCases.getDiagnostic.execute({ runId: late.id })).status).toBe('timedOut');
  });
});
