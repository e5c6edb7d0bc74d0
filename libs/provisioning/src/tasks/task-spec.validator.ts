import { InvalidParameterPathError, isXsdType, parameterPathSegments, parseValue } from '@acs/cwmp';
import type { FieldViolation } from '@acs/platform';

import { snakeCase } from '../domain/field-names';
import type { TaskSpec } from '../domain/task';
import { PRESET_NAME } from '../presets/preset-validator';

// What a task spec must satisfy before it is queued: the CPE would refuse the rest with a fault (9003 invalid
// arguments, 9005 invalid parameter name) one session later, or the inventory could not record the answer. Violations
// name the request's fields as the proto spells them (`spec.set_parameter_values.values[0].path`).

/** TR-069 notification values the proto documents: 0 off, 1 passive, 2 active. */
const MAX_NOTIFICATION = 2;
/** `1 Firmware Upgrade Image`, `X 00D09E Vendor Config`: a number or `X <OUI>`, then a name. */
const FILE_TYPE = /^(?:\d+|X [0-9A-F]{6}) \S/;
const TRANSFER_URL = /^(?:https?|ftp):\/\/\S+$/i;
/** The last segment of an instance path: an instance number, or a CWMP 1.4 alias in brackets. */
const INSTANCE_SEGMENT = /^(?:\d+|\[[A-Za-z0-9_-]+\])$/;

/** The violations of a spec (none when it can be queued). `field` is the spec's field in the request. */
export function validateTaskSpec(spec: TaskSpec, field = 'spec'): FieldViolation[] {
  const v = new SpecViolations(`${field}.${snakeCase(spec.kind)}`);
  switch (spec.kind) {
    case 'getParameterValues':
    case 'getParameterAttributes':
      v.nonEmpty(spec.parameterNames, 'parameter_names');
      spec.parameterNames.forEach((name, i) => v.path(name, `parameter_names[${i}]`, { partial: true }));
      break;
    case 'setParameterValues': {
      v.nonEmpty(spec.values, 'values');
      const seen = new Set<string>();
      spec.values.forEach((value, i) => {
        const at = `values[${i}]`;
        if (v.path(value.path, `${at}.path`, { partial: false }) && seen.has(value.path)) v.add(`${at}.path`, `${value.path} is set twice`, 'DUPLICATE');
        seen.add(value.path);
        v.typedValue(value.value, value.type, at);
      });
      break;
    }
    case 'refreshObject':
      // "" is the whole tree; the service turns it into the device's root object.
      if (spec.path !== '') v.path(spec.path, 'path', { partial: true });
      break;
    case 'getParameterNames':
      if (spec.path !== '') v.path(spec.path, 'path', { partial: true });
      break;
    case 'addObject': {
      if (v.path(spec.path, 'path', { partial: true }) && INSTANCE_SEGMENT.test(lastSegment(spec.path))) {
        v.add('path', `${spec.path} is an instance; AddObject takes the multi-instance object (e.g. Device.IP.Interface)`, 'BAD_FORMAT');
      }
      const seen = new Set<string>();
      (spec.values ?? []).forEach((value, i) => {
        const at = `values[${i}]`;
        if (v.path(value.name, `${at}.name`, { partial: false }) && seen.has(value.name)) v.add(`${at}.name`, `${value.name} is set twice`, 'DUPLICATE');
        seen.add(value.name);
        v.typedValue(value.value, value.type, at);
      });
      break;
    }
    case 'deleteObject':
      if (v.path(spec.path, 'path', { partial: true }) && !INSTANCE_SEGMENT.test(lastSegment(spec.path))) {
        v.add('path', `${spec.path} is not an instance path (it ends with an instance number, e.g. Device.IP.Interface.3)`, 'BAD_FORMAT');
      }
      break;
    case 'setParameterAttributes':
      v.nonEmpty(spec.attributes, 'attributes');
      spec.attributes.forEach((attribute, i) => {
        const at = `attributes[${i}]`;
        v.path(attribute.path, `${at}.path`, { partial: true });
        if (!Number.isInteger(attribute.notification) || attribute.notification < 0 || attribute.notification > MAX_NOTIFICATION) {
          v.add(`${at}.notification`, `must be 0 (off), 1 (passive) or 2 (active), got ${attribute.notification}`, 'OUT_OF_RANGE');
        }
        (attribute.accessList ?? []).forEach((entry, j) => {
          if (entry.trim() === '') v.add(`${at}.access_list.entries[${j}]`, 'an access list entry cannot be empty', 'REQUIRED');
        });
      });
      break;
    case 'reboot':
    case 'factoryReset':
      break;
    case 'download':
    case 'upload':
      if (!FILE_TYPE.test(spec.fileType)) {
        v.add('file_type', spec.fileType === '' ? 'required' : `"${spec.fileType}" is not a TR-069 file type such as "1 Firmware Upgrade Image"`, spec.fileType === '' ? 'REQUIRED' : 'BAD_FORMAT');
      }
      if (!TRANSFER_URL.test(spec.url)) v.add('url', spec.url === '' ? 'required' : `"${spec.url}" is not an http(s) or ftp URL`, spec.url === '' ? 'REQUIRED' : 'BAD_FORMAT');
      break;
    case 'scheduleInform':
      // TR-069 A.4.1.9: DelaySeconds must be greater than zero.
      if (!(spec.delaySeconds > 0)) v.add('delay_seconds', 'must be at least 1', 'OUT_OF_RANGE');
      break;
    case 'applyPreset':
      // Whether a preset has the name is CreateTask's check: it reads the presets.
      if (!PRESET_NAME.test(spec.name)) v.add('name', spec.name === '' ? 'required' : `"${spec.name}" is not a preset name`, spec.name === '' ? 'REQUIRED' : 'BAD_FORMAT');
      break;
  }
  return v.violations;
}

class SpecViolations {
  readonly violations: FieldViolation[] = [];

  constructor(private readonly base: string) {}

  add(field: string, description: string, reason: string): void {
    this.violations.push({ field: `${this.base}.${field}`, description, reason });
  }

  nonEmpty(list: readonly unknown[], field: string): void {
    if (list.length === 0) this.add(field, 'at least one entry is required', 'REQUIRED');
  }

  /** Whether `path` is a well-formed parameter path; a trailing dot (an object) only when `partial`. */
  path(path: string, field: string, options: { partial: boolean }): boolean {
    if (path === '') {
      this.add(field, 'required', 'REQUIRED');
      return false;
    }
    if (!options.partial && path.endsWith('.')) {
      this.add(field, `${path} names an object; a parameter path has no trailing dot`, 'BAD_FORMAT');
      return false;
    }
    try {
      parameterPathSegments(path);
      return true;
    } catch (error) {
      if (!(error instanceof InvalidParameterPathError)) throw error;
      this.add(field, error.message, 'BAD_FORMAT');
      return false;
    }
  }

  /** The type is a CWMP type and the value's lexical form fits it. */
  typedValue(value: string | number | boolean, type: string | undefined, at: string): void {
    if (type === undefined) return;
    if (!isXsdType(type)) {
      this.add(`${at}.type`, `"${type}" is not a CWMP type (xsd:string, xsd:int, xsd:unsignedInt, xsd:long, xsd:unsignedLong, xsd:boolean, xsd:dateTime, xsd:base64, xsd:hexBinary)`, 'BAD_FORMAT');
      return;
    }
    if (parseValue(String(value), type).declaredType !== undefined) this.add(`${at}.value`, `"${String(value)}" is not a valid xsd:${type}`, 'BAD_FORMAT');
  }
}

function lastSegment(path: string): string {
  const segments = (path.endsWith('.') ? path.slice(0, -1) : path).split('.');
  return segments[segments.length - 1];
}
