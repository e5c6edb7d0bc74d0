import { presetActionDocument, acsV1 as pb } from '@acs/contracts';

import { snakeCase } from '../domain/field-names';
import { inlineResultOf, taskOutcomeSummary, type DeviceFault, type ParameterNode, type Preset, type PresetAction, type PresetTrigger, type RootObject, type Task, type TaskFault, type TaskOutcomeSummary, type TaskSpec, type TaskStatus } from '../domain';
import type { ProjectedDevice } from '../repositories/ports';

// Domain ↔ acs.v1 gRPC messages, pure. Conventions:
// - epoch ms ↔ google.protobuf.Timestamp (a Date in ts-proto); an absent time stays unset;
// - parameter values travel as their CWMP lexical form (`true`, `300`) with the XSD type prefixed `xsd:`; the domain
//   keeps types bare (`unsignedInt`), as the CPE's answers are stored;
// - free JSON (task results, fault details) goes through JSON first: google.protobuf.Value cannot carry undefined,
//   Dates or class instances, and the stored forms are JSON already.

export function toTimestamp(ms: number | undefined): Date | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms);
}

export function fromTimestamp(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime();
}

/** `xsd:unsignedInt` → `unsignedInt`; '' → undefined. Unknown types are kept (validation refuses them). */
export function bareXsdType(type: string): string | undefined {
  const trimmed = type.trim();
  if (trimmed === '') return undefined;
  return trimmed.replace(/^xsd?:/i, '');
}

/** `unsignedInt` → `xsd:unsignedInt`; undefined → ''. */
export function prefixedXsdType(type: string | undefined): string {
  if (type === undefined || type === '') return '';
  return type.includes(':') ? type : `xsd:${type}`;
}

/** A value's CWMP lexical form. */
export function lexicalValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function jsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks

const STATUS_TO_PROTO: Record<TaskStatus, pb.TaskStatus> = {
  pending: pb.TaskStatus.TASK_STATUS_PENDING,
  dispatched: pb.TaskStatus.TASK_STATUS_DISPATCHED,
  done: pb.TaskStatus.TASK_STATUS_DONE,
  faulted: pb.TaskStatus.TASK_STATUS_FAULTED,
  expired: pb.TaskStatus.TASK_STATUS_EXPIRED,
  cancelled: pb.TaskStatus.TASK_STATUS_CANCELLED,
};

export function taskStatusToProto(status: TaskStatus): pb.TaskStatus {
  return STATUS_TO_PROTO[status];
}

/** The domain status of a proto one; undefined for UNSPECIFIED and values this server does not know. */
export function taskStatusFromProto(status: pb.TaskStatus): TaskStatus | undefined {
  const found = (Object.entries(STATUS_TO_PROTO) as Array<[TaskStatus, pb.TaskStatus]>).find(([, value]) => value === status);
  return found?.[0];
}

/**
 * A task as the API shows it. `withResult`: the result travels inline when it is small (GetTask, CreateTask,
 * WatchTask); listings pass false and carry the summary alone, so no device's answer can outgrow a page.
 */
export function taskToProto(task: Task, options: { withResult: boolean } = { withResult: true }): pb.Task {
  const summary = taskOutcomeSummary(task);
  return {
    id: task.id,
    deviceId: task.deviceId,
    spec: taskSpecToProto(task.spec),
    status: taskStatusToProto(task.status),
    source: task.source,
    channel: task.channel,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    createTime: toTimestamp(task.createdAt),
    updateTime: toTimestamp(task.updatedAt),
    notBeforeTime: toTimestamp(task.notBefore),
    expireTime: toTimestamp(task.expiresAt),
    dispatchTime: toTimestamp(task.dispatchedAt),
    completeTime: toTimestamp(task.completedAt),
    workItemIds: [...task.workItemIds],
    result: options.withResult ? jsonValue(inlineResultOf(task)) : undefined,
    fault: task.fault ? taskFaultToProto(task.fault) : undefined,
    revision: task.revision,
    resultSummary: summary ? taskResultSummaryToProto(summary) : undefined,
    awaitEventCode: task.awaitEventCode ?? '',
  };
}

export function taskResultSummaryToProto(summary: TaskOutcomeSummary): pb.TaskResultSummary {
  return {
    entryKind: summary.entryCount > 0 ? summary.entryKind : '',
    entryCount: summary.entryCount,
    sizeBytes: summary.sizeBytes,
    inline: summary.inline,
    parametersRead: summary.parametersRead,
    parametersSet: summary.parametersSet,
    parametersFailed: summary.parametersFailed,
  };
}

/** A GetParameterValues result entry ({ path, value, type } as task-rpcs.ts keeps it) as a ParameterValue. */
export function resultValueToProto(entry: unknown): pb.ParameterValue {
  const { path, value, type } = (entry ?? {}) as { path?: unknown; value?: unknown; type?: unknown };
  return {
    path: typeof path === 'string' ? path : '',
    value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? lexicalValue(value) : '',
    type: prefixedXsdType(typeof type === 'string' ? type : undefined),
  };
}

/** Any other result entry as JSON. */
export function resultEntryToProto(entry: unknown): unknown {
  return jsonValue(entry) ?? null;
}

export function taskFaultToProto(fault: TaskFault): pb.TaskFault {
  return {
    code: fault.code,
    message: fault.message,
    parameters: (fault.parameters ?? []).map((p) => ({ path: p.path, code: p.code, message: p.message })),
    transient: fault.transient,
  };
}

export function taskSpecToProto(spec: TaskSpec): pb.TaskSpec {
  switch (spec.kind) {
    case 'getParameterValues':
      return { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: [...spec.parameterNames] } } };
    case 'setParameterValues':
      return {
        kind: {
          $case: 'setParameterValues',
          setParameterValues: { values: spec.values.map((v) => ({ path: v.path, value: lexicalValue(v.value), type: prefixedXsdType(v.type) })) },
        },
      };
    case 'refreshObject':
      return { kind: { $case: 'refreshObject', refreshObject: { path: spec.path } } };
    case 'getParameterNames':
      return { kind: { $case: 'getParameterNames', getParameterNames: { path: spec.path, nextLevel: spec.nextLevel } } };
    case 'addObject':
      return {
        kind: {
          $case: 'addObject',
          addObject: { path: spec.path, values: (spec.values ?? []).map((v) => ({ name: v.name, value: lexicalValue(v.value), type: prefixedXsdType(v.type) })) },
        },
      };
    case 'deleteObject':
      return { kind: { $case: 'deleteObject', deleteObject: { path: spec.path } } };
    case 'getParameterAttributes':
      return { kind: { $case: 'getParameterAttributes', getParameterAttributes: { parameterNames: [...spec.parameterNames] } } };
    case 'setParameterAttributes':
      return {
        kind: {
          $case: 'setParameterAttributes',
          setParameterAttributes: {
            attributes: spec.attributes.map((a) => ({
              path: a.path,
              notification: a.notification,
              accessList: a.accessList === undefined ? undefined : { entries: [...a.accessList] },
            })),
          },
        },
      };
    case 'reboot':
      return { kind: { $case: 'reboot', reboot: {} } };
    case 'factoryReset':
      return { kind: { $case: 'factoryReset', factoryReset: {} } };
    case 'download':
      return {
        kind: {
          $case: 'download',
          download: {
            fileType: spec.fileType,
            url: spec.url,
            username: spec.username ?? '',
            // The password went to the device; it is not handed back to whoever reads the task.
            password: '',
            fileSize: spec.fileSize,
            targetFileName: spec.targetFileName ?? '',
            delaySeconds: spec.delaySeconds ?? 0,
          },
        },
      };
    case 'upload':
      return {
        kind: {
          $case: 'upload',
          upload: { fileType: spec.fileType, url: spec.url, username: spec.username ?? '', password: '', delaySeconds: spec.delaySeconds ?? 0 },
        },
      };
    case 'scheduleInform':
      return { kind: { $case: 'scheduleInform', scheduleInform: { delaySeconds: spec.delaySeconds } } };
    case 'applyPreset':
      return { kind: { $case: 'applyPreset', applyPreset: { name: spec.name } } };
  }
}

/**
 * The domain spec of a request's spec, as given (validateTaskSpec checks it): strings stay strings (the type decides
 * how they are sent), empty optional strings become absent, types lose their `xsd:` prefix. Undefined when no kind
 * is set.
 */
export function taskSpecFromProto(spec: pb.TaskSpec | undefined): TaskSpec | undefined {
  const kind = spec?.kind;
  if (!kind) return undefined;
  switch (kind.$case) {
    case 'getParameterValues':
      return { kind: 'getParameterValues', parameterNames: [...kind.getParameterValues.parameterNames] };
    case 'setParameterValues':
      return { kind: 'setParameterValues', values: kind.setParameterValues.values.map((v) => withType({ path: v.path, value: v.value }, v.type)) };
    case 'refreshObject':
      return { kind: 'refreshObject', path: kind.refreshObject.path };
    case 'getParameterNames':
      return { kind: 'getParameterNames', path: kind.getParameterNames.path, nextLevel: kind.getParameterNames.nextLevel };
    case 'addObject': {
      const values = kind.addObject.values.map((v) => withType({ name: v.name, value: v.value }, v.type));
      return values.length > 0 ? { kind: 'addObject', path: kind.addObject.path, values } : { kind: 'addObject', path: kind.addObject.path };
    }
    case 'deleteObject':
      return { kind: 'deleteObject', path: kind.deleteObject.path };
    case 'getParameterAttributes':
      return { kind: 'getParameterAttributes', parameterNames: [...kind.getParameterAttributes.parameterNames] };
    case 'setParameterAttributes':
      return {
        kind: 'setParameterAttributes',
        attributes: kind.setParameterAttributes.attributes.map((a) =>
          a.accessList === undefined ? { path: a.path, notification: a.notification } : { path: a.path, notification: a.notification, accessList: [...a.accessList.entries] },
        ),
      };
    case 'reboot':
      return { kind: 'reboot' };
    case 'factoryReset':
      return { kind: 'factoryReset' };
    case 'download': {
      const d = kind.download;
      return {
        kind: 'download',
        fileType: d.fileType,
        url: d.url,
        ...optionalString('username', d.username),
        ...optionalString('password', d.password),
        ...(d.fileSize !== undefined ? { fileSize: d.fileSize } : {}),
        ...optionalString('targetFileName', d.targetFileName),
        ...(d.delaySeconds > 0 ? { delaySeconds: d.delaySeconds } : {}),
      };
    }
    case 'upload': {
      const u = kind.upload;
      return {
        kind: 'upload',
        fileType: u.fileType,
        url: u.url,
        ...optionalString('username', u.username),
        ...optionalString('password', u.password),
        ...(u.delaySeconds > 0 ? { delaySeconds: u.delaySeconds } : {}),
      };
    }
    case 'scheduleInform':
      return { kind: 'scheduleInform', delaySeconds: kind.scheduleInform.delaySeconds };
    case 'applyPreset':
      return { kind: 'applyPreset', name: kind.applyPreset.name };
  }
}

function withType<T extends object>(value: T, type: string): T & { type?: string } {
  const bare = bareXsdType(type);
  return bare === undefined ? value : { ...value, type: bare };
}

function optionalString<K extends string>(key: K, value: string): Partial<Record<K, string>> {
  return value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

// ---------------------------------------------------------------------------------------------------------------
// Presets

export function presetToProto(preset: Preset): pb.Preset {
  return {
    name: preset.name,
    weight: preset.weight,
    channel: preset.channel,
    precondition: preset.precondition,
    triggers: preset.triggers.map(presetTriggerToProto),
    actions: preset.actions.map(presetActionToProto),
    enabled: preset.enabled,
    updateTime: toTimestamp(preset.updatedAt),
  };
}

export function presetTriggerToProto(trigger: PresetTrigger): pb.PresetTrigger {
  if ('event' in trigger) return { kind: { $case: 'event', event: trigger.event } };
  if ('anyInform' in trigger) return { kind: { $case: 'anyInform', anyInform: {} } };
  return { kind: { $case: 'cron', cron: trigger.cron } };
}

export function presetActionToProto(action: PresetAction): pb.PresetAction {
  if ('setValues' in action) {
    return { kind: { $case: 'setValues', setValues: { values: action.setValues.map((v) => ({ path: v.path, value: lexicalValue(v.value), type: prefixedXsdType(v.type) })) } } };
  }
  if ('ensureInstances' in action) {
    const e = action.ensureInstances;
    return {
      kind: {
        $case: 'ensureInstances',
        ensureInstances: {
          object: e.object,
          key: e.key,
          instances: e.instances.map((instance) => ({ values: Object.entries(instance).map(([name, value]) => ({ name, value: lexicalValue(value), type: '' })) })),
          removeOthers: e.removeOthers ?? false,
        },
      },
    };
  }
  if ('addTags' in action) return { kind: { $case: 'addTags', addTags: { tags: [...action.addTags] } } };
  if ('removeTags' in action) return { kind: { $case: 'removeTags', removeTags: { tags: [...action.removeTags] } } };
  if ('refresh' in action) return { kind: { $case: 'refresh', refresh: action.refresh } };
  if ('reboot' in action) return { kind: { $case: 'reboot', reboot: {} } };
  const d = action.download;
  return { kind: { $case: 'download', download: { fileType: d.fileType, url: d.url, fileSize: d.fileSize, targetFileName: d.targetFileName ?? '' } } };
}

/**
 * A proto preset in the loose shape validatePreset reads (the YAML shape), so both inputs pass one set of rules:
 * proto defaults that mean "not given" (empty name, empty channel) are left out, oneofs become single-key maps.
 */
export function presetInputOf(preset: pb.Preset): Record<string, unknown> {
  return {
    ...(preset.name !== '' ? { name: preset.name } : {}),
    weight: preset.weight,
    ...(preset.channel !== '' ? { channel: preset.channel } : {}),
    precondition: preset.precondition,
    triggers: preset.triggers.map(presetTriggerInputOf),
    actions: preset.actions.map(presetActionInputOf),
    enabled: preset.enabled,
  };
}

function presetTriggerInputOf(trigger: pb.PresetTrigger): Record<string, unknown> {
  const kind = trigger.kind;
  switch (kind?.$case) {
    case undefined:
      return {};
    case 'event':
      return { event: kind.event };
    case 'anyInform':
      return { anyInform: true };
    case 'cron':
      return { cron: kind.cron };
  }
}

function presetActionInputOf(action: pb.PresetAction): Record<string, unknown> {
  return action.kind ? presetActionDocument(action.kind) : {};
}

/**
 * The proto field a preset validation issue is about, e.g. ['actions', 0, 'setValues', 1, 'path'] →
 * `preset.actions[0].set_values.values[1].path`. The validator speaks the YAML shape; this walks it back to the
 * message's fields (snake_case, repeated fields wrapped in their messages, instance values by index).
 */
export function presetIssueField(path: ReadonlyArray<string | number>, preset: pb.Preset, root = 'preset'): string {
  let field = root;
  const [head, index, kind, ...rest] = path;
  if (head === undefined) return field;
  field += `.${snakeCase(String(head))}`;
  if (typeof index !== 'number') return field + rest.map(segment).join('');
  field += `[${index}]`;
  if (kind === undefined) return field;
  field += `.${snakeCase(String(kind))}`;
  if (head !== 'actions') return field + rest.map(segment).join('');
  switch (kind) {
    case 'setValues':
      // The YAML short form (a map of path → value) cannot come from a proto preset; its list form maps 1:1.
      return typeof rest[0] === 'number' ? `${field}.values[${rest[0]}]${rest.slice(1).map(segment).join('')}` : field;
    case 'addTags':
    case 'removeTags':
      return typeof rest[0] === 'number' ? `${field}.tags[${rest[0]}]` : field;
    case 'ensureInstances': {
      if (rest[0] !== 'instances' || typeof rest[1] !== 'number') return field + rest.map(segment).join('');
      field += `.instances[${rest[1]}]`;
      const name = rest[2];
      if (typeof name !== 'string') return field;
      const action = preset.actions[index]?.kind;
      const values = action?.$case === 'ensureInstances' ? (action.ensureInstances.instances[rest[1]]?.values ?? []) : [];
      const at = values.findIndex((v) => v.name === name);
      return at < 0 ? `${field}.values` : `${field}.values[${at}]`;
    }
    default:
      return field + rest.map(segment).join('');
  }
}

function segment(part: string | number): string {
  return typeof part === 'number' ? `[${part}]` : `.${snakeCase(part)}`;
}

export { snakeCase };

// ---------------------------------------------------------------------------------------------------------------
// Devices and faults

const ROOT_OBJECT_TO_PROTO: Record<RootObject, pb.RootObject> = {
  Device: pb.RootObject.ROOT_OBJECT_DEVICE,
  InternetGatewayDevice: pb.RootObject.ROOT_OBJECT_INTERNET_GATEWAY_DEVICE,
};

/** A device as the API shows it: the fields it has, the parameters it carries sorted by path, never credentials. */
/** A device as the API returns it; `online` is judged by the use case (PresentedDevice), false when not. */
export function deviceToProto(device: ProjectedDevice & { online?: boolean }): pb.Device {
  return {
    id: device.id,
    oui: device.oui ?? '',
    productClass: device.productClass ?? '',
    serialNumber: device.serialNumber ?? '',
    manufacturer: device.manufacturer ?? '',
    rootObject: device.rootObject ? ROOT_OBJECT_TO_PROTO[device.rootObject] : pb.RootObject.ROOT_OBJECT_UNSPECIFIED,
    softwareVersion: device.softwareVersion ?? '',
    hardwareVersion: device.hardwareVersion ?? '',
    ip: device.ip ?? '',
    connectionRequestUrl: device.connectionRequestUrl ?? '',
    udpConnectionRequestAddress: device.udpConnectionRequestAddress ?? '',
    registerTime: toTimestamp(device.registeredAt),
    lastInformTime: toTimestamp(device.lastInform),
    lastBootTime: toTimestamp(device.lastBoot),
    lastBootstrapTime: toTimestamp(device.lastBootstrap),
    recentEvents: (device.recentEvents ?? []).map((e) => ({ time: toTimestamp(e.at), codes: [...e.codes] })),
    tags: [...(device.tags ?? [])],
    parameters: parametersToProto(device.parameters ?? {}),
    online: device.online ?? false,
    periodicInformInterval: device.periodicInformInterval,
  };
}

/** Parameter nodes keyed by path → Parameter messages sorted by path. */
export function parametersToProto(parameters: Record<string, ParameterNode>): pb.Parameter[] {
  return Object.keys(parameters)
    .sort(comparePaths)
    .map((path) => parameterToProto(path, parameters[path]));
}

export function parameterToProto(path: string, node: ParameterNode): pb.Parameter {
  return {
    path,
    value: node.value === undefined ? undefined : lexicalValue(node.value),
    type: prefixedXsdType(node.type),
    writable: node.writable,
    object: node.object === true,
    learnTime: toTimestamp(node.learnedAt),
  };
}

/**
 * Path order a person expects: segment by segment, instance numbers numerically (`Interface.2` before
 * `Interface.10`), a parent before its children.
 */
export function comparePaths(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i] === bs[i]) continue;
    const an = /^\d+$/.test(as[i]);
    const bn = /^\d+$/.test(bs[i]);
    if (an && bn) return Number(as[i]) - Number(bs[i]);
    if (an !== bn) return an ? -1 : 1;
    return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
}

export function faultToProto(fault: DeviceFault): pb.Fault {
  return {
    deviceId: fault.deviceId,
    channel: fault.channel,
    code: fault.code,
    message: fault.message,
    retries: fault.retries,
    firstTime: toTimestamp(fault.firstAt),
    lastTime: toTimestamp(fault.lastAt),
    detail: jsonValue(fault.detail),
  };
}
