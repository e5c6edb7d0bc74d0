import { CwmpParseError } from './cwmp-parse-error';
import { UNKNOWN_TIME, formatValue, parseValue, xsiTypeOf } from './cwmp-values';
import type {
  AllQueuedTransferStruct,
  ArgStruct,
  AutonOpResultStruct,
  CwmpMessage,
  CwmpMessageKind,
  CwmpValue,
  DeviceIdStruct,
  DuOperation,
  EventStruct,
  FaultStruct,
  OpResultStruct,
  OptionStruct,
  ParameterAttributeStruct,
  ParameterInfoStruct,
  ParameterValueStruct,
  QueuedTransferStruct,
  SetParameterAttributesStruct,
  TimeWindowStruct,
} from './messages';
import {
  ATTRIBUTES_KEY,
  type XmlAttributes,
  type XmlNode,
  attributeByLocalName,
  attributesOf,
  localName,
  tagOf,
  textOf,
} from './xml-node';
import { escapeXml } from './xml-text';

// One table describes every RPC of cwmp-1-0.xsd … cwmp-1-4.xsd: element names in schema order, their types, the
// model field they fill. The parser reads with it, the builder writes with it, so the two cannot drift apart.
// Reading is tolerant (children in any order, unknown children ignored, missing ones defaulted to '' / 0 / false /
// []), writing is strict (schema order, every element present, arrayType on every SOAP array).

export interface Codec<T> {
  /** `children` undefined means the element is absent: return the default. */
  read(children: XmlNode[] | undefined, attributes: XmlAttributes | undefined, tag: string): T;
  write(tag: string, value: T): string;
}

function invalid(tag: string, expected: string, text: string): CwmpParseError {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return new CwmpParseError('invalid-value', `<${tag}> should be ${expected}, got "${shown}"`);
}

const INTEGER = /^[+-]?\d+$/;

export const stringCodec: Codec<string> = {
  read: (children) => textOf(children),
  write: (tag, value) => `<${tag}>${escapeXml(value)}</${tag}>`,
};

export const intCodec: Codec<number> = {
  read(children, _attributes, tag) {
    const text = textOf(children).trim();
    if (text === '') return 0;
    if (!INTEGER.test(text)) throw invalid(tag, 'an integer', text);
    return Number(text);
  },
  write: (tag, value) => `<${tag}>${Number.isFinite(value) ? Math.trunc(value) : 0}</${tag}>`,
};

function readBoolean(text: string): boolean | undefined {
  switch (text.trim().toLowerCase()) {
    case '':
    case '0':
    case 'false':
      return false;
    case '1':
    case 'true':
      return true;
    default:
      return undefined;
  }
}

/** xsd:boolean, written as 1/0, the form every CPE firmware understands. */
export const booleanCodec: Codec<boolean> = {
  read(children, _attributes, tag) {
    const text = textOf(children);
    const value = readBoolean(text);
    if (value === undefined) throw invalid(tag, 'a boolean', text);
    return value;
  },
  write: (tag, value) => `<${tag}>${value ? 1 : 0}</${tag}>`,
};

/** OptionStruct.IsTransferable: an xsd:int 0/1 in the schema, a boolean in the model. */
const intBooleanCodec: Codec<boolean> = booleanCodec;

/** xsd:dateTime, kept as text; an empty time is sent as the unknown time so the element stays valid. */
export const dateTimeCodec: Codec<string> = {
  read: (children) => textOf(children).trim(),
  write: (tag, value) => `<${tag}>${escapeXml(value || UNKNOWN_TIME)}</${tag}>`,
};

export const valueCodec: Codec<CwmpValue> = {
  read(children, attributes) {
    const xsiType = attributes?.['xsi:type'] ?? attributeByLocalName(attributes, 'type');
    return parseValue(textOf(children), xsiType);
  },
  write: (tag, value) => `<${tag} xsi:type="xsd:${escapeXml(xsiTypeOf(value))}">${escapeXml(formatValue(value))}</${tag}>`,
};

/** A SOAP-encoded array: items may carry any element name, the arrayType count is ignored on input. */
export function arrayCodec<T>(itemTag: string, arrayType: string, item: Codec<T>): Codec<T[]> {
  return {
    read(children) {
      const items: T[] = [];
      if (children === undefined) return items;
      for (const child of children) {
        const tag = tagOf(child);
        if (tag !== undefined) items.push(item.read(child[tag] as XmlNode[], attributesOf(child), localName(tag)));
      }
      return items;
    },
    write(tag, values) {
      let xml = `<${tag} soap-enc:arrayType="${arrayType}[${values.length}]">`;
      for (const v of values) xml += item.write(itemTag, v);
      return `${xml}</${tag}>`;
    },
  };
}

interface Field<T> {
  /** The element name, without prefix. */
  tag: string;
  key: Exclude<keyof T, 'kind'> & string;
  codec: Codec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each field's own type
  /** The element repeats in place (maxOccurs unbounded, no array wrapper). */
  repeated?: boolean;
  /** For repeated fields: item element names some devices wrap each item in. */
  wrappedItems?: readonly string[];
  /** minOccurs 0 with no default in the model: left out when absent. */
  optional?: boolean;
}

function fieldIndex<T>(fields: readonly Field<T>[], name: string): number {
  for (let i = 0; i < fields.length; i++) if (fields[i]!.tag === name) return i;
  return -1;
}

function readRepeated<T>(field: Field<T>, child: XmlNode, tag: string, into: unknown[]): void {
  const children = child[tag] as XmlNode[];
  if (field.wrappedItems !== undefined) {
    let wrapped = false;
    for (const grandchild of children) {
      const inner = tagOf(grandchild);
      if (inner !== undefined && field.wrappedItems.includes(localName(inner))) {
        wrapped = true;
        into.push(field.codec.read(grandchild[inner] as XmlNode[], attributesOf(grandchild), field.tag));
      }
    }
    if (wrapped) return;
  }
  into.push(field.codec.read(children, attributesOf(child), field.tag));
}

/** A sequence of named elements read into an object; `kind` is set first when given (a message). */
export function structCodec<T extends object>(fields: readonly Field<T>[], kind?: string): Codec<T> {
  return {
    read(children) {
      // Children are matched first, then the object is built in schema order, so every value of a kind shares one
      // hidden class whatever order the device sent.
      const found: (XmlNode | unknown[] | undefined)[] = new Array(fields.length);
      if (children !== undefined) {
        for (const child of children) {
          const tag = tagOf(child);
          if (tag === undefined) continue;
          const index = fieldIndex(fields, localName(tag));
          if (index === -1) continue;
          const field = fields[index]!;
          if (field.repeated) {
            readRepeated(field, child, tag, (found[index] ??= []) as unknown[]);
          } else if (found[index] === undefined) {
            found[index] = child;
          }
        }
      }
      const out: Record<string, unknown> = kind === undefined ? {} : { kind };
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!;
        const hit = found[i];
        if (field.repeated) {
          out[field.key] = hit ?? [];
        } else if (hit === undefined) {
          if (!field.optional) out[field.key] = field.codec.read(undefined, undefined, field.tag);
        } else {
          const node = hit as XmlNode;
          const tag = tagOf(node)!;
          out[field.key] = field.codec.read(node[tag] as XmlNode[], node[ATTRIBUTES_KEY] as XmlAttributes, field.tag);
        }
      }
      return out as T;
    },
    write(tag, value) {
      const record = value as Record<string, unknown>;
      let xml = `<${tag}>`;
      for (const field of fields) {
        const v = record[field.key];
        if (field.repeated) {
          for (const item of (v as unknown[] | undefined) ?? []) xml += field.codec.write(field.tag, item);
        } else if (v !== undefined || !field.optional) {
          xml += field.codec.write(field.tag, v ?? field.codec.read(undefined, undefined, field.tag));
        }
      }
      return `${xml}</${tag}>`;
    },
  };
}

// --- Structures ---------------------------------------------------------------------------------------------

/** The hot path of every Inform and GetParameterValuesResponse, written out by hand. */
export const parameterValueStructCodec: Codec<ParameterValueStruct> = {
  read(children) {
    let name = '';
    let value: CwmpValue | undefined;
    if (children !== undefined) {
      for (const child of children) {
        const tag = tagOf(child);
        if (tag === undefined) continue;
        const local = localName(tag);
        if (local === 'Name') name = textOf(child[tag] as XmlNode[]).trim();
        else if (local === 'Value') value = valueCodec.read(child[tag] as XmlNode[], attributesOf(child), local);
      }
    }
    return { name, value: value ?? { type: 'string', value: '' } };
  },
  write: (tag, p) => `<${tag}><Name>${escapeXml(p.name)}</Name>${valueCodec.write('Value', p.value)}</${tag}>`,
};

const parameterValueList = arrayCodec('ParameterValueStruct', 'cwmp:ParameterValueStruct', parameterValueStructCodec);
const stringArray = (itemTag: string) => arrayCodec(itemTag, 'xsd:string', stringCodec);

const deviceIdStruct = structCodec<DeviceIdStruct>([
  { tag: 'Manufacturer', key: 'manufacturer', codec: stringCodec },
  { tag: 'OUI', key: 'oui', codec: stringCodec },
  { tag: 'ProductClass', key: 'productClass', codec: stringCodec },
  { tag: 'SerialNumber', key: 'serialNumber', codec: stringCodec },
]);

const eventStruct = structCodec<EventStruct>([
  { tag: 'EventCode', key: 'eventCode', codec: stringCodec },
  { tag: 'CommandKey', key: 'commandKey', codec: stringCodec },
]);

const faultStruct = structCodec<FaultStruct>([
  { tag: 'FaultCode', key: 'faultCode', codec: intCodec },
  { tag: 'FaultString', key: 'faultString', codec: stringCodec },
]);

const parameterInfoStruct = structCodec<ParameterInfoStruct>([
  { tag: 'Name', key: 'name', codec: stringCodec },
  { tag: 'Writable', key: 'writable', codec: booleanCodec },
]);

const setParameterAttributesStruct = structCodec<SetParameterAttributesStruct>([
  { tag: 'Name', key: 'name', codec: stringCodec },
  { tag: 'NotificationChange', key: 'notificationChange', codec: booleanCodec },
  { tag: 'Notification', key: 'notification', codec: intCodec },
  { tag: 'AccessListChange', key: 'accessListChange', codec: booleanCodec },
  { tag: 'AccessList', key: 'accessList', codec: stringArray('string') },
]);

const parameterAttributeStruct = structCodec<ParameterAttributeStruct>([
  { tag: 'Name', key: 'name', codec: stringCodec },
  { tag: 'Notification', key: 'notification', codec: intCodec },
  { tag: 'AccessList', key: 'accessList', codec: stringArray('string') },
]);

const timeWindowStruct = structCodec<TimeWindowStruct>([
  { tag: 'WindowStart', key: 'windowStart', codec: intCodec },
  { tag: 'WindowEnd', key: 'windowEnd', codec: intCodec },
  { tag: 'WindowMode', key: 'windowMode', codec: stringCodec },
  { tag: 'UserMessage', key: 'userMessage', codec: stringCodec },
  { tag: 'MaxRetries', key: 'maxRetries', codec: intCodec },
]);

const queuedTransferStruct = structCodec<QueuedTransferStruct>([
  { tag: 'CommandKey', key: 'commandKey', codec: stringCodec },
  { tag: 'State', key: 'state', codec: intCodec },
]);

const allQueuedTransferStruct = structCodec<AllQueuedTransferStruct>([
  { tag: 'CommandKey', key: 'commandKey', codec: stringCodec },
  { tag: 'State', key: 'state', codec: intCodec },
  { tag: 'IsDownload', key: 'isDownload', codec: booleanCodec },
  { tag: 'FileType', key: 'fileType', codec: stringCodec },
  { tag: 'FileSize', key: 'fileSize', codec: intCodec },
  { tag: 'TargetFileName', key: 'targetFileName', codec: stringCodec },
]);

const optionStruct = structCodec<OptionStruct>([
  { tag: 'OptionName', key: 'optionName', codec: stringCodec },
  { tag: 'VoucherSN', key: 'voucherSN', codec: stringCodec },
  { tag: 'State', key: 'state', codec: intCodec },
  { tag: 'Mode', key: 'mode', codec: stringCodec },
  { tag: 'StartDate', key: 'startDate', codec: dateTimeCodec },
  { tag: 'ExpirationDate', key: 'expirationDate', codec: dateTimeCodec, optional: true },
  { tag: 'IsTransferable', key: 'isTransferable', codec: intBooleanCodec },
]);

const argStruct = structCodec<ArgStruct>([
  { tag: 'Name', key: 'name', codec: stringCodec },
  { tag: 'Value', key: 'value', codec: stringCodec },
]);

const opResultFields: Field<AutonOpResultStruct>[] = [
  { tag: 'UUID', key: 'uuid', codec: stringCodec },
  { tag: 'DeploymentUnitRef', key: 'deploymentUnitRef', codec: stringCodec },
  { tag: 'Version', key: 'version', codec: stringCodec },
  { tag: 'CurrentState', key: 'currentState', codec: stringCodec },
  { tag: 'Resolved', key: 'resolved', codec: booleanCodec },
  { tag: 'ExecutionUnitRefList', key: 'executionUnitRefList', codec: stringCodec },
  { tag: 'StartTime', key: 'startTime', codec: dateTimeCodec },
  { tag: 'CompleteTime', key: 'completeTime', codec: dateTimeCodec },
  { tag: 'Fault', key: 'fault', codec: faultStruct },
];
const opResultStruct = structCodec<OpResultStruct>(opResultFields as Field<OpResultStruct>[]);
const autonOpResultStruct = structCodec<AutonOpResultStruct>([
  ...opResultFields,
  { tag: 'OperationPerformed', key: 'operationPerformed', codec: stringCodec },
]);

// ChangeDUState operations: `Operations` elements whose xsi:type (cwmp:InstallOpStruct, UpdateOpStruct,
// UninstallOpStruct) says which operation they are. Some implementations wrap the struct in an element of that
// name instead; without either, the fields present decide.
type DuOperationFields = {
  url: string;
  uuid: string;
  username: string;
  password: string;
  executionEnvRef: string;
  version: string;
};
const duOperationFields = structCodec<DuOperationFields>([
  { tag: 'URL', key: 'url', codec: stringCodec },
  { tag: 'UUID', key: 'uuid', codec: stringCodec },
  { tag: 'Username', key: 'username', codec: stringCodec },
  { tag: 'Password', key: 'password', codec: stringCodec },
  { tag: 'ExecutionEnvRef', key: 'executionEnvRef', codec: stringCodec },
  { tag: 'Version', key: 'version', codec: stringCodec },
]);

function hasChild(children: XmlNode[], name: string): boolean {
  return children.some((c) => {
    const tag = tagOf(c);
    return tag !== undefined && localName(tag) === name;
  });
}

const duOperationCodec: Codec<DuOperation> = {
  read(children, attributes) {
    let kids = children ?? [];
    let type = localName(attributeByLocalName(attributes, 'type') ?? '');
    if (type === '') {
      for (const child of kids) {
        const tag = tagOf(child);
        if (tag !== undefined && localName(tag).endsWith('OpStruct')) {
          type = localName(tag);
          kids = child[tag] as XmlNode[];
          break;
        }
      }
    }
    if (type === '') {
      const url = hasChild(kids, 'URL');
      type = url && !hasChild(kids, 'Version') ? 'InstallOpStruct' : url ? 'UpdateOpStruct' : 'UninstallOpStruct';
    }
    const f = duOperationFields.read(kids, undefined, 'Operations');
    switch (type) {
      case 'InstallOpStruct':
        return {
          operation: 'Install',
          url: f.url,
          uuid: f.uuid,
          username: f.username,
          password: f.password,
          executionEnvRef: f.executionEnvRef,
        };
      case 'UpdateOpStruct':
        return {
          operation: 'Update',
          uuid: f.uuid,
          version: f.version,
          url: f.url,
          username: f.username,
          password: f.password,
        };
      case 'UninstallOpStruct':
        return { operation: 'Uninstall', uuid: f.uuid, version: f.version, executionEnvRef: f.executionEnvRef };
      default:
        throw new CwmpParseError('invalid-value', `unknown ChangeDUState operation type "${type.slice(0, 64)}"`);
    }
  },
  write(tag, op) {
    const s = stringCodec.write;
    switch (op.operation) {
      case 'Install':
        return (
          `<${tag} xsi:type="cwmp:InstallOpStruct">${s('URL', op.url)}${s('UUID', op.uuid)}` +
          `${s('Username', op.username)}${s('Password', op.password)}${s('ExecutionEnvRef', op.executionEnvRef)}</${tag}>`
        );
      case 'Update':
        return (
          `<${tag} xsi:type="cwmp:UpdateOpStruct">${s('UUID', op.uuid)}${s('Version', op.version)}` +
          `${s('URL', op.url)}${s('Username', op.username)}${s('Password', op.password)}</${tag}>`
        );
      case 'Uninstall':
        return (
          `<${tag} xsi:type="cwmp:UninstallOpStruct">${s('UUID', op.uuid)}${s('Version', op.version)}` +
          `${s('ExecutionEnvRef', op.executionEnvRef)}</${tag}>`
        );
    }
  },
};

// --- Messages ----------------------------------------------------------------------------------------------

type MessageOf<K extends CwmpMessageKind> = Extract<CwmpMessage, { kind: K }>;
type BodyKind = Exclude<CwmpMessageKind, 'Fault'>;

function message<K extends BodyKind>(kind: K, fields: readonly Field<MessageOf<K>>[] = []): Codec<MessageOf<K>> {
  return structCodec<MessageOf<K>>(fields, kind);
}

const commandKey = { tag: 'CommandKey', key: 'commandKey', codec: stringCodec } as const;
const parameterKey = { tag: 'ParameterKey', key: 'parameterKey', codec: stringCodec } as const;
const objectName = { tag: 'ObjectName', key: 'objectName', codec: stringCodec } as const;
const fileType = { tag: 'FileType', key: 'fileType', codec: stringCodec } as const;
const url = { tag: 'URL', key: 'url', codec: stringCodec } as const;
const username = { tag: 'Username', key: 'username', codec: stringCodec } as const;
const password = { tag: 'Password', key: 'password', codec: stringCodec } as const;
const fileSize = { tag: 'FileSize', key: 'fileSize', codec: intCodec } as const;
const targetFileName = { tag: 'TargetFileName', key: 'targetFileName', codec: stringCodec } as const;
const delaySeconds = { tag: 'DelaySeconds', key: 'delaySeconds', codec: intCodec } as const;
const status = { tag: 'Status', key: 'status', codec: intCodec } as const;
const startTime = { tag: 'StartTime', key: 'startTime', codec: dateTimeCodec } as const;
const completeTime = { tag: 'CompleteTime', key: 'completeTime', codec: dateTimeCodec } as const;
const parameterNames = { tag: 'ParameterNames', key: 'parameterNames', codec: stringArray('string') } as const;
const transferFault = { tag: 'FaultStruct', key: 'fault', codec: faultStruct } as const;

/** Every message of the schemas but the SOAP Fault, by body element name. */
export const MESSAGE_CODECS: { readonly [K in BodyKind]: Codec<MessageOf<K>> } = {
  // ACS → CPE requests
  GetRPCMethods: message('GetRPCMethods'),
  SetParameterValues: message('SetParameterValues', [
    { tag: 'ParameterList', key: 'parameterList', codec: parameterValueList },
    parameterKey,
  ]),
  GetParameterValues: message('GetParameterValues', [parameterNames]),
  GetParameterNames: message('GetParameterNames', [
    { tag: 'ParameterPath', key: 'parameterPath', codec: stringCodec },
    { tag: 'NextLevel', key: 'nextLevel', codec: booleanCodec },
  ]),
  SetParameterAttributes: message('SetParameterAttributes', [
    {
      tag: 'ParameterList',
      key: 'parameterList',
      codec: arrayCodec('SetParameterAttributesStruct', 'cwmp:SetParameterAttributesStruct', setParameterAttributesStruct),
    },
  ]),
  GetParameterAttributes: message('GetParameterAttributes', [parameterNames]),
  AddObject: message('AddObject', [objectName, parameterKey]),
  DeleteObject: message('DeleteObject', [objectName, parameterKey]),
  Reboot: message('Reboot', [commandKey]),
  Download: message('Download', [
    commandKey,
    fileType,
    url,
    username,
    password,
    fileSize,
    targetFileName,
    delaySeconds,
    { tag: 'SuccessURL', key: 'successURL', codec: stringCodec },
    { tag: 'FailureURL', key: 'failureURL', codec: stringCodec },
  ]),
  Upload: message('Upload', [commandKey, fileType, url, username, password, delaySeconds]),
  FactoryReset: message('FactoryReset'),
  GetQueuedTransfers: message('GetQueuedTransfers'),
  GetAllQueuedTransfers: message('GetAllQueuedTransfers'),
  ScheduleInform: message('ScheduleInform', [delaySeconds, commandKey]),
  SetVouchers: message('SetVouchers', [
    { tag: 'VoucherList', key: 'voucherList', codec: arrayCodec('base64', 'soap-enc:base64', stringCodec) },
  ]),
  GetOptions: message('GetOptions', [{ tag: 'OptionName', key: 'optionName', codec: stringCodec }]),
  ScheduleDownload: message('ScheduleDownload', [
    commandKey,
    fileType,
    url,
    username,
    password,
    fileSize,
    targetFileName,
    {
      tag: 'TimeWindowList',
      key: 'timeWindowList',
      codec: arrayCodec('TimeWindowStruct', 'cwmp:TimeWindowStruct', timeWindowStruct),
    },
  ]),
  CancelTransfer: message('CancelTransfer', [commandKey]),
  ChangeDUState: message('ChangeDUState', [
    { tag: 'Operations', key: 'operations', codec: duOperationCodec, repeated: true },
    commandKey,
  ]),

  // CPE responses
  GetRPCMethodsResponse: message('GetRPCMethodsResponse', [
    { tag: 'MethodList', key: 'methodList', codec: stringArray('string') },
  ]),
  SetParameterValuesResponse: message('SetParameterValuesResponse', [status]),
  GetParameterValuesResponse: message('GetParameterValuesResponse', [
    { tag: 'ParameterList', key: 'parameterList', codec: parameterValueList },
  ]),
  GetParameterNamesResponse: message('GetParameterNamesResponse', [
    {
      tag: 'ParameterList',
      key: 'parameterList',
      codec: arrayCodec('ParameterInfoStruct', 'cwmp:ParameterInfoStruct', parameterInfoStruct),
    },
  ]),
  SetParameterAttributesResponse: message('SetParameterAttributesResponse'),
  GetParameterAttributesResponse: message('GetParameterAttributesResponse', [
    {
      tag: 'ParameterList',
      key: 'parameterList',
      codec: arrayCodec('ParameterAttributeStruct', 'cwmp:ParameterAttributeStruct', parameterAttributeStruct),
    },
  ]),
  AddObjectResponse: message('AddObjectResponse', [
    { tag: 'InstanceNumber', key: 'instanceNumber', codec: intCodec },
    status,
  ]),
  DeleteObjectResponse: message('DeleteObjectResponse', [status]),
  RebootResponse: message('RebootResponse'),
  DownloadResponse: message('DownloadResponse', [status, startTime, completeTime]),
  UploadResponse: message('UploadResponse', [status, startTime, completeTime]),
  FactoryResetResponse: message('FactoryResetResponse'),
  GetQueuedTransfersResponse: message('GetQueuedTransfersResponse', [
    {
      tag: 'TransferList',
      key: 'transferList',
      codec: arrayCodec('QueuedTransferStruct', 'cwmp:QueuedTransferStruct', queuedTransferStruct),
    },
  ]),
  GetAllQueuedTransfersResponse: message('GetAllQueuedTransfersResponse', [
    {
      tag: 'TransferList',
      key: 'transferList',
      codec: arrayCodec('AllQueuedTransferStruct', 'cwmp:AllQueuedTransferStruct', allQueuedTransferStruct),
    },
  ]),
  ScheduleInformResponse: message('ScheduleInformResponse'),
  SetVouchersResponse: message('SetVouchersResponse'),
  GetOptionsResponse: message('GetOptionsResponse', [
    { tag: 'OptionList', key: 'optionList', codec: arrayCodec('OptionStruct', 'cwmp:OptionStruct', optionStruct) },
  ]),
  ScheduleDownloadResponse: message('ScheduleDownloadResponse'),
  CancelTransferResponse: message('CancelTransferResponse'),
  ChangeDUStateResponse: message('ChangeDUStateResponse'),

  // CPE → ACS requests
  Inform: message('Inform', [
    { tag: 'DeviceId', key: 'deviceId', codec: deviceIdStruct },
    { tag: 'Event', key: 'events', codec: arrayCodec('EventStruct', 'cwmp:EventStruct', eventStruct) },
    { tag: 'MaxEnvelopes', key: 'maxEnvelopes', codec: intCodec },
    { tag: 'CurrentTime', key: 'currentTime', codec: dateTimeCodec },
    { tag: 'RetryCount', key: 'retryCount', codec: intCodec },
    { tag: 'ParameterList', key: 'parameterList', codec: parameterValueList },
  ]),
  TransferComplete: message('TransferComplete', [commandKey, transferFault, startTime, completeTime]),
  AutonomousTransferComplete: message('AutonomousTransferComplete', [
    { tag: 'AnnounceURL', key: 'announceURL', codec: stringCodec },
    { tag: 'TransferURL', key: 'transferURL', codec: stringCodec },
    { tag: 'IsDownload', key: 'isDownload', codec: booleanCodec },
    fileType,
    fileSize,
    targetFileName,
    transferFault,
    startTime,
    completeTime,
  ]),
  RequestDownload: message('RequestDownload', [
    fileType,
    { tag: 'FileTypeArg', key: 'fileTypeArg', codec: arrayCodec('ArgStruct', 'cwmp:ArgStruct', argStruct) },
  ]),
  DUStateChangeComplete: message('DUStateChangeComplete', [
    { tag: 'Results', key: 'results', codec: opResultStruct, repeated: true, wrappedItems: ['OpResultStruct'] },
    commandKey,
  ]),
  AutonomousDUStateChangeComplete: message('AutonomousDUStateChangeComplete', [
    {
      tag: 'Results',
      key: 'results',
      codec: autonOpResultStruct,
      repeated: true,
      wrappedItems: ['AutonOpResultStruct', 'OpResultStruct'],
    },
  ]),
  Kicked: message('Kicked', [
    { tag: 'Command', key: 'command', codec: stringCodec },
    { tag: 'Referer', key: 'referer', codec: stringCodec },
    { tag: 'Arg', key: 'arg', codec: stringCodec },
    { tag: 'Next', key: 'next', codec: stringCodec },
  ]),

  // ACS responses
  InformResponse: message('InformResponse', [{ tag: 'MaxEnvelopes', key: 'maxEnvelopes', codec: intCodec }]),
  TransferCompleteResponse: message('TransferCompleteResponse'),
  AutonomousTransferCompleteResponse: message('AutonomousTransferCompleteResponse'),
  RequestDownloadResponse: message('RequestDownloadResponse'),
  DUStateChangeCompleteResponse: message('DUStateChangeCompleteResponse'),
  AutonomousDUStateChangeCompleteResponse: message('AutonomousDUStateChangeCompleteResponse'),
  KickedResponse: message('KickedResponse', [{ tag: 'NextURL', key: 'nextURL', codec: stringCodec }]),
};

export function messageCodecOf(name: string): Codec<CwmpMessage> | undefined {
  return Object.prototype.hasOwnProperty.call(MESSAGE_CODECS, name)
    ? (MESSAGE_CODECS[name as BodyKind] as Codec<CwmpMessage>)
    : undefined;
}
