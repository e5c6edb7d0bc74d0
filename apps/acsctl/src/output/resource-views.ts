import { acsV1 } from '@acs/contracts';
import { formatTime, type Column } from './output-writer';
import { describeResultSummary } from './task-result.view';

/** `TASK_STATUS_DONE` → `DONE`. */
export function taskStatusLabel(status: acsV1.TaskStatus): string {
  return acsV1.taskStatusToJSON(status).replace(/^TASK_STATUS_/, '');
}

/** `pending`, `DONE` or `TASK_STATUS_FAULTED` → the enum value; undefined when it names no status. */
export function parseTaskStatus(text: string): acsV1.TaskStatus | undefined {
  const upper = text.trim().toUpperCase();
  const status = acsV1.taskStatusFromJSON(upper.startsWith('TASK_STATUS_') ? upper : `TASK_STATUS_${upper}`);
  return status === acsV1.TaskStatus.UNRECOGNIZED || status === acsV1.TaskStatus.TASK_STATUS_UNSPECIFIED ? undefined : status;
}

const FINAL_STATUSES: ReadonlySet<acsV1.TaskStatus> = new Set([
  acsV1.TaskStatus.TASK_STATUS_DONE,
  acsV1.TaskStatus.TASK_STATUS_FAULTED,
  acsV1.TaskStatus.TASK_STATUS_EXPIRED,
  acsV1.TaskStatus.TASK_STATUS_CANCELLED,
]);

export function isFinalStatus(status: acsV1.TaskStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** What a task asks, in the words of `tasks create`: `get Device.X Device.Y`, `set Device.X=1`, `reboot`. */
export function describeTaskSpec(spec: acsV1.TaskSpec | undefined): string {
  const kind = spec?.kind;
  if (!kind) return '';
  switch (kind.$case) {
    case 'getParameterValues':
      return `get ${kind.getParameterValues.parameterNames.join(' ')}`;
    case 'setParameterValues':
      return `set ${kind.setParameterValues.values.map((v) => `${v.path}=${v.value}`).join(' ')}`;
    case 'refreshObject':
      return `refresh ${kind.refreshObject.path}`;
    case 'getParameterNames':
      return `names ${kind.getParameterNames.path}${kind.getParameterNames.nextLevel ? ' (next level)' : ''}`;
    case 'addObject':
      return `add-object ${kind.addObject.path}`;
    case 'deleteObject':
      return `delete-object ${kind.deleteObject.path}`;
    case 'getParameterAttributes':
      return `get-attributes ${kind.getParameterAttributes.parameterNames.join(' ')}`;
    case 'setParameterAttributes':
      return `set-attributes ${kind.setParameterAttributes.attributes.map((a) => `${a.path}=${a.notification}`).join(' ')}`;
    case 'reboot':
      return 'reboot';
    case 'factoryReset':
      return 'factory-reset';
    case 'download':
      return `download ${kind.download.fileType} ${kind.download.url}`;
    case 'upload':
      return `upload ${kind.upload.fileType} ${kind.upload.url}`;
    case 'scheduleInform':
      return `schedule-inform ${kind.scheduleInform.delaySeconds}`;
    case 'applyPreset':
      return `apply-preset ${kind.applyPreset.name}`;
  }
}

/**
 * The fault, then what happens next, so nobody reads a final fault as one that will be retried: a FAULTED task is
 * final (RetryTask starts it again); a task still pending or dispatched with a fault is between attempts.
 */
export function describeFault(fault: acsV1.TaskFault | undefined, task?: Pick<acsV1.Task, 'id' | 'status' | 'attempts' | 'maxAttempts' | 'notBeforeTime'>): string {
  if (!fault) return '';
  const parameters = fault.parameters.map((p) => `; ${p.path}: ${p.code} ${p.message}`.trimEnd()).join('');
  return `${fault.code}: ${fault.message}${parameters} (${task ? nextStep(fault, task) : fault.transient ? 'transient' : 'permanent'})`;
}

function nextStep(fault: acsV1.TaskFault, task: Pick<acsV1.Task, 'id' | 'status' | 'attempts' | 'maxAttempts' | 'notBeforeTime'>): string {
  switch (task.status) {
    case acsV1.TaskStatus.TASK_STATUS_FAULTED:
      return fault.transient ? `final, not retried by the ACS; a retry may succeed: acsctl tasks retry ${task.id}` : 'final: the device refused it, a retry would fail the same way';
    case acsV1.TaskStatus.TASK_STATUS_PENDING:
      return `attempt ${task.attempts} of ${task.maxAttempts} failed; the next one ${task.notBeforeTime ? `at ${formatTime(task.notBeforeTime)}` : 'when the device is next in session'}`;
    case acsV1.TaskStatus.TASK_STATUS_DISPATCHED:
      return `an earlier attempt failed; attempt ${task.attempts} of ${task.maxAttempts} under way`;
    default:
      return fault.transient ? 'transient' : 'permanent';
  }
}

export const TASK_COLUMNS: ReadonlyArray<Column<acsV1.Task>> = [
  { header: 'ID', cell: (t) => t.id },
  { header: 'DEVICE', cell: (t) => t.deviceId },
  { header: 'STATUS', cell: (t) => taskStatusLabel(t.status) },
  { header: 'ATTEMPTS', cell: (t) => `${t.attempts}/${t.maxAttempts}` },
  { header: 'SOURCE', cell: (t) => t.source },
  { header: 'CREATED', cell: (t) => formatTime(t.createTime) },
  { header: 'WORK', cell: (t) => describeTaskSpec(t.spec) },
  { header: 'RESULT', cell: (t) => describeResultSummary(t.resultSummary) },
  { header: 'FAULT', cell: (t) => describeFault(t.fault, t) },
];

export function taskFields(task: acsV1.Task): Array<readonly [string, string | undefined]> {
  return [
    ['id', task.id],
    ['device', task.deviceId],
    ['work', describeTaskSpec(task.spec)],
    ['status', taskStatusLabel(task.status)],
    ['attempts', `${task.attempts}/${task.maxAttempts}`],
    ['source', task.source],
    ['channel', task.channel],
    ['created', formatTime(task.createTime)],
    ['updated', formatTime(task.updateTime)],
    ['not before', formatTime(task.notBeforeTime)],
    ['dispatched', formatTime(task.dispatchTime)],
    ['completed', formatTime(task.completeTime)],
    ['expires', formatTime(task.expireTime)],
    ['result', describeResultSummary(task.resultSummary)],
    ['fault', describeFault(task.fault, task)],
  ];
}

/**
 * The device columns, then one per parameter: each projected path that names a parameter (shown even when no device
 * on the page has it: an empty column says so, a missing one would not), and each parameter returned under a
 * projected subtree. `now` (epoch ms) is when the age in LAST SEEN is counted from.
 */
export function deviceColumns(devices: readonly acsV1.Device[], projection: readonly string[], now: number): Array<Column<acsV1.Device>> {
  const returned = devices.flatMap((d) => d.parameters);
  const objects = new Set(returned.filter((p) => p.object).map((p) => p.path));
  const values = returned.filter((p) => !p.object).map((p) => p.path);
  // A projected path is a column unless it turned out to be an object (its parameters below are the columns).
  const named = projection.filter((path) => !path.endsWith('.') && !objects.has(path) && !values.some((v) => v.startsWith(`${path}.`)));
  const paths = [...new Set([...values, ...named])].sort();
  return [
    { header: 'ID', cell: (d) => d.id },
    { header: 'PRODUCT CLASS', cell: (d) => d.productClass },
    { header: 'SOFTWARE', cell: (d) => d.softwareVersion },
    { header: 'IP', cell: (d) => d.ip },
    { header: 'ONLINE', cell: (d) => (d.online ? 'yes' : 'no') },
    { header: 'LAST INFORM', cell: (d) => formatTime(d.lastInformTime) },
    { header: 'LAST SEEN', cell: (d) => formatAge(d.lastInformTime, now) },
    { header: 'TAGS', cell: (d) => d.tags.join(',') },
    ...paths.map((path) => ({ header: path, cell: (d: acsV1.Device) => d.parameters.find((p) => p.path === path)?.value ?? '' })),
  ];
}

/** How long ago `time` was, in its largest whole unit: `45s ago`, `12m ago`, `3h ago`, `9d ago`; `never` when unset. */
export function formatAge(time: Date | undefined, now: number): string {
  if (time === undefined) return 'never';
  const seconds = Math.max(0, Math.floor((now - time.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export function deviceFields(device: acsV1.Device): Array<readonly [string, string | undefined]> {
  return [
    ['id', device.id],
    ['manufacturer', device.manufacturer],
    ['oui', device.oui],
    ['product class', device.productClass],
    ['serial number', device.serialNumber],
    ['root object', device.rootObject === acsV1.RootObject.ROOT_OBJECT_UNSPECIFIED ? '' : acsV1.rootObjectToJSON(device.rootObject).replace(/^ROOT_OBJECT_/, '')],
    ['software', device.softwareVersion],
    ['hardware', device.hardwareVersion],
    ['ip', device.ip],
    ['connection request url', device.connectionRequestUrl],
    ['udp connection request', device.udpConnectionRequestAddress],
    ['registered', formatTime(device.registerTime)],
    ['online', device.online ? 'yes' : 'no'],
    ['last inform', formatTime(device.lastInformTime)],
    ['periodic inform interval', device.periodicInformInterval === undefined ? undefined : `${device.periodicInformInterval}s`],
    ['last boot', formatTime(device.lastBootTime)],
    ['last bootstrap', formatTime(device.lastBootstrapTime)],
    ['recent events', device.recentEvents.map((e) => `${formatTime(e.time)} ${e.codes.join(', ')}`).join(' | ')],
    ['tags', device.tags.join(', ')],
  ];
}

export const PARAMETER_COLUMNS: ReadonlyArray<Column<acsV1.Parameter>> = [
  { header: 'PATH', cell: (p) => (p.object ? `${p.path}.` : p.path) },
  { header: 'VALUE', cell: (p) => p.value ?? '' },
  { header: 'TYPE', cell: (p) => p.type },
  { header: 'WRITABLE', cell: (p) => (p.writable === undefined ? '' : p.writable ? 'yes' : 'no') },
  { header: 'LEARNED', cell: (p) => formatTime(p.learnTime) },
];

export const PRESET_COLUMNS: ReadonlyArray<Column<acsV1.Preset>> = [
  { header: 'NAME', cell: (p) => p.name },
  { header: 'WEIGHT', cell: (p) => String(p.weight) },
  { header: 'CHANNEL', cell: (p) => p.channel },
  { header: 'ENABLED', cell: (p) => (p.enabled ? 'yes' : 'no') },
  { header: 'TRIGGERS', cell: (p) => p.triggers.map(describeTrigger).join(', ') },
  { header: 'ACTIONS', cell: (p) => p.actions.map((a) => a.kind?.$case ?? '?').join(', ') },
  { header: 'UPDATED', cell: (p) => formatTime(p.updateTime) },
  { header: 'PRECONDITION', cell: (p) => p.precondition },
];

export function describeTrigger(trigger: acsV1.PresetTrigger): string {
  const kind = trigger.kind;
  if (!kind) return '?';
  switch (kind.$case) {
    case 'event':
      return kind.event;
    case 'anyInform':
      return 'any inform';
    case 'cron':
      return `cron ${kind.cron}`;
  }
}

export const FAULT_COLUMNS: ReadonlyArray<Column<acsV1.Fault>> = [
  { header: 'DEVICE', cell: (f) => f.deviceId },
  { header: 'CHANNEL', cell: (f) => f.channel },
  { header: 'CODE', cell: (f) => f.code },
  { header: 'RETRIES', cell: (f) => String(f.retries) },
  { header: 'FIRST', cell: (f) => formatTime(f.firstTime) },
  { header: 'LAST', cell: (f) => formatTime(f.lastTime) },
  { header: 'MESSAGE', cell: (f) => f.message },
];

export const AUDIT_COLUMNS: ReadonlyArray<Column<acsV1.AuditRecord>> = [
  { header: 'TIME', cell: (r) => formatTime(r.time) },
  { header: 'CLIENT', cell: (r) => r.client },
  { header: 'CREDENTIAL', cell: (r) => r.credential },
  { header: 'METHOD', cell: (r) => r.method.replace(/^\/acs\.v1\./, '') },
  { header: 'TARGET', cell: (r) => r.target },
  { header: 'OUTCOME', cell: (r) => r.outcome },
  { header: 'MS', cell: (r) => String(r.durationMs) },
  { header: 'PEER', cell: (r) => r.peer },
  { header: 'MESSAGE', cell: (r) => r.message },
];

/** One line per event in a tail: time, type, device, then the data as compact JSON. */
export function eventLine(event: acsV1.Event): string {
  return [formatTime(event.time), event.type, event.subject, event.data === undefined ? '' : JSON.stringify(event.data)].join('  ').trimEnd();
}

/** `00259E:EX220:HW1,HW2` per target, `any` for a file without targets. */
export function describeFileTargets(targets: readonly acsV1.FileTarget[]): string {
  if (targets.length === 0) return 'any';
  return targets.map((t) => [t.oui, t.productClass, ...(t.hardwareVersions.length > 0 ? [t.hardwareVersions.join(',')] : [])].join(':')).join(' ');
}

/** Bytes for people: `512 B`, `1.5 KiB`, `50.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export const FILE_COLUMNS: ReadonlyArray<Column<acsV1.File>> = [
  { header: 'ID', cell: (f) => f.id },
  { header: 'NAME', cell: (f) => f.name },
  { header: 'TYPE', cell: (f) => f.fileType },
  { header: 'VERSION', cell: (f) => f.softwareVersion },
  { header: 'SIZE', cell: (f) => String(f.size) },
  { header: 'MODELS', cell: (f) => describeFileTargets(f.targets) },
  { header: 'CREATED', cell: (f) => formatTime(f.createdAt) },
  { header: 'BY', cell: (f) => f.createdBy },
  { header: 'SHA256', cell: (f) => f.sha256 },
];
