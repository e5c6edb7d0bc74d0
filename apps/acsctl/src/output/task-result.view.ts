import type { acsV1 } from '@acs/contracts';

import { csvRecord, type OutputWriter } from './output-writer';

/** One page of a task's result, as GetTaskResult answers it. */
export type TaskResultPageFetcher = (pageToken: string) => Promise<acsV1.GetTaskResultResponse>;

/** `30000 values, 4.1 MB` — what a task's result holds, for listings and the task view; '' when nothing. */
export function describeResultSummary(summary: acsV1.TaskResultSummary | undefined): string {
  if (!summary) return '';
  const parts: string[] = [];
  if (summary.entryKind === 'parameter_values') parts.push(`${summary.parametersRead} value(s)`);
  else if (summary.entryKind === 'object') parts.push('result');
  else if (summary.entryKind !== '') parts.push(`${summary.entryCount} ${summary.entryKind.replace(/_/g, ' ')}`);
  if (summary.parametersSet > 0) parts.push(`${summary.parametersSet} set`);
  if (summary.parametersFailed > 0) parts.push(`${summary.parametersFailed} refused`);
  if (summary.sizeBytes > 0) parts.push(formatBytes(summary.sizeBytes));
  return parts.join(', ');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Prints a task's whole result page after page as it arrives (a 30,000-parameter read is never held at once):
 * values as a PATH / VALUE / TYPE table, lists of records as a table of their keys, a one-object result as
 * `name: value` lines; with JSON output, one NDJSON line per entry. Returns the number of entries printed.
 */
export async function printTaskResultPages(out: OutputWriter, fetchPage: TaskResultPageFetcher): Promise<number> {
  let pageToken = '';
  let printed = 0;
  let table: StreamingTable | undefined;
  do {
    const page = await fetchPage(pageToken);
    if (page.parameterValues.length > 0) {
      if (out.json) for (const value of page.parameterValues) out.ndjson({ path: value.path, value: value.value, type: value.type });
      else {
        // A blank line parts the table from the task above it; CSV is the one table alone.
        if (!table && out.format !== 'csv') out.line();
        table ??= new StreamingTable(out, ['PATH', 'VALUE', 'TYPE']);
        table.rows(page.parameterValues.map((value) => [value.path, value.value, value.type]));
      }
    }
    const records = page.entries.filter(isRecord);
    if (out.json) for (const entry of page.entries) out.ndjson(entry);
    else if (page.summary?.entryKind === 'object') page.entries.forEach((entry) => printResultObject(out, entry));
    else if (records.length > 0) {
      if (!table && out.format !== 'csv') out.line();
      const keys = [...new Set(records.flatMap((record) => Object.keys(record)))];
      table ??= new StreamingTable(out, keys);
      const columns = table.keys;
      table.rows(records.map((record) => columns.map((key) => scalarText(record[key]))));
    } else for (const entry of page.entries) out.line(scalarText(entry));
    printed += page.parameterValues.length + page.entries.length;
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return printed;
}

/** A result that is one object (a reboot's, an AddObject's instance…): `name: value` per field. */
function printResultObject(out: OutputWriter, result: unknown): void {
  if (!isRecord(result)) {
    out.line(`result: ${JSON.stringify(result)}`);
    return;
  }
  const entries = Object.entries(result);
  if (entries.length === 0) return;
  out.line();
  for (const [name, value] of entries) out.line(`${name}: ${scalarText(value)}`);
}

/**
 * A table printed a page at a time: the columns take the widths of the first page and grow when a later page is
 * wider (earlier lines are out by then); the last column is never padded.
 */
class StreamingTable {
  private readonly widths: number[];
  private headerPrinted = false;

  /** `keys`: the columns (a record's keys, or the headers for values), upper-cased for the header. */
  constructor(
    private readonly out: OutputWriter,
    readonly keys: string[],
  ) {
    this.widths = keys.map((key) => key.length);
  }

  rows(rows: string[][]): void {
    if (this.out.format === 'csv') {
      if (!this.headerPrinted) this.out.raw(csvRecord(this.keys.map((key) => key.toUpperCase())));
      this.headerPrinted = true;
      for (const cells of rows) this.out.raw(csvRecord(cells));
      return;
    }
    const clean = rows.map((cells) => cells.map((cell) => cell.replace(/[\r\n\t]+/g, ' ')));
    for (const cells of clean) {
      cells.forEach((cell, i) => {
        if (i < this.widths.length - 1) this.widths[i] = Math.max(this.widths[i], Math.min(cell.length, 100));
      });
    }
    if (!this.headerPrinted) {
      this.out.line(this.render(this.keys.map((key) => key.toUpperCase())));
      this.headerPrinted = true;
    }
    for (const cells of clean) this.out.line(this.render(cells));
  }

  private render(cells: string[]): string {
    return cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(this.widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
