import { Counter, type Registry } from 'prom-client';
import { metricOf } from '@acs/platform';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { DiagnosticsRunEvents } from '../usecases/run-ports';

/**
 * Counts the runs as they end (`acs_diagnostics_runs_ended_total{kind,status}`), around the events port every ending
 * goes through once: a rising `timedOut` share says devices do not report `8 DIAGNOSTICS COMPLETE` (or are asleep).
 */
export class MeteredRunEvents implements DiagnosticsRunEvents {
  private readonly ended: Counter<'kind' | 'status'>;

  constructor(
    private readonly events: DiagnosticsRunEvents,
    registry: Registry,
  ) {
    this.ended = metricOf(registry, 'acs_diagnostics_runs_ended_total', () =>
      new Counter({ name: 'acs_diagnostics_runs_ended_total', help: 'Diagnostic runs ended, by kind and status (complete, failed, timedOut, cancelled)', labelNames: ['kind', 'status'], registers: [registry] }));
  }

  completed(run: DiagnosticRun): Promise<void> {
    this.ended.inc({ kind: run.kind, status: run.status });
    return this.events.completed(run);
  }

  failed(run: DiagnosticRun): Promise<void> {
    this.ended.inc({ kind: run.kind, status: run.status });
    return this.events.failed(run);
  }
}
