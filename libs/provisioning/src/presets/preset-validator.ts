import { isParameterPath, pathSegments, rootObjectOf } from '@acs/cwmp';
import { FilterSyntaxError, parseFilter } from '@acs/filter';

import type { Preset, PresetAction, PresetTrigger } from '../domain/preset';
import { DEVICE_FILTER_SHAPE } from '../filter/storedDeviceShape';
import type { PresetValue } from './preset-planner';
import { cronExpressionProblem } from './preset-triggers';
import { TemplateError, compileTemplate, isTemplate } from './template';

// Strict validation of a preset as written by a person (YAML) or sent through the API: unknown keys are errors, every
// filter, cron schedule and template is parsed, and each problem names the field by its path in the document.

/** One problem: `path` locates the field inside the validated value (keys and list indexes). */
export interface PresetIssue {
  path: Array<string | number>;
  message: string;
}

/** A preset's name; also what an applyPreset task may name (task-spec.validator.ts). */
export const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const XSD_TYPES = ['string', 'int', 'unsignedInt', 'long', 'unsignedLong', 'boolean', 'dateTime', 'base64', 'hexBinary'];
const PRESET_KEYS = ['name', 'weight', 'channel', 'precondition', 'triggers', 'actions', 'enabled'];
const ACTION_KINDS = ['setValues', 'ensureInstances', 'addTags', 'removeTags', 'refresh', 'reboot', 'download'];

/**
 * Checks a preset and returns it in the domain's shape (defaults filled: weight 0, channel `default`, precondition
 * empty, enabled true), or the issues found. `updatedAt` is the caller's (the file's or the record's change time).
 */
export function validatePreset(raw: unknown, updatedAt = 0): { preset: Preset; issues: [] } | { preset?: undefined; issues: PresetIssue[] } {
  const v = new PresetValidator();
  const preset = v.preset(raw, updatedAt);
  return v.issues.length === 0 && preset ? { preset, issues: [] } : { issues: v.issues };
}

class PresetValidator {
  readonly issues: PresetIssue[] = [];

  preset(raw: unknown, updatedAt: number): Preset | undefined {
    const map = this.map(raw, [], PRESET_KEYS, 'a preset');
    if (!map) return undefined;
    const name = this.name(map.name, ['name'], true) ?? '';
    const weight = map.weight === undefined ? 0 : this.number(map.weight, ['weight']);
    const channel = map.channel === undefined ? 'default' : this.name(map.channel, ['channel'], false);
    let precondition = '';
    if (map.precondition !== undefined && map.precondition !== null) {
      const text = this.string(map.precondition, ['precondition']);
      if (text !== undefined) {
        precondition = text;
        try {
          parseFilter(text, DEVICE_FILTER_SHAPE);
        } catch (error) {
          if (!(error instanceof FilterSyntaxError)) throw error;
          this.issue(['precondition'], `invalid filter: ${error.message}`);
        }
      }
    }
    const enabled = map.enabled === undefined ? true : this.boolean(map.enabled, ['enabled']);
    const triggers = this.list(map.triggers, ['triggers'], 'triggers').flatMap((t, i) => this.trigger(t, ['triggers', i]) ?? []);
    const actions = this.list(map.actions, ['actions'], 'actions').flatMap((a, i) => this.action(a, ['actions', i]) ?? []);
    if (weight === undefined || channel === undefined || enabled === undefined) return undefined;
    return { name, weight, channel, precondition, triggers, actions, enabled, updatedAt };
  }

  private trigger(raw: unknown, path: Array<string | number>): PresetTrigger | undefined {
    // A bare string is an event code: `- 0 BOOTSTRAP`.
    if (typeof raw === 'string') return this.eventTrigger(raw, path);
    const map = this.single(raw, path, ['event', 'anyInform', 'cron'], 'a trigger (event, anyInform or cron)');
    if (!map) return undefined;
    const [kind, value] = map;
    const at = [...path, kind];
    switch (kind) {
      case 'event':
        return typeof value === 'string' ? this.eventTrigger(value, at) : this.fail(at, 'an event code is a string such as "1 BOOT"');
      case 'anyInform':
        return value === true ? { anyInform: true } : this.fail(at, 'anyInform takes true');
      case 'cron': {
        const expression = this.string(value, at);
        if (expression === undefined) return undefined;
        const problem = cronExpressionProblem(expression);
        return problem ? this.fail(at, problem) : { cron: expression.trim() };
      }
    }
    return undefined;
  }

  private eventTrigger(code: string, path: Array<string | number>): PresetTrigger | undefined {
    // An event code is `<number> <NAME>` or `M <method>` / `X <OUI> <name>`.
    if (!/^\s*(?:\d+|M|X)\s+\S/i.test(code)) return this.fail(path, `"${code}" is not an event code such as "0 BOOTSTRAP", "1 BOOT", "2 PERIODIC" or "M Reboot"`);
    return { event: code.trim().replace(/\s+/g, ' ') };
  }

  private action(raw: unknown, path: Array<string | number>): PresetAction | undefined {
    const entry = this.single(raw, path, ACTION_KINDS, `an action (${ACTION_KINDS.join(', ')})`);
    if (!entry) return undefined;
    const [kind, value] = entry;
    const at = [...path, kind];
    switch (kind) {
      case 'setValues':
        return this.setValues(value, at);
      case 'ensureInstances':
        return this.ensureInstances(value, at);
      case 'addTags':
      case 'removeTags': {
        const tags = this.list(value, at, 'tags').flatMap((t, i) => {
          const tag = this.string(t, [...at, i]);
          if (tag === undefined) return [];
          if (tag.trim() === '') return this.fail([...at, i], 'a tag cannot be empty') ?? [];
          return [tag.trim()];
        });
        return kind === 'addTags' ? { addTags: tags } : { removeTags: tags };
      }
      case 'refresh': {
        const target = this.string(value, at);
        if (target === undefined) return undefined;
        const stripped = target.replace(/\.$/, '');
        return this.path(stripped, at, 1) ? { refresh: stripped } : undefined;
      }
      case 'reboot':
        return value === true ? { reboot: true } : this.fail(at, 'reboot takes true');
      case 'download':
        return this.download(value, at);
    }
    return undefined;
  }

  private setValues(raw: unknown, path: Array<string | number>): PresetAction | undefined {
    const values: Array<{ path: string; value: PresetValue; type?: string }> = [];
    if (Array.isArray(raw)) {
      raw.forEach((item, i) => {
        const at = [...path, i];
        const map = this.map(item, at, ['path', 'value', 'type'], 'a value ({ path, value, type })');
        if (!map) return;
        const target = this.string(map.path, [...at, 'path']);
        const value = this.value(map.value, [...at, 'value']);
        const type = map.type === undefined ? undefined : this.xsdType(map.type, [...at, 'type']);
        if (target !== undefined && this.path(target, [...at, 'path'], 2) && value !== undefined) values.push(type ? { path: target, value, type } : { path: target, value });
      });
    } else {
      // The short form: `Device.X.Y: value` or `Device.X.Y: { value, type }`.
      const map = this.map(raw, path, null, 'parameter paths and their values');
      if (!map) return undefined;
      for (const [target, entry] of Object.entries(map)) {
        const at = [...path, target];
        if (!this.path(target, at, 2)) continue;
        if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
          const detail = this.map(entry, at, ['value', 'type'], '{ value, type }');
          if (!detail) continue;
          const value = this.value(detail.value, [...at, 'value']);
          const type = detail.type === undefined ? undefined : this.xsdType(detail.type, [...at, 'type']);
          if (value !== undefined) values.push(type ? { path: target, value, type } : { path: target, value });
        } else {
          const value = this.value(entry, at);
          if (value !== undefined) values.push({ path: target, value });
        }
      }
    }
    if (values.length === 0) this.issue(path, 'setValues needs at least one value');
    const seen = new Set<string>();
    for (const { path: target } of values) {
      if (seen.has(target)) this.issue(path, `${target} is set twice`);
      seen.add(target);
    }
    return { setValues: values };
  }

  private ensureInstances(raw: unknown, path: Array<string | number>): PresetAction | undefined {
    const map = this.map(raw, path, ['object', 'key', 'instances', 'removeOthers'], '{ object, key, instances, removeOthers }');
    if (!map) return undefined;
    const objectText = this.string(map.object, [...path, 'object']);
    const object = objectText?.replace(/\.$/, '');
    if (object !== undefined && !this.path(object, [...path, 'object'], 2)) return undefined;
    const key = this.string(map.key, [...path, 'key']);
    if (key !== undefined && !isRelativePath(key)) this.issue([...path, 'key'], `"${key}" is not a parameter name relative to the instance (e.g. SSID or Alias)`);
    const removeOthers = map.removeOthers === undefined ? undefined : this.boolean(map.removeOthers, [...path, 'removeOthers']);
    const instances: Array<Record<string, PresetValue>> = [];
    const keyValues = new Set<string>();
    this.list(map.instances, [...path, 'instances'], 'instances', true).forEach((item, i) => {
      const at = [...path, 'instances', i];
      const values = this.map(item, at, null, 'parameter names and values');
      if (!values) return;
      const instance: Record<string, PresetValue> = {};
      for (const [name, entry] of Object.entries(values)) {
        if (!isRelativePath(name)) {
          this.issue([...at, name], `"${name}" is not a parameter name relative to the instance`);
          continue;
        }
        const value = this.value(entry, [...at, name]);
        if (value !== undefined) instance[name] = value;
      }
      if (key !== undefined && !(key in values)) {
        this.issue(at, `each instance needs its key ${key}`);
      } else if (key !== undefined && instance[key] !== undefined) {
        const keyValue = String(instance[key]);
        if (keyValues.has(keyValue)) this.issue([...at, key], `two instances have the key ${key} = ${keyValue}`);
        keyValues.add(keyValue);
      }
      instances.push(instance);
    });
    if (object === undefined || key === undefined) return undefined;
    return { ensureInstances: removeOthers === undefined ? { object, key, instances } : { object, key, instances, removeOthers } };
  }

  private download(raw: unknown, path: Array<string | number>): PresetAction | undefined {
    const map = this.map(raw, path, ['fileType', 'url', 'fileSize', 'targetFileName'], '{ fileType, url, fileSize, targetFileName }');
    if (!map) return undefined;
    const fileType = this.string(map.fileType, [...path, 'fileType']);
    if (fileType !== undefined && !/^\d+ \S/.test(fileType.trim())) {
      this.issue([...path, 'fileType'], `"${fileType}" is not a TR-069 file type such as "1 Firmware Upgrade Image"`);
    }
    const url = this.string(map.url, [...path, 'url']);
    if (url !== undefined) {
      if (isTemplate(url)) this.template(url, [...path, 'url']);
      else if (!/^(https?|ftp):\/\/\S+$/i.test(url)) this.issue([...path, 'url'], `"${url}" is not an http(s) or ftp URL`);
    }
    let fileSize: number | undefined;
    if (map.fileSize !== undefined) {
      fileSize = this.number(map.fileSize, [...path, 'fileSize']);
      if (fileSize !== undefined && (!Number.isSafeInteger(fileSize) || fileSize < 0)) this.issue([...path, 'fileSize'], 'fileSize is a whole number of bytes');
    }
    const targetFileName = map.targetFileName === undefined ? undefined : this.string(map.targetFileName, [...path, 'targetFileName']);
    if (fileType === undefined || url === undefined) return undefined;
    return {
      download: {
        fileType: fileType.trim(),
        url,
        ...(fileSize !== undefined ? { fileSize } : {}),
        ...(targetFileName !== undefined ? { targetFileName } : {}),
      },
    };
  }

  private value(raw: unknown, path: Array<string | number>): PresetValue | undefined {
    if (typeof raw === 'number' && !Number.isFinite(raw)) return this.fail(path, 'a value must be a finite number');
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      return this.fail(path, `a value must be a string, a number or true/false, found ${describe(raw)}`);
    }
    if (isTemplate(raw)) this.template(raw, path);
    return raw;
  }

  private template(text: string, path: Array<string | number>): void {
    try {
      compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.issue(path, error.message);
    }
  }

  private path(text: string, at: Array<string | number>, minSegments: number): boolean {
    if (!isParameterPath(text) || rootObjectOf(text) === null || pathSegments(text).length < minSegments) {
      this.issue(at, `"${text}" is not a parameter path (Device.… or InternetGatewayDevice.…, segments of letters, digits, _ and -)`);
      return false;
    }
    return true;
  }

  private xsdType(raw: unknown, path: Array<string | number>): string | undefined {
    const text = this.string(raw, path);
    if (text === undefined) return undefined;
    const bare = text.replace(/^xsd?:/, '');
    return XSD_TYPES.includes(bare) ? bare : this.fail(path, `"${text}" is not a CWMP type (${XSD_TYPES.join(', ')})`);
  }

  private name(raw: unknown, path: Array<string | number>, required: boolean): string | undefined {
    if (raw === undefined && required) return this.fail(path, 'is required');
    const text = this.string(raw, path);
    if (text === undefined) return undefined;
    return PRESET_NAME.test(text) ? text : this.fail(path, `"${text}" must be 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }

  private map(raw: unknown, path: Array<string | number>, keys: string[] | null, what: string): Record<string, unknown> | undefined {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return this.fail(path, `expected ${what}, found ${describe(raw)}`);
    const map = raw as Record<string, unknown>;
    if (keys) {
      for (const key of Object.keys(map)) {
        if (!keys.includes(key)) this.issue([...path, key], `unknown key "${key}" (allowed: ${keys.join(', ')})`);
      }
    }
    return map;
  }

  /** A map with exactly one key out of `kinds`: an action or a trigger. */
  private single(raw: unknown, path: Array<string | number>, kinds: string[], what: string): [string, unknown] | undefined {
    const map = this.map(raw, path, null, what);
    if (!map) return undefined;
    const keys = Object.keys(map);
    if (keys.length !== 1) return this.fail(path, `expected ${what} with exactly one key, found ${keys.length ? keys.join(', ') : 'none'}`);
    if (!kinds.includes(keys[0])) return this.fail([...path, keys[0]], `unknown ${what.split(' (')[0].replace(/^an? /, '')} "${keys[0]}" (allowed: ${kinds.join(', ')})`);
    return [keys[0], map[keys[0]]];
  }

  private list(raw: unknown, path: Array<string | number>, what: string, allowEmpty = false): unknown[] {
    if (raw === undefined) return this.fail(path, `${what} is required`) ?? [];
    if (!Array.isArray(raw)) return this.fail(path, `${what} must be a list, found ${describe(raw)}`) ?? [];
    if (raw.length === 0 && !allowEmpty) return this.fail(path, `${what} needs at least one entry`) ?? [];
    return raw;
  }

  private string(raw: unknown, path: Array<string | number>): string | undefined {
    return typeof raw === 'string' ? raw : this.fail(path, `expected a string, found ${describe(raw)}`);
  }

  private number(raw: unknown, path: Array<string | number>): number | undefined {
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : this.fail(path, `expected a number, found ${describe(raw)}`);
  }

  private boolean(raw: unknown, path: Array<string | number>): boolean | undefined {
    return typeof raw === 'boolean' ? raw : this.fail(path, `expected true or false, found ${describe(raw)}`);
  }

  private issue(path: Array<string | number>, message: string): void {
    this.issues.push({ path, message });
  }

  private fail(path: Array<string | number>, message: string): undefined {
    this.issue(path, message);
    return undefined;
  }
}

function isRelativePath(name: string): boolean {
  return isParameterPath(name);
}

function describe(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  if (raw === null) return 'an empty value';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a map';
  if (typeof raw === 'string') return `"${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`;
  return String(raw);
}
