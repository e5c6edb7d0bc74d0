import { BULKDATA_FORMATS, type BulkDataFormat, type BulkDataSample } from './bulkdata-report';

/** A report body the collector cannot read; the message says what is wrong with it, for the 400 answer. */
export class BulkDataParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BulkDataParseError';
  }
}

export interface BulkDataBody {
  text: string;
  /** The BBF-Report-Format header; absent, the format is recognised from the body. */
  reportFormat?: string;
  contentType?: string;
  receivedAt: number;
  /** The CSV field separator when the profile's is none of `,` `;` `|` tab (the collector URL's `fs` parameter). */
  fieldSeparator?: string;
  /** CSVEncoding.EscapeCharacter when not `"` (the collector URL's `ec` parameter). */
  escapeCharacter?: string;
}

// Before 2000-01-01: a CPE without the time sends its uptime (Unix-Epoch) or the Unknown Time 0001-01-01 plus uptime
// (ISO-8601, TR-069 Table 12); neither places the interval, so the time of receipt stands in.
const EARLIEST_KNOWN_TIME = Date.UTC(2000, 0, 1);
// Unix-Epoch values are seconds in the Annex N examples and milliseconds in the data model's description: below 1e11
// a value is seconds (1e11 s is the year 5138), above it milliseconds (1e11 ms is 1973).
const SECONDS_BELOW = 1e11;
const CSV_SEPARATORS = [',', ';', '|', '\t'];

/** Reads a BulkData HTTP report body (TR-069 Annex N.3.4 CSV, N.3.5 JSON) into its samples. */
export function parseBulkDataBody(body: BulkDataBody): { format: BulkDataFormat; reports: BulkDataSample[] } {
  const declared = declaredFormat(body.reportFormat);
  const json = declared ? declared === 'ObjectHierarchy' || declared === 'NameValuePair' : looksLikeJson(body);
  if (json) return parseJsonReport(body, declared);
  return parseCsvReport(body, declared);
}

function declaredFormat(header: string | undefined): BulkDataFormat | undefined {
  if (header === undefined) return undefined;
  const token = header.trim().replace(/^"(.*)"$/, '$1');
  if (token === '') return undefined;
  const format = BULKDATA_FORMATS.find((f) => f.toLowerCase() === token.toLowerCase());
  if (!format) throw new BulkDataParseError(`BBF-Report-Format "${token.slice(0, 40)}" is none of ${BULKDATA_FORMATS.join(', ')}`);
  return format;
}

function looksLikeJson(body: BulkDataBody): boolean {
  if (body.contentType && /json/i.test(body.contentType)) return true;
  return /^\s*\{/.test(body.text);
}

function parseJsonReport(body: BulkDataBody, declared: BulkDataFormat | undefined): { format: BulkDataFormat; reports: BulkDataSample[] } {
  let document: unknown;
  try {
    document = JSON.parse(body.text);
  } catch (error) {
    throw new BulkDataParseError(`the body is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || !Array.isArray(document.Report)) throw new BulkDataParseError('a JSON report is an object with a "Report" array');
  const entries = document.Report as unknown[];
  const format = declared ?? (entries.some((entry) => isObject(entry) && Object.keys(entry).some((key) => key.includes('.'))) ? 'NameValuePair' : 'ObjectHierarchy');
  const reports = entries.map((entry, index): BulkDataSample => {
    const where = `Report[${index}]`;
    if (!isObject(entry)) throw new BulkDataParseError(`${where} is not an object`);
    const { CollectionTime: collectionTime, ...parameters } = entry;
    const values: Array<[string, string]> = [];
    if (format === 'NameValuePair') {
      for (const [name, value] of Object.entries(parameters)) values.push([name, leafValue(value, `${where}["${name}"]`, 'NameValuePair reports hold only strings, numbers and booleans')]);
    } else {
      flattenHierarchy(parameters, '', where, values);
    }
    return { at: timestampOf(collectionTime, body.receivedAt, `${where}.CollectionTime`), values: Object.fromEntries(values) };
  });
  return { format, reports };
}

/** ObjectHierarchy: nested objects are path segments; instance numbers are object keys (an array's are its positions from 1). */
function flattenHierarchy(node: Record<string, unknown> | unknown[], prefix: string, where: string, into: Array<[string, string]>): void {
  const children: Array<[string, unknown]> = Array.isArray(node) ? node.map((child, i) => [String(i + 1), child]) : Object.entries(node);
  for (const [key, child] of children) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isObject(child) || Array.isArray(child)) flattenHierarchy(child, path, where, into);
    else into.push([path, leafValue(child, `${where} ${path}`, '')]);
  }
}

function leafValue(value: unknown, where: string, hint: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A parameter the CPE could not read, sent as null by some agents: kept, as empty, so the others are not lost.
  if (value === null) return '';
  throw new BulkDataParseError(`${where} is ${Array.isArray(value) ? 'an array' : 'an object'}${hint ? `; ${hint}` : ''}`);
}

function parseCsvReport(body: BulkDataBody, declared: BulkDataFormat | undefined): { format: BulkDataFormat; reports: BulkDataSample[] } {
  const separator = body.fieldSeparator ?? detectSeparator(body.text);
  const rows = csvRows(body.text, separator, body.escapeCharacter ?? '"');
  const header = rows[0];
  if (!header) throw new BulkDataParseError('the report is empty');
  const format = declared ?? (header.includes('ParameterName') && header.includes('ParameterValue') ? 'ParameterPerRow' : 'ParameterPerColumn');
  for (const [index, row] of rows.entries()) {
    if (row.length !== header.length) throw new BulkDataParseError(`CSV row ${index + 1} has ${row.length} fields and the header ${header.length} (field separator "${separator}")`);
  }
  const timestampColumn = header.indexOf('ReportTimestamp');
  const at = (row: string[], index: number) => (timestampColumn < 0 ? body.receivedAt : timestampOf(row[timestampColumn], body.receivedAt, `CSV row ${index + 1} ReportTimestamp`));
  const data = rows.slice(1);

  if (format === 'ParameterPerRow') {
    const name = header.indexOf('ParameterName');
    const value = header.indexOf('ParameterValue');
    if (name < 0 || value < 0) throw new BulkDataParseError('a ParameterPerRow report starts with a header row naming its ParameterName and ParameterValue columns');
    // Rows of one interval carry one timestamp; a new timestamp starts the next (a retained failed report).
    const reports: BulkDataSample[] = [];
    let current: { key: string; at: number; values: Array<[string, string]> } | undefined;
    const close = () => current && reports.push({ at: current.at, values: Object.fromEntries(current.values) });
    data.forEach((row, i) => {
      const key = timestampColumn < 0 ? '' : row[timestampColumn]!;
      if (!current || key !== current.key) {
        close();
        current = { key, at: at(row, i + 1), values: [] };
      }
      current.values.push([row[name]!, row[value]!]);
    });
    close();
    return { format, reports };
  }

  if (format !== 'ParameterPerColumn') throw new BulkDataParseError(`BBF-Report-Format ${format} is a JSON format, but the body is not JSON`);
  const columns = header.map((name, column) => ({ name, column })).filter(({ column }) => column !== timestampColumn);
  const reports = data.map((row, i): BulkDataSample => ({ at: at(row, i + 1), values: Object.fromEntries(columns.map(({ name, column }) => [name, row[column]!])) }));
  return { format, reports };
}

/** The first of `,` `;` `|` tab in the header row; `,` (the default FieldSeparator) when it has none (one column). */
function detectSeparator(text: string): string {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  let best: { separator: string; at: number } | undefined;
  for (const separator of CSV_SEPARATORS) {
    const at = header.indexOf(separator);
    if (at >= 0 && (!best || at < best.at)) best = { separator, at };
  }
  return best?.separator ?? ',';
}

/**
 * CSV rows (RFC 4180 with the profile's separator and escape character): a field that starts with the escape character
 * runs to the next single one, and a doubled one inside stands for itself; rows end at LF or CRLF (RowSeparator's
 * default and its common alternative); empty lines are skipped. Hand-written because the report is already in memory
 * (at most ACS_DIAGNOSTICS_BULKDATA_MAX_BYTES) and this is all of CSV a report needs.
 */
function csvRows(text: string, separator: string, quote: string): string[][] {
  if (separator === '' || quote === '') throw new BulkDataParseError('the CSV field separator and escape character must not be empty');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let fieldStarted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  while (i < text.length) {
    if (!fieldStarted && field === '' && text.startsWith(quote, i)) {
      const start = i + quote.length;
      let j = start;
      for (;;) {
        const close = text.indexOf(quote, j);
        if (close < 0) throw new BulkDataParseError(`CSV row ${rows.length + 1} has a field opened with ${quote} and never closed`);
        if (text.startsWith(quote, close + quote.length)) {
          field += text.slice(j, close) + quote;
          j = close + 2 * quote.length;
          continue;
        }
        field += text.slice(j, close);
        i = close + quote.length;
        break;
      }
      fieldStarted = true;
      continue;
    }
    if (text.startsWith(separator, i)) {
      endField();
      i += separator.length;
      continue;
    }
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c;
    fieldStarted = true;
    i += 1;
  }
  if (fieldStarted || field !== '' || row.length > 0) endRow();
  return rows;
}

function timestampOf(raw: unknown, receivedAt: number, where: string): number {
  if (raw === undefined || raw === null || raw === '') return receivedAt;
  let ms: number;
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw))) {
    const n = Number(raw);
    ms = n < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof raw === 'string') {
    ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw new BulkDataParseError(`${where} "${raw.slice(0, 40)}" is neither a Unix-Epoch nor an ISO-8601 time`);
  } else {
    throw new BulkDataParseError(`${where} is neither a Unix-Epoch nor an ISO-8601 time`);
  }
  return ms < EARLIEST_KNOWN_TIME ? receivedAt : Math.round(ms);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
