import { ConflictError, NotFoundError } from '@acs/platform';

import { DiagnosticsFixture } from '../testing/diagnostics-fixture';

describe('CancelDiagnostic', () => {
  let fixture: DiagnosticsFixture;
  beforeEach(async () => {
    fixture = await DiagnosticsFixture.open();
  });
  afterEach(() => fixture.close());

  it('cancels a running run: its tasks cancelled, its object free, test-failed Cancelled', async () => {
    const run = await fixture.ping();
    fixture.clock.now += 1000;
    const cancelled = await fixture.useCases.cancelDiagnostic.execute({ runId: run.id, requestedBy: 'ops' });
    expect(cancelled).toMatchObject({ status: 'cancelled', state: 'Cancelled', reason: 'cancelled by ops', completedAt: run.createdAt + 1000 });
    expect(fixture.tasks.of(run.id).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(fixture.testEvents()).toEqual(['test-failed run-1 Cancelled']);
    expect((await fixture.ping()).status).toBe('running');
    await expect(fixture.useCases.cancelDiagnostic.execute({ runId: run.id })).rejects.toThrow(ConflictError);
    await expect(fixture.useCases.cancelDiagnostic.execute({ runId: 'nope' })).rejects.toThrow(NotFoundError);
  });
});
