import { Counter, Gauge, type Registry } from 'prom-client';
import { metricOf } from '@acs/platform';

/** The diagnostics HTTP server's Prometheus metrics (docs/diagnostics.md, "Test endpoints and BulkData collector"). */
export class DiagnosticsHttpMetrics {
  readonly transfers: Counter<'direction' | 'outcome'>;
  readonly bytes: Counter<'direction'>;
  readonly refused: Counter<'reason'>;
  readonly bulkDataReports: Counter;
  readonly inFlight: Gauge;
  /** Read at scrape time rather than updated per transfer. */
  inFlightSource: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.transfers = metricOf(registry, 'acs_diagnostics_transfers_total', () =>
      new Counter({
        name: 'acs_diagnostics_transfers_total',
        help: 'TR-143 test transfers by direction (download, upload) and outcome (completed, client-closed, idle-timeout, too-long, too-large, shutting-down)',
        labelNames: ['direction', 'outcome'],
        registers,
      }));
    this.bytes = metricOf(registry, 'acs_diagnostics_transfer_bytes_total', () =>
      new Counter({ name: 'acs_diagnostics_transfer_bytes_total', help: 'Test payload bytes sent (download) and received (upload)', labelNames: ['direction'], registers }));
    this.refused = metricOf(registry, 'acs_diagnostics_http_refused_total', () =>
      new Counter({
        name: 'acs_diagnostics_http_refused_total',
        help: 'Requests to the diagnostics HTTP server refused, by reason (signature-invalid, signature-expired, busy, client-busy, too-large, token-invalid, bad-report, sink-unavailable, ...)',
        labelNames: ['reason'],
        registers,
      }));
    this.bulkDataReports = metricOf(registry, 'acs_diagnostics_bulkdata_reports_total', () =>
      new Counter({ name: 'acs_diagnostics_bulkdata_reports_total', help: 'BulkData reports (collection intervals) handed to the sink', registers }));
    const source = () => this.inFlightSource();
    this.inFlight = metricOf(registry, 'acs_diagnostics_transfers_in_flight', () =>
      new Gauge({
        name: 'acs_diagnostics_transfers_in_flight',
        help: 'TR-143 test transfers this pod carries now',
        registers,
        collect() {
          this.set(source());
        },
      }));
  }
}
