import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { errorDetailsOf, isServiceError } from '@acs/platform';
import type { CommandSpec } from '../cli/command';
import { CliError, EXIT_OK } from '../cli/cli-errors';
import type { ParsedOptions } from '../cli/parsed-options';
import type { AcsConnection } from '../connection/acs-connection';
import { formatMetricValue } from '../output/metric-value.format';
import { formatTime, type Column } from '../output/output-writer';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';
import { ALARM_SEVERITIES, findRule, listRules, raiseCondition } from './thresholds.command';

/** monitoring.proto's Alarm.state values. */
const ALARM_STATES = ['active', 'cleared'] as const;

/** The reason AcknowledgeAlarm's FAILED_PRECONDITION carries when someone acknowledged the alarm first. */
const ALREADY_ACKNOWLEDGED = 'ALARM_ALREADY_ACKNOWLEDGED';

/** Who acknowledged, `-` while nobody has. */
function acknowledgedBy(alarm: acsV1.Alarm): string {
  if (!alarm.acknowledgement) return '-';
  return alarm.acknowledgement.by || '(unnamed client)';
}

const ALARM_COLUMNS: ReadonlyArray<Column<acsV1.Alarm>> = [
  { header: 'ID', cell: (a) => a.id },
  { header: 'SEVERITY', cell: (a) => a.severity },
  { header: 'STATE', cell: (a) => a.state },
  { header: 'DEVICE', cell: (a) => a.deviceId },
  { header: 'RULE', cell: (a) => a.ruleName },
  { header: 'METRIC', cell: (a) => a.metric },
  { header: 'VALUE', cell: (a) => formatMetricValue(a.value) },
  { header: 'LAST', cell: (a) => formatMetricValue(a.lastValue) },
  { header: 'THRESHOLD', cell: (a) => raiseCondition(a.direction, a.threshold) },
  { header: 'RAISED', cell: (a) => formatTime(a.raiseTime) },
  { header: 'CLEARED', cell: (a) => formatTime(a.clearTime) },
  { header: 'ACK', cell: acknowledgedBy },
];

/** `by bob at 2027-03-01T08:05:00Z: "on it"`. */
function acknowledgementText(ack: acsV1.AlarmAcknowledgement): string {
  return `by ${ack.by || '(unnamed client)'} at ${formatTime(ack.time)}${ack.comment ? `: "${ack.comment}"` : ''}`;
}

function alarmFields(alarm: acsV1.Alarm): Array<[string, string]> {
  return [
    ['id', alarm.id],
    ['rule', `${alarm.ruleName} (${alarm.ruleId})`],
    ['device', alarm.deviceId],
    ['metric', alarm.metric],
    ['severity', alarm.severity],
    ['state', alarm.clearReason ? `${alarm.state} (${alarm.clearReason})` : alarm.state],
    ['threshold', raiseCondition(alarm.direction, alarm.threshold)],
    ['value', formatMetricValue(alarm.value)],
    ['last value', formatMetricValue(alarm.lastValue)],
    ['raised', formatTime(alarm.raiseTime)],
    ['cleared', formatTime(alarm.clearTime)],
    ['acknowledged', alarm.acknowledgement ? acknowledgementText(alarm.acknowledgement) : 'no'],
  ];
}

function choice<T extends string>(options: ParsedOptions, name: string, allowed: readonly T[]): T | undefined {
  const text = options.string(name);
  if (text === undefined) return undefined;
  const value = allowed.find((a) => a === text.toLowerCase());
  if (!value) throw options.usage(`--${name}: "${text}" is not one of ${allowed.join(', ')}`);
  return value;
}

/**
 * `--rule` by name or id. A text that is neither goes as an id (a deleted rule's alarms keep its id), with a note: an
 * empty list from a mistyped name would otherwise look like "no alarms".
 */
async function ruleFilter(c: AcsConnection, text: string, note: (text: string) => void): Promise<string> {
  const rule = findRule(await listRules(c), text);
  if (!rule) note(`no threshold rule is named "${text}" or has that id: listing the alarms of rule id "${text}" (a deleted rule's alarms keep its id)`);
  return rule?.id ?? text;
}

/**
 * The FAILED_PRECONDITION of an alarm someone acknowledged first, told with who, when and their comment (read
 * anew: the server's message has who and when, not the comment). Any other error, or a failed read, as it came.
 */
async function explainAlreadyAcknowledged(c: AcsConnection, alarmId: string, error: unknown): Promise<never> {
  if (!isServiceError(error) || error.code !== status.FAILED_PRECONDITION || errorDetailsOf(error).errorInfo?.reason !== ALREADY_ACKNOWLEDGED) throw error;
  const alarm = await c.unary<acsV1.GetAlarmResponse>((md, o, cb) => c.monitoring.getAlarm({ alarmId }, md, o, cb)).then(
    (response) => response.alarm,
    () => undefined,
  );
  if (!alarm?.acknowledgement) throw error;
  throw new CliError(`alarm ${alarmId} was already acknowledged ${acknowledgementText(alarm.acknowledgement)}; nothing changed`);
}

export const ALARM_COMMANDS: CommandSpec[] = [
  {
    group: 'alarms',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'alarms newest first, narrowed by device, rule, state, severity, acknowledgement',
    details: [
      'VALUE is the value that raised the alarm, LAST the last one evaluated while it was active, THRESHOLD the rule\'s',
      'raise level then; ACK who acknowledged it (`-`: nobody yet). Examples:',
      '  acsctl alarms list --state active --unacknowledged',
      '  acsctl alarms list --rule "CPU high" --all -o csv > cpu-alarms.csv',
    ],
    options: {
      device: { type: 'string', valueName: 'ID', description: "one device's alarms" },
      rule: { type: 'string', valueName: 'RULE', description: "one threshold rule's alarms (name or id)" },
      state: { type: 'string', valueName: 'STATE', description: `${ALARM_STATES.join(' or ')}` },
      severity: { type: 'string', valueName: 'S', description: ALARM_SEVERITIES.join(', ') },
      unacknowledged: { type: 'boolean', description: 'only the alarms nobody has acknowledged' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const state = choice(options, 'state', ALARM_STATES);
      const severity = choice(options, 'severity', ALARM_SEVERITIES);
      const scope = pageScope(options);
      const c = connection();
      const rule = options.string('rule');
      const query: Omit<acsV1.ListAlarmsRequest, 'pageSize' | 'pageToken'> = {
        deviceId: options.string('device') ?? '',
        ruleId: rule === undefined ? '' : await ruleFilter(c, rule, (text) => out.note(text)),
        state: state ?? '',
        severity: severity ?? '',
        ...(options.flag('unacknowledged') ? { acknowledged: false } : {}),
      };
      const { items, more } = await collectPages(scope, async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListAlarmsResponse>((md, o, cb) => c.monitoring.listAlarms({ ...query, pageSize, pageToken }, md, o, cb));
        return { items: page.alarms, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListAlarmsResponse.toJSON({ alarms: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, ALARM_COLUMNS);
      out.note(`${items.length} alarm(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'alarms',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one alarm: its rule, device, values, times, why it cleared, who acknowledged it',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.GetAlarmResponse>((md, o, cb) => c.monitoring.getAlarm({ alarmId: args[0] }, md, o, cb));
      if (out.json) out.document(acsV1.GetAlarmResponse.toJSON(response));
      else out.fields(alarmFields(response.alarm!));
      return EXIT_OK;
    },
  },
  {
    group: 'alarms',
    action: 'ack',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'acknowledges an alarm (active or cleared), once: you have seen it and are on it',
    details: [
      'The acknowledgement records who (the API client of the token) and when. An alarm is acknowledged once: a second',
      'acknowledgement fails (exit 1) naming who did it first, when, and their comment.',
      'Example: acsctl alarms ack 3qN0m8d2XyJ1pHfVb7kT_w --comment "truck rolled, ticket 4711"',
    ],
    options: { comment: { type: 'string', valueName: 'TEXT', description: 'why, or what is being done (at most 1024 characters)' } },
    async run({ args, options, out, connection }) {
      const c = connection();
      const alarmId = args[0];
      const request = { alarmId, comment: options.string('comment') ?? '' };
      const response = await c
        .unary<acsV1.AcknowledgeAlarmResponse>((md, o, cb) => c.monitoring.acknowledgeAlarm(request, md, o, cb))
        .catch((error: unknown) => explainAlreadyAcknowledged(c, alarmId, error));
      const alarm = response.alarm!;
      if (out.json) out.document(acsV1.AcknowledgeAlarmResponse.toJSON(response));
      else out.line(`acknowledged alarm ${alarm.id} (${alarm.ruleName} on ${alarm.deviceId}, ${alarm.state}) ${acknowledgementText(alarm.acknowledgement!)}`);
      return EXIT_OK;
    },
  },
];
