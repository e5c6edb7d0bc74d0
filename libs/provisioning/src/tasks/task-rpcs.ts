import { withoutTrailingDot, type AcsRequest, type CpeResponse, type CwmpValue, type XsdType } from '@acs/cwmp';
import type { DeviceRecord } from '../domain/device';
import type { TaskSpec } from '../domain/task';

/** GetParameterValues of a whole tree is split in requests of at most this many names. */
export const GPV_BATCH = 500;

/**
 * What comes after an RPC's answer in a task: more RPCs, or the task's result. Multi-step tasks (a refresh is
 * GetParameterNames then GetParameterValues; an AddObject with values is AddObject then SetParameterValues) decide
 * their next step from the answer.
 */
export type TaskStep = { next: AcsRequest[] } | { done: unknown } | { awaitTransfer: true };

/** The first RPCs of a task. `commandKey` (the task id) lets the CPE's later reports name the task. */
export function firstRpcs(spec: TaskSpec, commandKey: string, device: DeviceRecord | null): AcsRequest[] {
  switch (spec.kind) {
    case 'getParameterValues':
      return [{ kind: 'GetParameterValues', parameterNames: spec.parameterNames }];
    case 'setParameterValues':
      return [
        {
          kind: 'SetParameterValues',
          parameterKey: commandKey,
          parameterList: spec.values.map((v) => ({ name: v.path, value: typedValue(v.value, v.type, device?.parameters[v.path]?.type) })),
        },
      ];
    case 'refreshObject':
      return [{ kind: 'GetParameterNames', parameterPath: objectPath(spec.path), nextLevel: false }];
    case 'getParameterNames':
      return [{ kind: 'GetParameterNames', parameterPath: spec.path, nextLevel: spec.nextLevel }];
    case 'addObject':
      return [{ kind: 'AddObject', objectName: objectPath(spec.path), parameterKey: commandKey }];
    case 'deleteObject':
      return [{ kind: 'DeleteObject', objectName: objectPath(spec.path), parameterKey: commandKey }];
    case 'getParameterAttributes':
      return [{ kind: 'GetParameterAttributes', parameterNames: spec.parameterNames }];
    case 'setParameterAttributes':
      return [
        {
          kind: 'SetParameterAttributes',
          parameterList: spec.attributes.map((a) => ({
            name: a.path,
            notificationChange: true,
            notification: a.notification,
            accessListChange: a.accessList !== undefined,
            accessList: a.accessList ?? [],
          })),
        },
      ];
    case 'reboot':
      return [{ kind: 'Reboot', commandKey }];
    case 'factoryReset':
      return [{ kind: 'FactoryReset' }];
    case 'download':
      return [
        {
          kind: 'Download',
          commandKey,
          fileType: spec.fileType,
          url: spec.url,
          username: spec.username ?? '',
          password: spec.password ?? '',
          fileSize: spec.fileSize ?? 0,
          targetFileName: spec.targetFileName ?? '',
          delaySeconds: spec.delaySeconds ?? 0,
          successURL: '',
          failureURL: '',
        },
      ];
    case 'upload':
      return [
        {
          kind: 'Upload',
          commandKey,
          fileType: spec.fileType,
          url: spec.url,
          username: spec.username ?? '',
          password: spec.password ?? '',
          delaySeconds: spec.delaySeconds ?? 0,
        },
      ];
    case 'scheduleInform':
      return [{ kind: 'ScheduleInform', delaySeconds: spec.delaySeconds, commandKey }];
    case 'applyPreset':
      // Nothing until the device's session plans the preset (ApplyInform, then TaskLifecycle.runPreset).
      return [];
  }
}

/** The step after `response` to `request`, the last RPC the task sent. */
export function nextStep(spec: TaskSpec, commandKey: string, request: AcsRequest, response: CpeResponse, device: DeviceRecord | null): TaskStep {
  if (spec.kind === 'refreshObject' && response.kind === 'GetParameterNamesResponse') {
    const names = response.parameterList.filter((p) => !p.name.endsWith('.')).map((p) => p.name);
    if (names.length === 0) return { done: { parameters: 0 } };
    const batches: AcsRequest[] = [];
    for (let i = 0; i < names.length; i += GPV_BATCH) batches.push({ kind: 'GetParameterValues', parameterNames: names.slice(i, i + GPV_BATCH) });
    return { next: batches };
  }
  if (spec.kind === 'refreshObject' && response.kind === 'GetParameterValuesResponse') {
    // Its values went into the device's tree; as a result, the answer to the last of its batches alone would read
    // as the whole subtree. The result names what was refreshed; `devices params` shows the values.
    return { done: { refreshed: objectPath(spec.path) } };
  }
  if (spec.kind === 'addObject' && response.kind === 'AddObjectResponse') {
    const instance = `${withoutTrailingDot(spec.path)}.${response.instanceNumber}`;
    if (!spec.values || spec.values.length === 0) return { done: { instance } };
    return {
      next: [
        {
          kind: 'SetParameterValues',
          parameterKey: commandKey,
          parameterList: spec.values.map((v) => ({
            name: `${instance}.${v.name}`,
            value: typedValue(v.value, v.type, device?.parameters[`${instance}.${v.name}`]?.type),
          })),
        },
      ],
    };
  }
  if ((spec.kind === 'download' || spec.kind === 'upload') && (response.kind === 'DownloadResponse' || response.kind === 'UploadResponse')) {
    // Status 1: the transfer goes on after the session; TransferComplete will say how it ended.
    return response.status === 1 ? { awaitTransfer: true } : { done: { status: response.status, startTime: response.startTime, completeTime: response.completeTime } };
  }
  void request;
  return { done: resultOf(response) };
}

/** The part of a response worth keeping as a task's result. */
function resultOf(response: CpeResponse): unknown {
  switch (response.kind) {
    case 'GetParameterValuesResponse':
      return { values: response.parameterList.map((p) => ({ path: p.name, value: p.value.value, type: p.value.type })) };
    case 'GetParameterNamesResponse':
      return { names: response.parameterList };
    case 'GetParameterAttributesResponse':
      return { attributes: response.parameterList };
    case 'SetParameterValuesResponse':
    case 'DeleteObjectResponse':
      return { status: response.status };
    case 'AddObjectResponse':
      return { instanceNumber: response.instanceNumber, status: response.status };
    case 'GetRPCMethodsResponse':
      return { methods: response.methodList };
    default:
      return {};
  }
}

/**
 * The typed value to send: the declared type if the task names one, else the type the device reported for the
 * parameter, else the JavaScript type of the value. Strict in what we send: a number for an int type is sent as a
 * number, a boolean as a boolean.
 */
export function typedValue(value: string | number | boolean, declared: string | undefined, known: XsdType | undefined): CwmpValue {
  const type = normaliseType(declared) ?? known ?? (typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'int' : 'string');
  switch (type) {
    case 'boolean':
      return { type, value: typeof value === 'boolean' ? value : /^(1|true)$/i.test(String(value)) };
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? { type, value: n } : { type, value: String(value) };
    }
    default:
      return { type, value: String(value) };
  }
}

function normaliseType(declared: string | undefined): XsdType | undefined {
  if (!declared) return undefined;
  const bare = declared.replace(/^xsd?:/, '');
  const known: XsdType[] = ['string', 'int', 'unsignedInt', 'long', 'unsignedLong', 'boolean', 'dateTime', 'base64', 'hexBinary'];
  return known.find((t) => t.toLowerCase() === bare.toLowerCase());
}

/** `Device.IP.Interface` → `Device.IP.Interface.`; the empty path (the whole tree in CWMP) stays empty. */
export function objectPath(path: string): string {
  return path === '' || path.endsWith('.') ? path : `${path}.`;
}
