import { ValidationError, type FieldViolation } from '@acs/platform';

import type { MetricPoint } from '../../domain/metric-point';
import { counterStep } from '../domain/counter-rate';
import { dataModelRootOf } from '../../domain/diagnostics-catalog';
import { counterBitsOn, UPTIME_METRIC, type MetricCatalog, type MetricDefinition } from '../domain/metric-catalog';
import { SAMPLE_SOURCES, type SampleSource } from '../domain/sample-series';
import type { MetricSample, MonitoredDevice, MonitoringStore } from '../repositories/ports';
import type { MetricCatalogSource } from './metric-catalog-source';
import type { MetricPointListener } from './monitoring-ports';

/** What one device reported at one time. */
export interface SampleInput {
  deviceId: string;
  /** Epoch ms: when the CPE measured it (the report's or the Inform's time), else when the ACS read it. */
  at: number;
  source: SampleSource;
  /**
   * Values by parameter path (`Device.IP.Interface.1.Stats.BytesReceived`, mapped through the catalog and the
   * device's bindings) or by metric name (`wan.bytesReceived`); CWMP's text values are read as numbers.
   */
  values: Record<string, number | string>;
  /** Instance bindings the collector knows (`{ wan: '2' }`): kept for the device's later samples. */
  instances?: Record<string, string>;
}

export interface IngestSamplesCommand {
  samples: SampleInput[];
}

/** Why a value was not stored. */
export type SkipReason = 'unknownMetric' | 'notANumber' | 'noValue' | 'duplicate' | 'outOfOrder';

export interface IngestSamplesResult {
  devices: number;
  /** Values stored. */
  stored: number;
  /** Points handed to the listener (gauges, and counters with a rate). */
  points: number;
  /** Counter readings recorded as a reset (reboot, counter fell): stored without a rate. */
  resets: number;
  skipped: Record<SkipReason, number>;
  bySource: Partial<Record<SampleSource, number>>;
}

export const MAX_SAMPLES_PER_CALL = 10_000;
const MAX_DEVICE_ID_LENGTH = 256;
const MAX_VALUES_PER_SAMPLE = 2_000;
/**
 * Devices written at once by default: their writes share the embedded store's group commit (256 doubles SQLite's
 * rate over 32) and overlap MongoDB's round trips; FerretDB answers "database is locked" to that many, so a pod on it
 * passes fewer (`concurrency`).
 */
export const DEFAULT_INGEST_CONCURRENCY = 256;
/** A device whose state another writer changed meanwhile is recomputed from the new state, this many times. */
const MAX_ATTEMPTS = 5;
const INSTANCE_KEY = /^[a-z][A-Za-z0-9]*$/;
const INSTANCE_NUMBER = /^[1-9][0-9]{0,9}$/;
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export interface IngestSamplesDeps {
  store: MonitoringStore;
  catalog: MetricCatalogSource;
  listener: MetricPointListener;
  now: () => number;
  /** Devices written at once (default DEFAULT_INGEST_CONCURRENCY). */
  concurrency?: number;
}

/**
 * Stores samples of many devices: maps each value to its metric, turns counters into per-second rates against the
 * device's last reading (wraps counted through, reboots and falls recorded as resets, duplicates and older readings
 * ignored), appends them to the devices' day buckets and hands the points to the listener (the threshold rules).
 *
 * Per device: its state (bindings, last readings) is saved first, conditional on the revision read, then its samples
 * appended. A writer that lost the race recomputes from the winner's state; a crash between the two loses that
 * device's samples of this call rather than storing them twice.
 */
export class IngestSamples {
  constructor(private readonly deps: IngestSamplesDeps) {}

  async execute(command: IngestSamplesCommand): Promise<IngestSamplesResult> {
    checkCommand(command);
    const catalog = await this.deps.catalog.current();
    const byDevice = new Map<string, SampleInput[]>();
    for (const sample of command.samples) {
      const list = byDevice.get(sample.deviceId);
      if (list) list.push(sample);
      else byDevice.set(sample.deviceId, [sample]);
    }
    const result: IngestSamplesResult = {
      devices: byDevice.size,
      stored: 0,
      points: 0,
      resets: 0,
      skipped: { unknownMetric: 0, notANumber: 0, noValue: 0, duplicate: 0, outOfOrder: 0 },
      bySource: {},
    };
    for (const sample of command.samples) result.bySource[sample.source] = (result.bySource[sample.source] ?? 0) + 1;
    const points: MetricPoint[] = [];
    let pending = [...byDevice.keys()];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`monitoring state of ${pending.length} device(s) kept changing under ingestion (${pending.slice(0, 3).join(', ')})`);
      const states = await this.deps.store.devices.getMany(pending);
      const lost: string[] = [];
      await forEachConcurrently(pending, this.deps.concurrency ?? DEFAULT_INGEST_CONCURRENCY, async (deviceId) => {
        const stored = states.get(deviceId);
        const outcome = ingestDevice(stored ?? { deviceId, instances: {}, last: {}, revision: 0 }, byDevice.get(deviceId)!, catalog, this.deps.now());
        // A report with nothing to store (an Inform of unrelated parameters) writes nothing.
        if (outcome.changed && !(await this.deps.store.devices.save(outcome.state, stored?.revision ?? 0))) {
          lost.push(deviceId);
          return;
        }
        if (outcome.samples.length > 0) await this.deps.store.samples.append(deviceId, outcome.samples);
        result.stored += outcome.samples.length;
        result.resets += outcome.resets;
        for (const [reason, count] of Object.entries(outcome.skipped) as Array<[SkipReason, number]>) result.skipped[reason] += count;
        points.push(...outcome.points);
      });
      pending = lost;
    }
    result.points = points.length;
    if (points.length > 0) await this.deps.listener.onPoints(points);
    return result;
  }
}

interface DeviceOutcome {
  state: MonitoredDevice;
  /** Whether the state differs from the stored one (new readings, bindings or model). */
  changed: boolean;
  samples: MetricSample[];
  points: MetricPoint[];
  resets: number;
  skipped: Partial<Record<SkipReason, number>>;
}

/** One device's samples against its state: pure, so a lost race is recomputed from the new state. */
export function ingestDevice(current: MonitoredDevice, inputs: readonly SampleInput[], catalog: MetricCatalog, now: number): DeviceOutcome {
  const state: MonitoredDevice = { ...current, instances: { ...current.instances }, last: { ...current.last }, updatedAt: now };
  const outcome: DeviceOutcome = { state, changed: false, samples: [], points: [], resets: 0, skipped: {} };
  const skip = (reason: SkipReason) => (outcome.skipped[reason] = (outcome.skipped[reason] ?? 0) + 1);
  // Oldest first, so a call carrying several reports of a device (a BulkData report) computes each rate in turn.
  const ordered = [...inputs].sort((a, b) => a.at - b.at);
  for (const input of ordered) {
    Object.assign(state.instances, input.instances ?? {});
    const readings: Array<{ metric: MetricDefinition; raw: number }> = [];
    for (const [key, value] of Object.entries(input.values)) {
      let metric = catalog.get(key);
      if (metric === undefined) {
        metric = catalog.metricOfPath(key, state.instances);
        if (metric === undefined) {
          skip('unknownMetric');
          continue;
        }
        state.root = dataModelRootOf(key) ?? state.root;
      }
      const raw = numberOf(value);
      if (raw === undefined) skip('notANumber');
      else if (metric.absent?.includes(raw)) skip('noValue');
      else readings.push({ metric, raw });
    }
    const uptime = readings.find((reading) => reading.metric.name === UPTIME_METRIC)?.raw;
    for (const { metric, raw } of readings) {
      const last = state.last[metric.name];
      const scale = metric.scale ?? 1;
      if (metric.kind === 'counter') {
        const step = counterStep(last, { at: input.at, raw, uptime }, counterBitsOn(metric, state.root));
        if (step.kind === 'ignored') {
          skip(step.reason === 'duplicate' ? 'duplicate' : 'outOfOrder');
          continue;
        }
        state.last[metric.name] = uptime === undefined ? { at: input.at, raw } : { at: input.at, raw, uptime };
        if (step.kind === 'rate') {
          const rate = step.rate * scale;
          outcome.samples.push({ metric: metric.name, at: input.at, value: raw, rate });
          outcome.points.push({ deviceId: current.deviceId, metric: metric.name, at: input.at, value: rate });
        } else if (step.kind === 'reset') {
          outcome.resets++;
          outcome.samples.push({ metric: metric.name, at: input.at, value: raw, rate: null, reset: step.reason });
        } else {
          outcome.samples.push({ metric: metric.name, at: input.at, value: raw, rate: null });
        }
        continue;
      }
      if (last !== undefined && input.at <= last.at) {
        skip(input.at === last.at ? 'duplicate' : 'outOfOrder');
        continue;
      }
      state.last[metric.name] = { at: input.at, raw };
      const value = raw * scale;
      outcome.samples.push({ metric: metric.name, at: input.at, value });
      outcome.points.push({ deviceId: current.deviceId, metric: metric.name, at: input.at, value });
    }
  }
  outcome.changed =
    outcome.samples.length > 0 || state.root !== current.root || JSON.stringify(state.instances) !== JSON.stringify(current.instances);
  return outcome;
}

/** A reported value as a number: numbers as they are, CWMP text when it is a decimal number; else undefined. */
function numberOf(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMBER_TEXT.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function checkCommand(command: IngestSamplesCommand): void {
  const samples = command?.samples;
  if (!Array.isArray(samples)) throw ValidationError.forField('samples', 'is a list of samples', 'REQUIRED');
  if (samples.length > MAX_SAMPLES_PER_CALL) throw ValidationError.forField('samples', `holds at most ${MAX_SAMPLES_PER_CALL} samples per call`, 'OUT_OF_RANGE');
  const violations: FieldViolation[] = [];
  samples.forEach((sample, index) => {
    const at = `samples[${index}]`;
    if (sample === null || typeof sample !== 'object') {
      violations.push({ field: at, description: 'is a sample', reason: 'BAD_FORMAT' });
      return;
    }
    if (typeof sample.deviceId !== 'string' || sample.deviceId === '' || sample.deviceId.length > MAX_DEVICE_ID_LENGTH) {
      violations.push({ field: `${at}.deviceId`, description: `is a device id of 1 to ${MAX_DEVICE_ID_LENGTH} characters`, reason: 'REQUIRED' });
    }
    if (!Number.isSafeInteger(sample.at) || sample.at <= 0) violations.push({ field: `${at}.at`, description: 'is a time in epoch milliseconds', reason: 'BAD_FORMAT' });
    if (!SAMPLE_SOURCES.includes(sample.source)) violations.push({ field: `${at}.source`, description: `is one of ${SAMPLE_SOURCES.join(', ')}`, reason: 'BAD_FORMAT' });
    if (sample.values === null || typeof sample.values !== 'object' || Array.isArray(sample.values)) {
      violations.push({ field: `${at}.values`, description: 'maps parameter paths or metric names to values', reason: 'REQUIRED' });
    } else if (Object.keys(sample.values).length > MAX_VALUES_PER_SAMPLE) {
      violations.push({ field: `${at}.values`, description: `holds at most ${MAX_VALUES_PER_SAMPLE} values`, reason: 'OUT_OF_RANGE' });
    }
    for (const [key, instance] of Object.entries(sample.instances ?? {})) {
      if (!INSTANCE_KEY.test(key) || typeof instance !== 'string' || !INSTANCE_NUMBER.test(instance)) {
        violations.push({ field: `${at}.instances.${key}`, description: 'binds a placeholder name to an instance number', reason: 'BAD_FORMAT' });
      }
    }
  });
  if (violations.length > 0) throw new ValidationError(`invalid samples: ${violations.slice(0, 5).map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
