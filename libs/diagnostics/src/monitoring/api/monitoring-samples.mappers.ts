import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';

import { deviceTargetFromProto, deviceTargetToProto } from '../../api/device-target.mappers';
import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import type { CounterBits } from '../domain/counter-rate';
import type { CustomMetricInput, MetricDefinition, MetricKind } from '../domain/metric-catalog';
import type { MonitoringProfile, MonitoringProfileDefinition, MonitoringSourceKind, MonitoringTarget } from '../domain/monitoring-profile';
import type { Resolution, Tier } from '../domain/sample-series';
import type { CreateMonitoringProfileCommand } from '../usecases/create-monitoring-profile.usecase';
import type { ListSamplesQuery, SampleSeries } from '../usecases/list-samples.usecase';
import type { UpdateMonitoringProfileCommand } from '../usecases/update-monitoring-profile.usecase';

const { SampleResolution } = pb;

export function monitoringTargetToProto(target: MonitoringTarget): pb.MonitoringTarget {
  return deviceTargetToProto(target);
}

/** A request's target; INVALID_ARGUMENT when neither a filter nor a group is set. */
export function monitoringTargetFromProto(target: pb.MonitoringTarget | undefined): MonitoringTarget {
  return deviceTargetFromProto(target);
}

export function customMetricToProto(metric: CustomMetricInput): pb.CustomMetric {
  return {
    name: metric.name,
    kind: metric.kind,
    bits: metric.bits ?? 0,
    unit: metric.unit ?? '',
    ...(metric.scale !== undefined ? { scale: metric.scale } : {}),
    paths: { ...metric.paths },
  };
}

/** A custom metric as written: kind and paths' roots passed as they are (the domain names a wrong one). */
export function customMetricFromProto(metric: pb.CustomMetric): CustomMetricInput {
  return {
    name: metric.name,
    kind: metric.kind as MetricKind,
    // 0 is proto3's unset: a counter's default width, and no width for a gauge.
    ...(metric.bits !== 0 ? { bits: metric.bits as CounterBits } : metric.kind === 'counter' ? { bits: 64 } : {}),
    ...(metric.unit !== '' ? { unit: metric.unit } : {}),
    ...(metric.scale !== undefined ? { scale: metric.scale } : {}),
    paths: { ...metric.paths } as Partial<Record<DataModelRoot, string>>,
  };
}

export function monitoringProfileToProto(profile: MonitoringProfile): pb.MonitoringProfile {
  return {
    id: profile.id,
    name: profile.name,
    metrics: [...profile.metrics],
    customMetrics: profile.customMetrics.map(customMetricToProto),
    target: monitoringTargetToProto(profile.target),
    intervalSeconds: profile.intervalSeconds,
    enabled: profile.enabled,
    source: profile.source,
    createTime: new Date(profile.createdAt),
    createdBy: profile.createdBy ?? '',
    updateTime: new Date(profile.updatedAt),
    revision: profile.revision,
  };
}

export function createProfileCommandFromProto(request: pb.CreateMonitoringProfileRequest, createdBy: string): CreateMonitoringProfileCommand {
  return {
    name: request.name,
    metrics: [...request.metrics],
    customMetrics: request.customMetrics.map(customMetricFromProto),
    target: monitoringTargetFromProto(request.target),
    ...(request.intervalSeconds !== undefined ? { intervalSeconds: request.intervalSeconds } : {}),
    ...(request.enabled !== undefined ? { enabled: request.enabled } : {}),
    // Checked by the use case: another word is a field violation on `source`.
    ...(request.source !== undefined ? { source: request.source as MonitoringSourceKind } : {}),
    ...(createdBy !== '' ? { createdBy } : {}),
  };
}

/**
 * An update request over the profile as read: the fields set replace the stored ones (the use case replaces the whole
 * definition). The revision compared is the one the caller names, else the one read, so a change landing between
 * the read and the write is refused rather than overwritten.
 */
export function updateProfileCommandFromProto(request: pb.UpdateMonitoringProfileRequest, current: MonitoringProfile): UpdateMonitoringProfileCommand {
  const definition: MonitoringProfileDefinition = {
    name: request.name ?? current.name,
    metrics: request.metrics.length > 0 ? [...request.metrics] : current.metrics,
    customMetrics: request.customMetrics ? request.customMetrics.metrics.map(customMetricFromProto) : current.customMetrics,
    target: request.target ? monitoringTargetFromProto(request.target) : current.target,
    intervalSeconds: request.intervalSeconds ?? current.intervalSeconds,
    enabled: request.enabled ?? current.enabled,
    source: (request.source as MonitoringSourceKind | undefined) ?? current.source,
  };
  return { id: current.id, revision: request.revision ?? current.revision, ...definition };
}

const TIER_TO_PROTO: Record<Tier, pb.SampleResolution> = {
  raw: SampleResolution.SAMPLE_RESOLUTION_RAW,
  hour: SampleResolution.SAMPLE_RESOLUTION_HOUR,
  day: SampleResolution.SAMPLE_RESOLUTION_DAY,
};

export function resolutionFromProto(resolution: pb.SampleResolution): Resolution {
  switch (resolution) {
    case SampleResolution.SAMPLE_RESOLUTION_UNSPECIFIED:
    case SampleResolution.SAMPLE_RESOLUTION_AUTO:
      return 'auto';
    case SampleResolution.SAMPLE_RESOLUTION_RAW:
      return 'raw';
    case SampleResolution.SAMPLE_RESOLUTION_HOUR:
      return 'hour';
    case SampleResolution.SAMPLE_RESOLUTION_DAY:
      return 'day';
    default:
      throw ValidationError.forField('resolution', `unknown resolution ${String(resolution)}: AUTO, RAW, HOUR or DAY`, 'BAD_FORMAT');
  }
}

export function listSamplesQueryFromProto(request: pb.ListSamplesRequest): ListSamplesQuery {
  if (request.deviceId === '') throw ValidationError.forField('device_id', 'required', 'REQUIRED');
  return {
    deviceId: request.deviceId,
    metric: request.metric,
    ...(request.since !== undefined ? { since: request.since.getTime() } : {}),
    ...(request.until !== undefined ? { until: request.until.getTime() } : {}),
    resolution: resolutionFromProto(request.resolution),
  };
}

/** The unit of a series' values: a counter's are per second of its reading's unit. */
export function valueUnitOf(kind: MetricKind, unit: string): string {
  return kind === 'counter' ? `${unit}/s` : unit;
}

/** A series as answered: a raw counter's `value` is its rate (its reading goes in `reading`), a rollup's its avg. */
export function sampleSeriesToProto(series: SampleSeries): pb.ListSamplesResponse {
  const counter = series.kind === 'counter';
  let resets = 0;
  const points = series.points.map((point): pb.SamplePoint => {
    if (point.reset !== undefined) resets++;
    const value = counter && series.resolution === 'raw' ? point.rate : point.value;
    return {
      time: new Date(point.at),
      ...(value !== undefined && value !== null ? { value } : {}),
      ...(counter && series.resolution === 'raw' ? { reading: point.value } : {}),
      reset: point.reset ?? '',
      count: point.count ?? 0,
      min: point.min ?? 0,
      avg: point.avg ?? 0,
      max: point.max ?? 0,
    };
  });
  return {
    deviceId: series.deviceId,
    metric: series.metric,
    kind: series.kind,
    unit: valueUnitOf(series.kind, series.unit),
    resolution: TIER_TO_PROTO[series.resolution],
    since: new Date(series.since),
    until: new Date(series.until),
    points,
    resets,
  };
}

export function metricToProto(metric: MetricDefinition): pb.Metric {
  const paths = (Object.entries(metric.paths) as Array<[DataModelRoot, NonNullable<MetricDefinition['paths'][DataModelRoot]>]>).map(
    ([root, path]): pb.MetricPath => ({
      root,
      path: path.path,
      bits: metric.kind === 'counter' ? (path.bits ?? metric.bits ?? 64) : 0,
      source: path.source ?? '',
    }),
  );
  return {
    name: metric.name,
    kind: metric.kind,
    unit: metric.unit,
    scale: metric.scale ?? 1,
    paths,
    description: metric.description ?? '',
    custom: metric.custom === true,
  };
}
