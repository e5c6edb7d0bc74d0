import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricOf } from '@acs/platform';

/** The file server's Prometheus metrics (docs/firmware-file-server.md). */
export class FileServerMetrics {
  readonly started: Counter;
  readonly completed: Counter;
  readonly failed: Counter<'reason'>;
  readonly refused: Counter<'reason'>;
  readonly notModified: Counter;
  readonly bytesSent: Counter;
  readonly duration: Histogram<'outcome'>;
  readonly inFlight: Gauge;
  /** Read at scrape time rather than updated per download. */
  inFlightSource: () => number = () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.started = metricOf(registry, 'acs_firmware_downloads_started_total', () =>
      new Counter({ name: 'acs_firmware_downloads_started_total', help: 'File downloads that began sending a body (GET, 200 or 206)', registers }));
    this.completed = metricOf(registry, 'acs_firmware_downloads_completed_total', () =>
      new Counter({ name: 'acs_firmware_downloads_completed_total', help: 'File downloads that sent every byte asked for', registers }));
    this.failed = metricOf(registry, 'acs_firmware_downloads_failed_total', () =>
      new Counter({
        name: 'acs_firmware_downloads_failed_total',
        help: 'File downloads cut before the end, by reason (client-closed, idle-timeout, source-error, shutting-down)',
        labelNames: ['reason'],
        registers,
      }));
    this.refused = metricOf(registry, 'acs_firmware_downloads_refused_total', () =>
      new Counter({
        name: 'acs_firmware_downloads_refused_total',
        help: 'File requests refused, by reason (credentials, signature, busy, device-busy, not-found, ...)',
        labelNames: ['reason'],
        registers,
      }));
    this.notModified = metricOf(registry, 'acs_firmware_downloads_not_modified_total', () =>
      new Counter({ name: 'acs_firmware_downloads_not_modified_total', help: 'Conditional file requests answered 304', registers }));
    this.bytesSent = metricOf(registry, 'acs_firmware_download_bytes_total', () =>
      new Counter({ name: 'acs_firmware_download_bytes_total', help: 'File bytes handed to client connections', registers }));
    this.duration = metricOf(registry, 'acs_firmware_download_duration_seconds', () =>
      new Histogram({
        name: 'acs_firmware_download_duration_seconds',
        help: 'Time from request to the last byte (or the cut) of file downloads, by outcome (completed, failed)',
        labelNames: ['outcome'],
        buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
        registers,
      }));
    const source = () => this.inFlightSource();
    this.inFlight = metricOf(registry, 'acs_firmware_downloads_in_flight', () =>
      new Gauge({
        name: 'acs_firmware_downloads_in_flight',
        help: 'File downloads this pod is sending now',
        registers,
        collect() {
          this.set(source());
        },
      }));
  }
}
