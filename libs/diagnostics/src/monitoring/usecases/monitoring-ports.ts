import type { MetricPoint } from '../../domain/metric-point';
import type { RetentionPolicy } from '../domain/sample-series';
import type { MonitoringStore } from '../repositories/ports';
import type { MetricCatalogSource } from './metric-catalog-source';

/**
 * Who is told of every point ingested (counters already turned into per-second rates): the threshold rules of the
 * alarms part implement it. Called once per IngestSamples call, after the samples are stored.
 */
export interface MetricPointListener {
  onPoints(points: readonly MetricPoint[]): Promise<void>;
}

export interface MonitoringUseCaseDeps {
  store: MonitoringStore;
  catalog: MetricCatalogSource;
  now: () => number;
  newId: () => string;
  retention: RetentionPolicy;
}
