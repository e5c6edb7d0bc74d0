import { AcsDiagnosticsEventType, newEvent, type AcsDiagnosticsTestEventData } from '@acs/contracts';
import type { EventBus, Logger } from '@acs/platform';

import { dataModelNameOf, type DiagnosticRun } from '../domain/diagnostic-run';
import { summaryOf } from '../domain/run-summary';
import type { DiagnosticsRunEvents } from '../usecases/run-ports';

/**
 * The runs' `acs.diagnostics` events, keyed by device: test-completed with the headline figures, test-failed with the
 * state and the reason. Published after the run is stored ended; a bus that fails is logged (the run stands, and
 * GetDiagnostic tells its end).
 */
export class RunEventPublisher implements DiagnosticsRunEvents {
  constructor(private readonly deps: { bus: Pick<EventBus, 'publish'>; logger: Pick<Logger, 'warn'> }) {}

  completed(run: DiagnosticRun): Promise<void> {
    return this.publish(AcsDiagnosticsEventType.testCompleted, run, run.measurement ? { summary: summaryOf(run.kind, run.measurement) } : { summary: {} });
  }

  failed(run: DiagnosticRun): Promise<void> {
    return this.publish(AcsDiagnosticsEventType.testFailed, run, { state: run.state ?? '', reason: run.reason ?? '' });
  }

  private async publish(type: typeof AcsDiagnosticsEventType.testCompleted | typeof AcsDiagnosticsEventType.testFailed, run: DiagnosticRun, outcome: Partial<AcsDiagnosticsTestEventData>): Promise<void> {
    const completedAt = run.completedAt ?? run.createdAt;
    const data: AcsDiagnosticsTestEventData = {
      runId: run.id,
      deviceId: run.deviceId,
      kind: run.kind,
      objectPath: run.objectPath,
      dataModel: dataModelNameOf(run.root),
      ...(run.requestedBy ? { requestedBy: run.requestedBy } : {}),
      requestedAt: new Date(run.createdAt).toISOString(),
      completedAt: new Date(completedAt).toISOString(),
      ...outcome,
    };
    try {
      await this.deps.bus.publish([newEvent(type, run.deviceId, data, { now: completedAt })]);
    } catch (error) {
      this.deps.logger.warn({ err: error, deviceId: run.deviceId, runId: run.id, type }, 'diagnostic run event not published');
    }
  }
}
