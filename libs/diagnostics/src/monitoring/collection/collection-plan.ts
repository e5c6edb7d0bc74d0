import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import { resolvePath, UPTIME_METRIC, type MetricCatalog, type MetricDefinition } from '../domain/metric-catalog';
import type { MonitoringProfile } from '../domain/monitoring-profile';
import type { CollectionEntry, CollectionMode } from './collection-entry';

/**
 * What the collection asks of a device for a profile: pure functions of the profile, the catalog and the device's data
 * model and instance bindings.
 */

/** Where a device's BulkData profiles are added (TR-181 `Device.BulkData.Profile.{i}.`). */
export const BULKDATA_PROFILE_OBJECT = 'Device.BulkData.Profile.';

/**
 * The parameter paths that read a profile's metrics on a device (the metrics its data model has), plus the uptime
 * when the profile has a counter: IngestSamples tells a reboot from a counter wrap by it.
 */
export function readPaths(profile: Pick<MonitoringProfile, 'metrics'>, catalog: MetricCatalog, root: DataModelRoot, instances: Readonly<Record<string, string>>): string[] {
  const metrics = profile.metrics.map((name) => catalog.get(name)).filter((metric): metric is MetricDefinition => metric?.paths[root] !== undefined);
  if (metrics.length === 0) return [];
  const uptime = catalog.get(UPTIME_METRIC);
  if (metrics.some((metric) => metric.kind === 'counter') && uptime && !metrics.includes(uptime)) metrics.push(uptime);
  return [...new Set(metrics.map((metric) => resolvePath(metric.paths[root]!.path, instances)))];
}

/**
 * How a device is collected for a profile: BulkData where the profile asks for it, the device is TR-181 (TR-098 has
 * no BulkData HTTP) and the service has a collector, unless the device refused the very same set-up; reads
 * otherwise; idle when its data model has none of the metrics.
 */
export function collectionModeOf(
  profile: Pick<MonitoringProfile, 'source' | 'metrics'>,
  catalog: MetricCatalog,
  root: DataModelRoot,
  options: { bulkDataCollector: boolean; refusedSignature?: string; signature?: string },
): CollectionMode {
  if (readPaths(profile, catalog, root, {}).length === 0) return 'idle';
  if (profile.source !== 'bulkdata' || root !== 'Device' || !options.bulkDataCollector) return 'reads';
  return options.refusedSignature !== undefined && options.refusedSignature === options.signature ? 'reads' : 'bulkdata';
}

/** The signature of a BulkData set-up: a profile whose paths, interval or collector URL changed is set up again. */
export function bulkDataSignature(paths: readonly string[], intervalSeconds: number, url: string): string {
  return JSON.stringify({ paths: [...paths].sort(), intervalSeconds, url });
}

/**
 * The values that complete a device's BulkData profile once added (`instance` `Device.BulkData.Profile.3`): JSON
 * name-value pairs (full parameter paths as keys, which IngestSamples maps) with epoch-millisecond collection times,
 * POSTed to the collector every interval; enabled last, with BulkData itself, so that it never reports half set up.
 */
export function bulkDataSettings(instance: string, intervalSeconds: number, url: string): Array<{ path: string; value: string; type: 'xsd:string' | 'xsd:boolean' | 'xsd:unsignedInt' }> {
  return [
    { path: `${instance}.Protocol`, value: 'HTTP', type: 'xsd:string' },
    { path: `${instance}.EncodingType`, value: 'JSON', type: 'xsd:string' },
    { path: `${instance}.ReportingInterval`, value: String(intervalSeconds), type: 'xsd:unsignedInt' },
    { path: `${instance}.JSONEncoding.ReportFormat`, value: 'NameValuePair', type: 'xsd:string' },
    { path: `${instance}.JSONEncoding.ReportTimestamp`, value: 'Unix-Epoch', type: 'xsd:string' },
    { path: `${instance}.HTTP.URL`, value: url, type: 'xsd:string' },
    { path: `${instance}.HTTP.Method`, value: 'POST', type: 'xsd:string' },
    { path: `${instance}.Enable`, value: 'true', type: 'xsd:boolean' },
    { path: 'Device.BulkData.Enable', value: 'true', type: 'xsd:boolean' },
  ];
}

/** When the read after one taken at `at` is due: a tenth early, so that a device informing every interval is read at each. */
export function nextReadDue(at: number, intervalSeconds: number): number {
  return at + Math.floor(intervalSeconds * 900);
}

/** How long a read waits after `faults` faults in a row: the interval, doubled per fault, at most 16 intervals. */
export function faultBackOffMs(intervalSeconds: number, faults: number): number {
  return intervalSeconds * 1000 * Math.min(16, 2 ** Math.max(0, faults - 1));
}

/** Whether an entry's BulkData set-up is missing or outdated (a refused one stays refused for its signature). */
export function needsBulkDataSetup(entry: Pick<CollectionEntry, 'bulkData'>, signature: string): boolean {
  return entry.bulkData === undefined || entry.bulkData.signature !== signature;
}

const PLACEHOLDER = /\\\{[a-z][A-Za-z0-9]*\\\}/g;

/**
 * Maps an Inform's parameter paths to metric names whatever the device's instance numbers (the device's bindings are
 * IngestSamples' business): `Device.IP.Interface.3.Stats.BytesSent` is `wan.bytesSent`. One per catalog.
 */
export class InformMetricMatcher {
  private static readonly cache = new WeakMap<MetricCatalog, InformMetricMatcher>();
  private readonly patterns: Array<{ pattern: RegExp; metric: string }> = [];

  static of(catalog: MetricCatalog): InformMetricMatcher {
    let matcher = InformMetricMatcher.cache.get(catalog);
    if (!matcher) {
      matcher = new InformMetricMatcher(catalog);
      InformMetricMatcher.cache.set(catalog, matcher);
    }
    return matcher;
  }

  private constructor(catalog: MetricCatalog) {
    for (const metric of catalog.all()) {
      for (const path of Object.values(metric.paths)) {
        if (!path) continue;
        const escaped = path.path.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&').replace(PLACEHOLDER, '[1-9][0-9]*');
        this.patterns.push({ pattern: new RegExp(`^${escaped}$`), metric: metric.name });
      }
    }
  }

  metricOf(path: string): string | undefined {
    return this.patterns.find((entry) => entry.pattern.test(path))?.metric;
  }
}
