import type { acsV1 } from '@acs/contracts';
import { UsageError } from '../cli/cli-errors';

/** The options of `tasks create` that only some kinds take. */
export interface TaskSpecOptions {
  nextLevel?: boolean;
  url?: string;
  fileType?: string;
  username?: string;
  password?: string;
  fileSize?: number;
  targetFileName?: string;
  delaySeconds?: number;
}

export const TASK_KINDS = [
  'get',
  'set',
  'refresh',
  'names',
  'add-object',
  'delete-object',
  'get-attributes',
  'set-attributes',
  'reboot',
  'factory-reset',
  'download',
  'upload',
  'schedule-inform',
  'apply-preset',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

// The CWMP types a value may carry (TR-069 A.2.1); `:string` at the end of a value names its type only if it is one.
const XSD_TYPES = ['string', 'int', 'unsignedInt', 'long', 'unsignedLong', 'boolean', 'dateTime', 'base64', 'hexBinary'];
const TYPED_VALUE = new RegExp(`^(.*?):(?:xsd:)?(${XSD_TYPES.join('|')})$`, 's');

const USAGE_OF = 'tasks create';

/** Which kinds each kind-specific option belongs to, to refuse `--url` on a `get`. */
const OPTION_KINDS: Record<keyof TaskSpecOptions, readonly TaskKind[]> = {
  nextLevel: ['names'],
  url: ['download', 'upload'],
  fileType: ['download', 'upload'],
  username: ['download', 'upload'],
  password: ['download', 'upload'],
  delaySeconds: ['download', 'upload'],
  fileSize: ['download'],
  targetFileName: ['download'],
};
const OPTION_FLAGS: Record<keyof TaskSpecOptions, string> = {
  nextLevel: '--next-level',
  url: '--url',
  fileType: '--file-type',
  username: '--username',
  password: '--password',
  delaySeconds: '--delay',
  fileSize: '--file-size',
  targetFileName: '--target-file-name',
};

/** The TaskSpec for `tasks create DEVICE KIND ARGS… [options]`; a usage error names what is wrong. */
export function buildTaskSpec(kind: string, args: readonly string[], options: TaskSpecOptions = {}): acsV1.TaskSpec {
  if (!isTaskKind(kind)) throw new UsageError(`unknown task kind "${kind}"; one of: ${TASK_KINDS.join(', ')}`, USAGE_OF);
  for (const [name, value] of Object.entries(options) as Array<[keyof TaskSpecOptions, unknown]>) {
    if (value !== undefined && value !== false && !OPTION_KINDS[name].includes(kind)) {
      throw new UsageError(`${OPTION_FLAGS[name]} does not apply to a ${kind} task`, USAGE_OF);
    }
  }
  switch (kind) {
    case 'get':
      return { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: atLeastOne(args, kind, 'PATH') } } };
    case 'set':
      return { kind: { $case: 'setParameterValues', setParameterValues: { values: atLeastOne(args, kind, 'PATH=VALUE').map(parseParameterValue) } } };
    case 'refresh':
      return { kind: { $case: 'refreshObject', refreshObject: { path: exactlyOne(args, kind, 'PATH') } } };
    case 'names':
      return { kind: { $case: 'getParameterNames', getParameterNames: { path: exactlyOne(args, kind, 'PATH'), nextLevel: options.nextLevel === true } } };
    case 'add-object': {
      if (args.length === 0) throw new UsageError('add-object: give the object path, e.g. Device.NAT.PortMapping', USAGE_OF);
      const [path, ...values] = args;
      return { kind: { $case: 'addObject', addObject: { path, values: values.map(parseInstanceValue) } } };
    }
    case 'delete-object':
      return { kind: { $case: 'deleteObject', deleteObject: { path: exactlyOne(args, kind, 'PATH') } } };
    case 'get-attributes':
      return { kind: { $case: 'getParameterAttributes', getParameterAttributes: { parameterNames: atLeastOne(args, kind, 'PATH') } } };
    case 'set-attributes':
      return { kind: { $case: 'setParameterAttributes', setParameterAttributes: { attributes: atLeastOne(args, kind, 'PATH=NOTIFICATION').map(parseAttribute) } } };
    case 'reboot':
      none(args, kind);
      return { kind: { $case: 'reboot', reboot: {} } };
    case 'factory-reset':
      none(args, kind);
      return { kind: { $case: 'factoryReset', factoryReset: {} } };
    case 'download': {
      none(args, kind);
      const { url, fileType } = transferTarget(options, kind);
      return {
        kind: {
          $case: 'download',
          download: {
            url,
            fileType,
            username: options.username ?? '',
            password: options.password ?? '',
            ...(options.fileSize === undefined ? {} : { fileSize: options.fileSize }),
            targetFileName: options.targetFileName ?? '',
            delaySeconds: options.delaySeconds ?? 0,
          },
        },
      };
    }
    case 'upload': {
      none(args, kind);
      const { url, fileType } = transferTarget(options, kind);
      return {
        kind: { $case: 'upload', upload: { url, fileType, username: options.username ?? '', password: options.password ?? '', delaySeconds: options.delaySeconds ?? 0 } },
      };
    }
    case 'schedule-inform': {
      const seconds = exactlyOne(args, kind, 'SECONDS');
      if (!/^\d+$/.test(seconds) || Number(seconds) > 0xffffffff) throw new UsageError(`schedule-inform: "${seconds}" is not a number of seconds`, USAGE_OF);
      return { kind: { $case: 'scheduleInform', scheduleInform: { delaySeconds: Number(seconds) } } };
    }
    case 'apply-preset':
      return { kind: { $case: 'applyPreset', applyPreset: { name: exactlyOne(args, kind, 'NAME') } } };
  }
}

export function isTaskKind(kind: string): kind is TaskKind {
  return (TASK_KINDS as readonly string[]).includes(kind);
}

/** `Device.X.Y=VALUE` or `Device.X.Y=VALUE:TYPE` (TYPE a CWMP type, `xsd:` optional); the type defaults to the path's. */
export function parseParameterValue(text: string): acsV1.ParameterValue {
  const { name, value, type } = splitAssignment(text, 'PATH=VALUE[:TYPE]');
  return { path: name, value, type };
}

function parseInstanceValue(text: string): acsV1.InstanceValue {
  const { name, value, type } = splitAssignment(text, 'NAME=VALUE[:TYPE]');
  return { name, value, type };
}

function splitAssignment(text: string, form: string): { name: string; value: string; type: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`"${text}" is not ${form}`, USAGE_OF);
  const name = text.slice(0, eq);
  const rest = text.slice(eq + 1);
  const typed = TYPED_VALUE.exec(rest);
  return typed ? { name, value: typed[1], type: `xsd:${typed[2]}` } : { name, value: rest, type: '' };
}

function parseAttribute(text: string): acsV1.ParameterAttribute {
  const match = /^([^=]+)=([012])$/.exec(text);
  if (!match) throw new UsageError(`"${text}" is not PATH=NOTIFICATION (0 off, 1 passive, 2 active)`, USAGE_OF);
  // No access list: the CPE keeps the one it has.
  return { path: match[1], notification: Number(match[2]), accessList: undefined };
}

function transferTarget(options: TaskSpecOptions, kind: TaskKind): { url: string; fileType: string } {
  if (!options.url) throw new UsageError(`${kind}: --url is required`, USAGE_OF);
  if (!options.fileType) throw new UsageError(`${kind}: --file-type is required (e.g. "1 Firmware Upgrade Image")`, USAGE_OF);
  return { url: options.url, fileType: options.fileType };
}

function atLeastOne(args: readonly string[], kind: TaskKind, what: string): string[] {
  if (args.length === 0) throw new UsageError(`${kind}: give at least one ${what}`, USAGE_OF);
  return [...args];
}

function exactlyOne(args: readonly string[], kind: TaskKind, what: string): string {
  if (args.length !== 1) throw new UsageError(`${kind}: give exactly one ${what}`, USAGE_OF);
  return args[0];
}

function none(args: readonly string[], kind: TaskKind): void {
  if (args.length > 0) throw new UsageError(`${kind} takes no arguments (found "${args[0]}")`, USAGE_OF);
}
