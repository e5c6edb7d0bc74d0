import { DiagnosticsFixture } from '../testing/diagnostics-fixture';

describe('ListDiagnostics and GetDiagnostic', () => {
  let fixture: DiagnosticsFixture;
  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
  });
  afterEach(() => fixture.close());

  it('lists runs newest first, by device, kind and status', async () => {
    const ping = await fixture.ping();
    fixture.clock.now += 1;
    const trace = await fixture.useCases.runDiagnostic.execute({ deviceId: ping.deviceId, kind: 'traceRoute', inputs: { Host: 'example.net' } });
    await fixture.useCases.cancelDiagnostic.execute({ runId: ping.id });
    const ids = async (query: Parameters<typeof fixture.useCases.listDiagnostics.execute>[0]) => (await fixture.useCases.listDiagnostics.execute(query, { skip: 0, limit: 10 })).items.map((r) => r.id);
    expect(await ids({})).toEqual([trace.id, ping.id]);
    expect(await ids({ kind: 'ipPing' })).toEqual([ping.id]);
    expect(await ids({ status: 'running' })).toEqual([trace.id]);
    expect(await ids({ deviceId: 'other' })).toEqual([]);
    await expect(fixture.useCases.getDiagnostic.execute({ runId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'run_id', reason: 'REQUIRED' }] });
  });
});
