import { acsV1 } from '@acs/contracts';
import type { CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { parseDuration } from '../cli/duration';
import type { ParsedOptions } from '../cli/parsed-options';
import type { AcsConnection } from '../connection/acs-connection';
import { formatTime, type Column, type OutputWriter } from '../output/output-writer';
import { resolveGroupId } from './groups.command';
import { formatSeconds } from './thresholds.command';

/** Every monitoring profile (tens of them: one call). */
export async function listProfiles(c: AcsConnection): Promise<acsV1.MonitoringProfile[]> {
  return (await c.unary<acsV1.ListMonitoringProfilesResponse>((md, o, cb) => c.monitoring.listMonitoringProfiles({ enabledOnly: false }, md, o, cb))).profiles;
}

/** As rules are named: by id or name (an id wins), and a text that is neither goes as an id, so NOT_FOUND names it. */
async function resolveProfileId(c: AcsConnection, text: string): Promise<string> {
  const profiles = await listProfiles(c);
  return (profiles.find((p) => p.id === text) ?? profiles.find((p) => p.name === text))?.id ?? text;
}

function targetText(target: acsV1.MonitoringTarget | undefined): string {
  switch (target?.kind?.$case) {
    case 'groupId':
      return `group ${target.kind.groupId}`;
    case 'filter':
      return target.kind.filter === '' ? 'every device' : target.kind.filter;
    case undefined:
      return '';
  }
}

/** `custom.ponTemperature=gauge C ×0.1 Device.Optical.Interface.{optical}.X_Temp`. */
function customMetricText(metric: acsV1.CustomMetric): string {
  const kind = metric.kind === 'counter' ? `counter${metric.bits || 64}` : metric.kind;
  const paths = Object.values(metric.paths).join(' ');
  return [`${metric.name}=${kind}`, metric.unit, metric.scale !== undefined ? `×${metric.scale}` : '', paths].filter((part) => part !== '').join(' ');
}

const PROFILE_COLUMNS: ReadonlyArray<Column<acsV1.MonitoringProfile>> = [
  { header: 'ID', cell: (p) => p.id },
  { header: 'NAME', cell: (p) => p.name },
  { header: 'METRICS', cell: (p) => p.metrics.join(',') },
  { header: 'INTERVAL', cell: (p) => formatSeconds(p.intervalSeconds) },
  { header: 'ENABLED', cell: (p) => (p.enabled ? 'yes' : 'no') },
  { header: 'TARGET', cell: (p) => targetText(p.target) },
];

function showProfile(out: OutputWriter, profile: acsV1.MonitoringProfile, json: unknown): number {
  if (out.json) {
    out.document(json);
    return EXIT_OK;
  }
  out.fields([
    ['id', profile.id],
    ['name', profile.name],
    ['metrics', profile.metrics.join(', ')],
    ...profile.customMetrics.map((metric): [string, string] => ['custom metric', customMetricText(metric)]),
    ['interval', formatSeconds(profile.intervalSeconds)],
    ['source', profile.source || 'reads'],
    ['enabled', profile.enabled ? 'yes' : 'no'],
    ['target', targetText(profile.target)],
    ['created', `${formatTime(profile.createTime)}${profile.createdBy ? ` by ${profile.createdBy}` : ''}`],
    ['updated', formatTime(profile.updateTime)],
    ['revision', String(profile.revision)],
  ]);
  return EXIT_OK;
}

/** `--interval 15m` as whole seconds (the server judges the range: 1 minute to a day). */
function intervalOption(options: ParsedOptions): number | undefined {
  const text = options.string('interval');
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(text, '--interval');
  } catch {
    throw options.usage(`--interval: "${text}" is not a duration (e.g. 15m, 1h)`);
  }
  if (ms % 1000 !== 0) throw options.usage(`--interval: "${text}" is not a whole number of seconds`);
  return ms / 1000;
}

/** `--filter EXPR` or `--group GROUP` (a name or an id); undefined when neither is given. */
async function targetOption(options: ParsedOptions, connection: () => AcsConnection): Promise<acsV1.MonitoringTarget | undefined> {
  const group = options.string('group');
  const filter = options.string('filter');
  if (group !== undefined && filter !== undefined) throw options.usage('give --filter or --group, not both');
  // A client that may not list groups names its group by id: the text goes as it is.
  if (group !== undefined) return { kind: { $case: 'groupId', groupId: await resolveGroupId(connection(), group).catch(() => group) } };
  if (filter !== undefined) return { kind: { $case: 'filter', filter } };
  return undefined;
}

const CUSTOM_KEYS = ['name', 'kind', 'bits', 'unit', 'scale', 'Device', 'InternetGatewayDevice'];

/**
 * `--custom name=custom.ponTemperature,kind=gauge,unit=C,scale=0.1,Device=Device.Optical.Interface.{optical}.X_Temp`:
 * one custom metric per option. The server checks the values (names, kinds, paths); this only splits them.
 */
export function parseCustomMetric(text: string, options: ParsedOptions): acsV1.CustomMetric {
  const metric: acsV1.CustomMetric = { name: '', kind: '', bits: 0, unit: '', paths: {} };
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (at < 0 || !CUSTOM_KEYS.includes(key)) throw options.usage(`--custom: "${part}" is not one of ${CUSTOM_KEYS.map((k) => `${k}=`).join(', ')}`);
    if (key === 'Device' || key === 'InternetGatewayDevice') metric.paths[key] = value;
    else if (key === 'bits' || key === 'scale') {
      const number = Number(value);
      if (value === '' || !Number.isFinite(number)) throw options.usage(`--custom: ${key} "${value}" is not a number`);
      if (key === 'bits') metric.bits = number;
      else metric.scale = number;
    } else metric[key as 'name' | 'kind' | 'unit'] = value;
  }
  return metric;
}

const DEFINITION_OPTIONS: Record<string, OptionSpec> = {
  metrics: { type: 'string', multiple: true, short: 'm', valueName: 'A,B', description: 'the metrics sampled: built-in ones (`acsctl metrics list`) and --custom ones' },
  filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'the devices sampled: a device filter ("" = every device)' },
  group: { type: 'string', valueName: 'GROUP', description: "the devices sampled: a group's members (name or id)" },
  interval: { type: 'string', valueName: 'DURATION', description: 'how often (1m to 24h; create default 15m)' },
  source: { type: 'string', valueName: 'reads|bulkdata', description: 'how the values are collected: reads at periodic Informs (create default), or a BulkData profile on each TR-181 device' },
  custom: {
    type: 'string',
    multiple: true,
    valueName: 'SPEC',
    description: 'a metric of your own: name=N,kind=gauge|counter[,bits=32|64][,unit=U][,scale=X],Device=PATH[,InternetGatewayDevice=PATH]',
  },
};

const PROFILE_ARG_DETAILS = "PROFILE is a profile's name or its id (acsctl reads the profiles and takes the one with that id, else that name).";

export const PROFILE_COMMANDS: CommandSpec[] = [
  {
    group: 'profiles',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'every monitoring profile, by name: metrics, interval, target',
    options: { enabled: { type: 'boolean', description: 'only the enabled ones (what the collectors run)' } },
    async run({ options, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.ListMonitoringProfilesResponse>((md, o, cb) => c.monitoring.listMonitoringProfiles({ enabledOnly: options.flag('enabled') }, md, o, cb));
      if (out.json) {
        out.document(acsV1.ListMonitoringProfilesResponse.toJSON(response));
        return EXIT_OK;
      }
      out.table(response.profiles, PROFILE_COLUMNS);
      out.note(`${response.profiles.length} profile(s)`);
      return EXIT_OK;
    },
  },
  {
    group: 'profiles',
    action: 'get',
    argsUsage: 'PROFILE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one monitoring profile (by name or id)',
    details: [PROFILE_ARG_DETAILS],
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const profileId = await resolveProfileId(c, args[0]);
      const response = await c.unary<acsV1.GetMonitoringProfileResponse>((md, o, cb) => c.monitoring.getMonitoringProfile({ profileId }, md, o, cb));
      return showProfile(out, response.profile!, acsV1.GetMonitoringProfileResponse.toJSON(response));
    },
  },
  {
    group: 'profiles',
    action: 'create',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'creates a monitoring profile: which metrics to sample on which devices, how often',
    details: [
      'The collectors sample the devices of --filter or --group every --interval from then on. Examples:',
      '  acsctl profiles create wan --metrics wan.bytesReceived,wan.bytesSent --filter \'productClass = "HG8245H"\' --interval 5m',
      '  acsctl profiles create pon --metrics optical.rxPower,custom.ponTemperature --group fibre \\',
      '    --custom name=custom.ponTemperature,kind=gauge,unit=C,scale=0.1,Device=Device.Optical.Interface.{optical}.X_Temp',
    ],
    options: { ...DEFINITION_OPTIONS, disabled: { type: 'boolean', description: 'create it disabled (nothing is sampled until enabled)' } },
    async run({ args, options, out, connection }) {
      const metrics = options.list('metrics');
      if (metrics.length === 0) throw options.usage('--metrics A,B is required');
      if (!options.has('filter') && !options.has('group')) throw options.usage('give --filter EXPR ("" for every device) or --group GROUP');
      const intervalSeconds = intervalOption(options);
      const customMetrics = options.strings('custom').map((text) => parseCustomMetric(text, options));
      const target = await targetOption(options, connection);
      const request: acsV1.CreateMonitoringProfileRequest = {
        name: args[0],
        metrics,
        customMetrics,
        target,
        ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
        ...(options.flag('disabled') ? { enabled: false } : {}),
        ...(options.has('source') ? { source: options.string('source')! } : {}),
      };
      const c = connection();
      const response = await c.unary<acsV1.CreateMonitoringProfileResponse>((md, o, cb) => c.monitoring.createMonitoringProfile(request, md, o, cb));
      return showProfile(out, response.profile!, acsV1.CreateMonitoringProfileResponse.toJSON(response));
    },
  },
  {
    group: 'profiles',
    action: 'update',
    argsUsage: 'PROFILE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'changes a monitoring profile: only the options given',
    details: [
      PROFILE_ARG_DETAILS,
      '--metrics replaces the list; --custom replaces the custom metrics (--no-custom removes them all). --revision N',
      'applies the change only if the profile is still at revision N (`profiles get` shows it); otherwise the call fails',
      'ABORTED and nothing changes.',
    ],
    options: {
      ...DEFINITION_OPTIONS,
      name: { type: 'string', valueName: 'NAME', description: 'a new name' },
      'no-custom': { type: 'boolean', description: 'remove every custom metric' },
      enabled: { type: 'boolean', description: 'enable the profile' },
      disabled: { type: 'boolean', description: 'disable the profile' },
      revision: { type: 'string', valueName: 'N', description: 'only if the profile is at this revision' },
    },
    async run({ args, options, out, connection }) {
      const changes = ['name', 'metrics', 'filter', 'group', 'interval', 'source', 'custom', 'no-custom', 'enabled', 'disabled'];
      if (!changes.some((name) => options.has(name))) throw options.usage('nothing to change: give --metrics, --filter/--group, --interval, --custom, --enabled/--disabled…');
      if (options.flag('enabled') && options.flag('disabled')) throw options.usage('give --enabled or --disabled, not both');
      if (options.has('custom') && options.flag('no-custom')) throw options.usage('give --custom or --no-custom, not both');
      const revision = options.integer('revision', 1);
      const intervalSeconds = intervalOption(options);
      const customMetrics = options.has('custom') ? { metrics: options.strings('custom').map((text) => parseCustomMetric(text, options)) } : options.flag('no-custom') ? { metrics: [] } : undefined;
      const target = await targetOption(options, connection);
      const c = connection();
      const profileId = await resolveProfileId(c, args[0]);
      const request: acsV1.UpdateMonitoringProfileRequest = {
        profileId,
        ...(revision !== undefined ? { revision } : {}),
        ...(options.has('name') ? { name: options.string('name')! } : {}),
        metrics: options.list('metrics'),
        ...(customMetrics ? { customMetrics } : {}),
        ...(target ? { target } : {}),
        ...(intervalSeconds !== undefined ? { intervalSeconds } : {}),
        ...(options.flag('enabled') ? { enabled: true } : options.flag('disabled') ? { enabled: false } : {}),
        ...(options.has('source') ? { source: options.string('source')! } : {}),
      };
      const response = await c.unary<acsV1.UpdateMonitoringProfileResponse>((md, o, cb) => c.monitoring.updateMonitoringProfile(request, md, o, cb));
      return showProfile(out, response.profile!, acsV1.UpdateMonitoringProfileResponse.toJSON(response));
    },
  },
  {
    group: 'profiles',
    action: 'delete',
    argsUsage: 'PROFILE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'deletes a monitoring profile; its samples stay for their retention',
    details: [PROFILE_ARG_DETAILS, "Its custom metrics leave the catalog: their series are not readable by name until a profile defines them again."],
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const profileId = await resolveProfileId(c, args[0]);
      await c.unary<acsV1.DeleteMonitoringProfileResponse>((md, o, cb) => c.monitoring.deleteMonitoringProfile({ profileId }, md, o, cb));
      if (out.json) out.document({ deleted: profileId });
      else out.line(`deleted monitoring profile ${args[0]}`);
      return EXIT_OK;
    },
  },
];
