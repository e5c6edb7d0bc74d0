import { acsV1 } from '@acs/contracts';
import type { CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { parseDuration } from '../cli/duration';
import type { ParsedOptions } from '../cli/parsed-options';
import type { AcsConnection } from '../connection/acs-connection';
import { formatMetricValue } from '../output/metric-value.format';
import { formatTime, type Column, type OutputWriter } from '../output/output-writer';
import { resolveGroupId } from './groups.command';
import { collectPages } from './paging';

/** The severities and directions of monitoring.proto's ThresholdRule. */
export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
const DEFAULT_SEVERITY = 'major';
/** ThresholdRule's durations are uint32 seconds; the server judges the range (a day at most). */
const MAX_UINT32 = 2 ** 32 - 1;

/** Every rule, page after page (rules are few: hundreds). */
export async function listRules(c: AcsConnection): Promise<acsV1.ThresholdRule[]> {
  const { items } = await collectPages({ all: true }, async (pageToken, pageSize) => {
    const page = await c.unary<acsV1.ListThresholdRulesResponse>((md, o, cb) => c.monitoring.listThresholdRules({ pageSize, pageToken }, md, o, cb));
    return { items: page.rules, nextPageToken: page.nextPageToken };
  });
  return items;
}

/** The rule a command line names, by id or by name (an id wins); undefined when no rule has either. */
export function findRule(rules: readonly acsV1.ThresholdRule[], text: string): acsV1.ThresholdRule | undefined {
  return rules.find((r) => r.id === text) ?? rules.find((r) => r.name === text);
}

/** As groups are named: by id or name, and a text that is neither goes as an id, so the server's NOT_FOUND names it. */
export async function resolveRuleId(c: AcsConnection, text: string): Promise<string> {
  return findRule(await listRules(c), text)?.id ?? text;
}

/** `>= 90` for a rule raising above 90, `<= -25` below -25: the breach condition at a glance. */
export function raiseCondition(direction: string, level: number): string {
  return `${direction === 'below' ? '<=' : '>='} ${formatMetricValue(level)}`;
}

/** The clear condition: strictly on the normal side of clear_at. */
function clearCondition(rule: acsV1.ThresholdRule): string {
  return `${rule.direction === 'below' ? '>' : '<'} ${formatMetricValue(rule.clearAt)}`;
}

/** `300` → `5m`, `90` → `90s`, `7200` → `2h`: as the duration options are written. */
export function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function held(seconds: number): string {
  return seconds === 0 ? 'at once' : `for ${formatSeconds(seconds)}`;
}

export function targetText(target: acsV1.ThresholdRuleTarget | undefined): string {
  switch (target?.kind?.$case) {
    case 'groupId':
      return `group ${target.kind.groupId}`;
    case 'filter':
      return target.kind.filter === '' ? 'every device' : target.kind.filter;
    case undefined:
      return '';
  }
}

const RULE_COLUMNS: ReadonlyArray<Column<acsV1.ThresholdRule>> = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'NAME', cell: (r) => r.name },
  { header: 'METRIC', cell: (r) => r.metric },
  { header: 'RAISE', cell: (r) => raiseCondition(r.direction, r.raiseAt) },
  { header: 'CLEAR', cell: clearCondition },
  { header: 'FOR', cell: (r) => `${formatSeconds(r.forSeconds)}/${formatSeconds(r.clearForSeconds)}` },
  { header: 'SEVERITY', cell: (r) => r.severity },
  { header: 'ENABLED', cell: (r) => (r.enabled ? 'yes' : 'no') },
  { header: 'TARGET', cell: (r) => targetText(r.target) },
];

function ruleFields(rule: acsV1.ThresholdRule, extra: Array<[string, string]> = []): Array<[string, string]> {
  return [
    ['id', rule.id],
    ['name', rule.name],
    ['metric', rule.metric],
    ['raises', `${raiseCondition(rule.direction, rule.raiseAt)} ${held(rule.forSeconds)}`],
    ['clears', `${clearCondition(rule)} ${held(rule.clearForSeconds)}`],
    ['severity', rule.severity],
    ['enabled', rule.enabled ? 'yes' : 'no'],
    ['target', targetText(rule.target)],
    ['description', rule.description],
    ...extra,
    ['created', `${formatTime(rule.createTime)}${rule.createdBy ? ` by ${rule.createdBy}` : ''}`],
    ['updated', formatTime(rule.updateTime)],
    ['revision', String(rule.revision)],
  ];
}

function showRule(out: OutputWriter, rule: acsV1.ThresholdRule, json: unknown, extra: Array<[string, string]> = []): number {
  if (out.json) out.document(json);
  else out.fields(ruleFields(rule, extra));
  return EXIT_OK;
}

function numberOption(options: ParsedOptions, name: string): number | undefined {
  const text = options.string(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw options.usage(`--${name}: "${text}" is not a number (a negative one is written --${name}=-25)`);
  return value;
}

/** A rule's duration in whole seconds: `5m`, `90s`, `1h`, or `0` (at once). */
function secondsOption(options: ParsedOptions, name: string): number | undefined {
  const text = options.string(name);
  if (text === undefined) return undefined;
  if (/^0+(\.0*)?(ms|s|m|h)?$/.test(text.trim())) return 0;
  let ms: number;
  try {
    ms = parseDuration(text, `--${name}`);
  } catch {
    throw options.usage(`--${name}: "${text}" is not a duration (e.g. 5m, 90s, 1h, or 0 for at once)`);
  }
  if (ms % 1000 !== 0) throw options.usage(`--${name}: "${text}" is not a whole number of seconds`);
  if (ms / 1000 > MAX_UINT32) throw options.usage(`--${name}: "${text}" is too long`);
  return ms / 1000;
}

function severityOption(options: ParsedOptions): string | undefined {
  const text = options.string('severity');
  if (text === undefined) return undefined;
  const severity = ALARM_SEVERITIES.find((s) => s === text.toLowerCase());
  if (!severity) throw options.usage(`--severity: "${text}" is not a severity; use ${ALARM_SEVERITIES.join(', ')}`);
  return severity;
}

/** `--above X` or `--below X`: the direction and the raise level; undefined when neither is given. */
function levelOption(options: ParsedOptions): { direction: 'above' | 'below'; raiseAt: number } | undefined {
  const above = numberOption(options, 'above');
  const below = numberOption(options, 'below');
  if (above !== undefined && below !== undefined) throw options.usage('give --above X or --below X, not both');
  if (above !== undefined) return { direction: 'above', raiseAt: above };
  if (below !== undefined) return { direction: 'below', raiseAt: below };
  return undefined;
}

/** `--filter EXPR` or `--group GROUP` (a name or an id); undefined when neither is given. */
async function targetOption(options: ParsedOptions, connection: () => AcsConnection): Promise<acsV1.ThresholdRuleTarget | undefined> {
  const group = options.string('group');
  const filter = options.string('filter');
  if (group !== undefined && filter !== undefined) throw options.usage('give --filter or --group, not both');
  // A client that may not list groups names its group by id: the text goes as it is.
  if (group !== undefined) return { kind: { $case: 'groupId', groupId: await resolveGroupId(connection(), group).catch(() => group) } };
  if (filter !== undefined) return { kind: { $case: 'filter', filter } };
  return undefined;
}

/** The options create and update share. */
const DEFINITION_OPTIONS: Record<string, OptionSpec> = {
  metric: { type: 'string', short: 'm', valueName: 'METRIC', description: 'the metric watched (`cpu.load`, `optical.rxPower`; a counter is its per-second rate)' },
  above: { type: 'string', valueName: 'X', description: 'raise when the value is at or over X' },
  below: { type: 'string', valueName: 'X', description: 'raise when the value is at or under X (negative: --below=-25)' },
  'clear-at': { type: 'string', valueName: 'Y', description: 'clear when the value passes back Y (hysteresis; default: the raise level)' },
  for: { type: 'string', valueName: 'DURATION', description: 'how long the breach must hold before raising (5m; default 0: at once)' },
  'clear-for': { type: 'string', valueName: 'DURATION', description: 'how long the clear condition must hold before clearing (default 0)' },
  severity: { type: 'string', valueName: 'S', description: `${ALARM_SEVERITIES.join(', ')} (create default: ${DEFAULT_SEVERITY})` },
  filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'the devices watched: a device filter ("" = every device)' },
  group: { type: 'string', valueName: 'GROUP', description: "the devices watched: a group's members (name or id)" },
  description: { type: 'string', valueName: 'TEXT', description: 'what the rule is for' },
};

const RULE_ARG_DETAILS = 'RULE is a rule\'s name or its id (acsctl reads the rules and takes the one with that id, else that name).';

export const THRESHOLD_COMMANDS: CommandSpec[] = [
  {
    group: 'thresholds',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'every threshold rule, by name: metric, raise and clear levels, durations, severity, target',
    options: {},
    async run({ out, connection }) {
      const rules = await listRules(connection());
      if (out.json) {
        out.document(acsV1.ListThresholdRulesResponse.toJSON({ rules, totalSize: rules.length, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(rules, RULE_COLUMNS);
      out.note(`${rules.length} rule(s)`);
      return EXIT_OK;
    },
  },
  {
    group: 'thresholds',
    action: 'get',
    argsUsage: 'RULE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one threshold rule (by name or id)',
    details: [RULE_ARG_DETAILS],
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const ruleId = await resolveRuleId(c, args[0]);
      const response = await c.unary<acsV1.GetThresholdRuleResponse>((md, o, cb) => c.monitoring.getThresholdRule({ ruleId }, md, o, cb));
      return showRule(out, response.rule!, acsV1.GetThresholdRuleResponse.toJSON(response));
    },
  },
  {
    group: 'thresholds',
    action: 'create',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'creates a threshold rule: an alarm per device when a metric stays over (or under) a level',
    details: [
      'A value at or over --above X (at or under --below X) is a breach; held for --for, it raises an alarm of the',
      'device. The alarm clears when the value is back under (over) --clear-at Y for --clear-for; a value between the',
      'two levels changes nothing (hysteresis: no flapping). The rule watches the devices of --filter or --group, from',
      'the next samples on. Examples:',
      '  acsctl thresholds create "CPU high" --metric cpu.load --above 90 --clear-at 70 --for 5m --filter \'productClass = "HG8245H"\'',
      '  acsctl thresholds create "weak optical" --metric optical.rxPower --below=-27 --clear-at=-25 --severity critical --group fibre',
    ],
    options: { ...DEFINITION_OPTIONS, disabled: { type: 'boolean', description: 'create it disabled (it evaluates nothing until enabled)' } },
    async run({ args, options, out, connection }) {
      const metric = options.string('metric');
      if (metric === undefined) throw options.usage('--metric METRIC is required');
      const level = levelOption(options);
      if (!level) throw options.usage('give --above X or --below X');
      const clearAt = numberOption(options, 'clear-at');
      const forSeconds = secondsOption(options, 'for') ?? 0;
      const clearForSeconds = secondsOption(options, 'clear-for') ?? 0;
      const severity = severityOption(options) ?? DEFAULT_SEVERITY;
      if (!options.has('filter') && !options.has('group')) throw options.usage('give --filter EXPR ("" for every device) or --group GROUP');
      const target = await targetOption(options, connection);
      const request: acsV1.CreateThresholdRuleRequest = {
        name: args[0],
        metric,
        target,
        ...level,
        ...(clearAt !== undefined ? { clearAt } : {}),
        forSeconds,
        clearForSeconds,
        severity,
        ...(options.flag('disabled') ? { enabled: false } : {}),
        description: options.string('description') ?? '',
      };
      const c = connection();
      const response = await c.unary<acsV1.CreateThresholdRuleResponse>((md, o, cb) => c.monitoring.createThresholdRule(request, md, o, cb));
      return showRule(out, response.rule!, acsV1.CreateThresholdRuleResponse.toJSON(response));
    },
  },
  {
    group: 'thresholds',
    action: 'update',
    argsUsage: 'RULE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'changes a threshold rule; disabling it, or a new metric or direction, clears its active alarms',
    details: [
      RULE_ARG_DETAILS,
      'Only the options given change. --above / --below set the direction and the raise level (give --clear-at with',
      'them when the old clear level is on the wrong side). Other changes keep the active alarms and apply from the next',
      'samples. --revision N applies the change only if the rule is still at revision N (`thresholds get` shows it);',
      'otherwise the call fails ABORTED and nothing changes.',
    ],
    options: {
      ...DEFINITION_OPTIONS,
      name: { type: 'string', valueName: 'NAME', description: 'a new name' },
      enabled: { type: 'boolean', description: 'enable the rule' },
      disabled: { type: 'boolean', description: 'disable the rule (its active alarms clear)' },
      revision: { type: 'string', valueName: 'N', description: 'only if the rule is at this revision' },
    },
    async run({ args, options, out, connection }) {
      const changes = ['name', 'metric', 'above', 'below', 'clear-at', 'for', 'clear-for', 'severity', 'filter', 'group', 'description', 'enabled', 'disabled'];
      if (!changes.some((name) => options.has(name))) throw options.usage('nothing to change: give --metric, --above/--below, --clear-at, --for, --severity, --filter/--group, --enabled/--disabled…');
      if (options.flag('enabled') && options.flag('disabled')) throw options.usage('give --enabled or --disabled, not both');
      const revision = options.integer('revision', 1);
      const level = levelOption(options);
      const clearAt = numberOption(options, 'clear-at');
      const forSeconds = secondsOption(options, 'for');
      const clearForSeconds = secondsOption(options, 'clear-for');
      const severity = severityOption(options);
      const target = await targetOption(options, connection);
      const c = connection();
      const ruleId = await resolveRuleId(c, args[0]);
      const request: acsV1.UpdateThresholdRuleRequest = {
        ruleId,
        ...(revision !== undefined ? { revision } : {}),
        ...(options.has('name') ? { name: options.string('name')! } : {}),
        ...(options.has('metric') ? { metric: options.string('metric')! } : {}),
        ...(target ? { target } : {}),
        ...(level ?? {}),
        ...(clearAt !== undefined ? { clearAt } : {}),
        ...(forSeconds !== undefined ? { forSeconds } : {}),
        ...(clearForSeconds !== undefined ? { clearForSeconds } : {}),
        ...(severity !== undefined ? { severity } : {}),
        ...(options.flag('enabled') ? { enabled: true } : options.flag('disabled') ? { enabled: false } : {}),
        ...(options.has('description') ? { description: options.string('description')! } : {}),
      };
      const response = await c.unary<acsV1.UpdateThresholdRuleResponse>((md, o, cb) => c.monitoring.updateThresholdRule(request, md, o, cb));
      return showRule(out, response.rule!, acsV1.UpdateThresholdRuleResponse.toJSON(response), response.clearedAlarms > 0 ? [['cleared alarms', String(response.clearedAlarms)]] : []);
    },
  },
  {
    group: 'thresholds',
    action: 'delete',
    argsUsage: 'RULE',
    minArgs: 1,
    maxArgs: 1,
    summary: 'deletes a threshold rule; its active alarms clear, its cleared ones stay until the retention removes them',
    details: [RULE_ARG_DETAILS],
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const ruleId = await resolveRuleId(c, args[0]);
      const response = await c.unary<acsV1.DeleteThresholdRuleResponse>((md, o, cb) => c.monitoring.deleteThresholdRule({ ruleId }, md, o, cb));
      if (out.json) out.document({ deleted: ruleId, clearedAlarms: response.clearedAlarms });
      else out.line(`deleted threshold rule ${args[0]} (${response.clearedAlarms} active alarm(s) cleared)`);
      return EXIT_OK;
    },
  },
];
