import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { parseTimeOrAgo } from '../cli/duration';
import type { ParsedOptions } from '../cli/parsed-options';
import type { AcsConnection } from '../connection/acs-connection';
import { formatMetricValue } from '../output/metric-value.format';
import { formatTime, type Column, type OutputWriter } from '../output/output-writer';
import { renderSparkline, type SeriesPoint } from '../output/sparkline';

const { SampleResolution } = acsV1;

/** The sparkline's width when standard output is not a terminal. */
const DEFAULT_CHART_WIDTH = 60;
const HOUR_MS = 3_600_000;

const RESOLUTIONS: Record<string, acsV1.SampleResolution> = {
  auto: SampleResolution.SAMPLE_RESOLUTION_AUTO,
  raw: SampleResolution.SAMPLE_RESOLUTION_RAW,
  hour: SampleResolution.SAMPLE_RESOLUTION_HOUR,
  day: SampleResolution.SAMPLE_RESOLUTION_DAY,
};

/** A rollup's period: a value stands for it, and a longer silence between two is a gap. */
const PERIOD_MS: Partial<Record<acsV1.SampleResolution, number>> = {
  [SampleResolution.SAMPLE_RESOLUTION_HOUR]: HOUR_MS,
  [SampleResolution.SAMPLE_RESOLUTION_DAY]: 24 * HOUR_MS,
};

export function resolutionName(resolution: acsV1.SampleResolution): string {
  return Object.entries(RESOLUTIONS).find(([, value]) => value === resolution)?.[0] ?? String(resolution);
}

function resolutionOption(options: ParsedOptions): acsV1.SampleResolution {
  const text = options.string('resolution');
  if (text === undefined) return SampleResolution.SAMPLE_RESOLUTION_AUTO;
  const resolution = RESOLUTIONS[text.toLowerCase()];
  if (resolution === undefined) throw options.usage(`--resolution: "${text}" is not a resolution; use ${Object.keys(RESOLUTIONS).join(', ')}`);
  return resolution;
}

/**
 * How long a raw sample stands for on the chart: about twice the sampling interval, so one missed sample does not
 * break the line and a device that went quiet does. The interval is the shortest of the profiles sampling the metric;
 * when none does (or they cannot be read), twice the median spacing of the points.
 */
async function rawGapMs(c: AcsConnection, metric: string, points: readonly acsV1.SamplePoint[]): Promise<number | undefined> {
  const profiles = await c
    .unary<acsV1.ListMonitoringProfilesResponse>((md, o, cb) => c.monitoring.listMonitoringProfiles({ enabledOnly: true }, md, o, cb))
    .then((r) => r.profiles)
    .catch(() => []);
  const intervals = profiles.filter((p) => p.metrics.includes(metric)).map((p) => p.intervalSeconds * 1000);
  if (intervals.length > 0) return 2 * Math.min(...intervals);
  const times = points.map((p) => p.time?.getTime() ?? 0);
  const spacings = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  return spacings.length > 0 ? 2 * spacings[Math.floor(spacings.length / 2)] : undefined;
}

function pointColumns(series: acsV1.ListSamplesResponse, exact: boolean): Array<Column<acsV1.SamplePoint>> {
  const number = (value: number | undefined): string => (value === undefined ? '' : exact ? String(value) : formatMetricValue(value, series.unit));
  const time: Column<acsV1.SamplePoint> = { header: 'TIME', cell: (p) => formatTime(p.time) };
  if (series.resolution !== SampleResolution.SAMPLE_RESOLUTION_RAW) {
    return [time, { header: 'AVG', cell: (p) => number(p.avg) }, { header: 'MIN', cell: (p) => number(p.min) }, { header: 'MAX', cell: (p) => number(p.max) }, { header: 'COUNT', cell: (p) => String(p.count) }];
  }
  if (series.kind !== 'counter') return [time, { header: 'VALUE', cell: (p) => number(p.value) }];
  return [
    time,
    { header: 'RATE', cell: (p) => number(p.value) },
    { header: 'READING', cell: (p) => (p.reading === undefined ? '' : String(p.reading)) },
    { header: 'RESET', cell: (p) => p.reset },
  ];
}

/** The series as a chart: a header, the sparkline over [since, until), the summary. */
async function showChart(out: OutputWriter, c: AcsConnection, series: acsV1.ListSamplesResponse, width: number): Promise<void> {
  const points: SeriesPoint[] = series.points.map((p) => ({ at: p.time?.getTime() ?? 0, value: p.value ?? null }));
  const maxGapMs = PERIOD_MS[series.resolution] !== undefined ? 2 * PERIOD_MS[series.resolution]! : await rawGapMs(c, series.metric, series.points);
  const chart = renderSparkline(points, {
    width,
    from: series.since?.getTime(),
    to: series.until?.getTime(),
    ...(maxGapMs !== undefined ? { maxGapMs } : {}),
    unit: series.unit,
  });
  out.line(`${series.deviceId}  ${series.metric} (${series.kind}${series.unit ? `, ${series.unit}` : ''})  ${resolutionName(series.resolution)}  ${formatTime(series.since)} .. ${formatTime(series.until)}`);
  out.line(chart.line);
  out.line(`${chart.summary}${series.resets > 0 ? `  ${series.resets} counter reset(s)` : ''}`);
}

const METRIC_COLUMNS: ReadonlyArray<Column<acsV1.Metric>> = [
  { header: 'NAME', cell: (m) => m.name },
  { header: 'KIND', cell: (m) => m.kind },
  { header: 'UNIT', cell: (m) => m.unit },
  { header: 'SOURCE', cell: (m) => (m.custom ? 'custom' : 'built-in') },
  { header: 'TR-181', cell: (m) => m.paths.find((p) => p.root === 'Device')?.path ?? '' },
  { header: 'TR-098', cell: (m) => m.paths.find((p) => p.root === 'InternetGatewayDevice')?.path ?? '' },
];

export const SAMPLE_COMMANDS: CommandSpec[] = [
  {
    group: 'samples',
    action: '',
    argsUsage: 'DEVICE METRIC',
    minArgs: 2,
    maxArgs: 2,
    summary: "a device's samples of a metric as a chart (a counter's per-second rates), or the points",
    details: [
      'Prints a sparkline over the range, then min, avg, max and the last value. A counter shows its per-second rate; a',
      'reading after a reboot or a counter fall has none (a gap). --resolution auto reads raw samples for up to two days,',
      'hourly points for up to 62, else daily ones (hour and day points are min/avg/max/count; the chart draws the avg).',
      '-o table adds the points, -o csv prints only them, -o json the whole answer. Examples:',
      '  acsctl samples 00259E-HG8245-X1 wan.bytesReceived --since 6h',
      '  acsctl samples 00259E-HG8245-X1 optical.rxPower --since 30d --resolution day -o csv',
    ],
    options: {
      since: { type: 'string', valueName: '6h|TIME', description: 'from then on (a duration back from now, e.g. 6h, 7d, or an ISO time; default a day before --until)' },
      until: { type: 'string', valueName: 'TIME', description: 'up to then (a duration back from now or an ISO time; default now)' },
      resolution: { type: 'string', valueName: 'auto|raw|hour|day', description: 'raw samples, hourly or daily rollups (default auto: by the range)' },
    },
    async run({ args, options, out, io, connection }) {
      const now = io.now?.() ?? Date.now();
      const since = options.string('since');
      const until = options.string('until');
      const request: acsV1.ListSamplesRequest = {
        deviceId: args[0],
        metric: args[1],
        ...(since !== undefined ? { since: parseTimeOrAgo(since, '--since', now) } : {}),
        ...(until !== undefined ? { until: parseTimeOrAgo(until, '--until', now) } : {}),
        resolution: resolutionOption(options),
      };
      const c = connection();
      const series = await c.unary<acsV1.ListSamplesResponse>((md, o, cb) => c.monitoring.listSamples(request, md, o, cb));
      if (out.json) {
        out.document(acsV1.ListSamplesResponse.toJSON(series));
        return EXIT_OK;
      }
      if (out.format === 'csv') {
        out.table(series.points, pointColumns(series, true));
        return EXIT_OK;
      }
      await showChart(out, c, series, io.columns ?? DEFAULT_CHART_WIDTH);
      // The points only when asked for: a day of 5-minute samples is 288 lines.
      if (options.has('output')) {
        out.line();
        out.table(series.points, pointColumns(series, false));
      }
      return EXIT_OK;
    },
  },
  {
    group: 'metrics',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'the metric catalog: built-in metrics and the profiles\' custom ones, with kind, unit and paths per data model',
    details: ['Paths hold {placeholders} a device\'s bindings resolve (which IP interface is its WAN); unbound ones are instance 1. -o json adds each path\'s counter width and where the standard defines it.'],
    options: {},
    async run({ out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.ListMetricsResponse>((md, o, cb) => c.monitoring.listMetrics({}, md, o, cb));
      if (out.json) {
        out.document(acsV1.ListMetricsResponse.toJSON(response));
        return EXIT_OK;
      }
      out.table(response.metrics, METRIC_COLUMNS);
      out.note(`${response.metrics.length} metric(s)`);
      return EXIT_OK;
    },
  },
];
