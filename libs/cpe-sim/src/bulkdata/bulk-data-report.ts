import type { XsdType } from '@acs/cwmp';
import type { DataModel } from '../data-model/data-model';

/** One parameter of a report: its name in the report, its value and type. */
export interface ReportedParameter {
  name: string;
  value: string;
  type: XsdType;
}

export interface ParameterReference {
  /** Parameter.{i}.Name: '' reports the path itself. */
  name: string;
  /** A parameter path, or an object path ending in '.', with `*` for instance numbers (ParameterWildCardSupported). */
  reference: string;
  exclude: boolean;
}

/**
 * The parameters a profile's Parameter table selects (TR-069 Annex N.3.1): a path, a partial path (everything
 * below), `*` in place of instance numbers; Exclude entries remove what they match. With a Name and a wildcard or
 * partial path, the Name replaces the part of each path before the first wildcard (or the partial path itself):
 * Reference `Device.IP.Interface.*.Stats.` with Name `WAN` reports `WAN.1.Stats.BytesSent`.
 */
export function selectParameters(model: DataModel, references: readonly ParameterReference[]): ReportedParameter[] {
  const selected = new Map<string, ReportedParameter>();
  const excluded = new Set<string>();
  for (const ref of references) {
    if (ref.reference === '') continue;
    const pattern = referencePattern(ref.reference);
    const star = ref.reference.indexOf('*');
    const fixed = star !== -1 ? ref.reference.slice(0, star) : ref.reference.endsWith('.') ? ref.reference : undefined;
    for (const parameter of model.parameters()) {
      if (parameter.object || !pattern.test(parameter.name)) continue;
      if (ref.exclude) {
        excluded.add(parameter.name);
        continue;
      }
      let name = parameter.name;
      if (ref.name !== '') name = fixed === undefined ? ref.name : joinName(ref.name, parameter.name.slice(fixed.length));
      selected.set(parameter.name, { name, value: parameter.value, type: parameter.type });
    }
  }
  return [...selected].filter(([path]) => !excluded.has(path)).map(([, p]) => p);
}

function joinName(prefix: string, rest: string): string {
  if (rest === '') return prefix;
  return prefix.endsWith('.') ? `${prefix}${rest}` : `${prefix}.${rest}`;
}

function referencePattern(reference: string): RegExp {
  const escaped = reference.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('\\d+');
  return new RegExp(`^${escaped}${reference.endsWith('.') ? '.*' : ''}$`);
}

export type JsonReportFormat = 'ObjectHierarchy' | 'NameValuePair';
export type CsvReportFormat = 'ParameterPerRow' | 'ParameterPerColumn';
export type TimestampFormat = 'Unix-Epoch' | 'ISO-8601' | 'None';

function timestamp(format: TimestampFormat, epochMs: number): number | string | undefined {
  if (format === 'None') return undefined;
  // tr-181-2-17 JSONEncoding.ReportTimestamp / CSVEncoding.RowTimestamp: Unix-Epoch is milliseconds since 1970.
  return format === 'ISO-8601' ? new Date(epochMs).toISOString() : epochMs;
}

/** A value as JSON: numbers and booleans typed (TR-069 Annex N.3.5), everything else a string. */
function jsonValue(parameter: ReportedParameter): string | number | boolean {
  switch (parameter.type) {
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong': {
      const n = Number(parameter.value);
      return parameter.value.trim() !== '' && Number.isSafeInteger(n) ? n : parameter.value;
    }
    case 'boolean':
      return parameter.value === 'true' || parameter.value === '1';
    default:
      return parameter.value;
  }
}

/** One element of the JSON `Report` array. */
export function jsonReportEntry(parameters: readonly ReportedParameter[], format: JsonReportFormat, time: TimestampFormat, epochMs: number): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const collected = timestamp(time, epochMs);
  if (collected !== undefined) entry.CollectionTime = collected;
  for (const parameter of parameters) {
    if (format === 'NameValuePair') {
      entry[parameter.name] = jsonValue(parameter);
      continue;
    }
    // ObjectHierarchy: each path segment one JSON object level (instance numbers included), the leaf a member.
    const segments = parameter.name.split('.');
    let node = entry;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      node = (typeof next === 'object' && next !== null ? next : (node[segment] = {})) as Record<string, unknown>;
    }
    node[segments.at(-1)!] = jsonValue(parameter);
  }
  return entry;
}

/** The JSON body: `{"Report": [ …retained failed reports, this one ]}`. */
export function jsonReport(entries: ReadonlyArray<Record<string, unknown>>): string {
  return JSON.stringify({ Report: entries });
}

export interface CsvOptions {
  format: CsvReportFormat;
  fieldSeparator: string;
  rowSeparator: string;
  escapeCharacter: string;
  rowTimestamp: TimestampFormat;
}

/** The CSV body (TR-069 Annex N.3.4): a header row naming the columns, then data rows. */
export function csvReport(parameters: readonly ReportedParameter[], options: CsvOptions, epochMs: number): string {
  const field = (text: string): string => {
    const escape = options.escapeCharacter;
    const needs = text.includes(options.fieldSeparator) || text.includes(options.rowSeparator) || (escape !== '' && text.includes(escape)) || /[\r\n]/.test(text);
    return needs && escape !== '' ? `${escape}${text.split(escape).join(escape + escape)}${escape}` : text;
  };
  const stamp = timestamp(options.rowTimestamp, epochMs);
  const withStamp = (cells: string[]): string[] => (stamp === undefined ? cells : [String(stamp), ...cells]);
  const stampHeader = stamp === undefined ? [] : ['ReportTimestamp'];
  const rows: string[][] = [];
  if (options.format === 'ParameterPerRow') {
    rows.push([...stampHeader, 'ParameterName', 'ParameterValue', 'ParameterType']);
    for (const p of parameters) rows.push(withStamp([p.name, p.value, p.type]));
  } else {
    rows.push([...stampHeader, ...parameters.map((p) => p.name)]);
    rows.push(withStamp(parameters.map((p) => p.value)));
  }
  return rows.map((cells) => cells.map(field).join(options.fieldSeparator)).join(options.rowSeparator) + options.rowSeparator;
}
