import type { CliIo } from '../cli/cli-io';
import { UsageError } from '../cli/cli-errors';

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(text: string | undefined): OutputFormat {
  if (text === undefined) return 'table';
  const format = OUTPUT_FORMATS.find((f) => f === text.toLowerCase());
  // One line: the whole help would bury the list of what is accepted.
  if (!format) throw new UsageError(`--output: "${text}" is not an output format; use ${OUTPUT_FORMATS.join(', ')}`, null);
  return format;
}

/** One column of a table: its header and how a row shows in it. */
export interface Column<T> {
  header: string;
  cell(row: T): string;
}

// Past this a cell is cut: tables are for reading; --output json has everything.
const MAX_CELL = 80;

/** Writes results in the chosen format: tables and notes for people, JSON documents (or NDJSON) for scripts. */
export class OutputWriter {
  constructor(
    private readonly io: CliIo,
    readonly format: OutputFormat,
  ) {}

  get json(): boolean {
    return this.format === 'json';
  }

  line(text = ''): void {
    this.io.stdout(`${text}\n`);
  }

  /** Text as is, no line break added (a CSV record carries its own). */
  raw(text: string): void {
    this.io.stdout(text);
  }

  /** Progress and remarks: standard error, so standard output stays the result. */
  note(text: string): void {
    this.io.stderr(`${text}\n`);
  }

  /** One JSON document, indented. */
  document(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One line of an NDJSON stream. */
  ndjson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value)}\n`);
  }

  /** Rows as an aligned table, or as CSV (a header row, then one record per row, the same columns) with `-o csv`. */
  table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): void {
    if (this.format === 'csv') this.raw(formatCsv(rows, columns));
    else for (const line of formatTable(rows, columns)) this.line(line);
  }

  /** A `label: value` block for one resource; empty values are left out. With `-o csv`, `field,value` records. */
  fields(pairs: ReadonlyArray<readonly [string, string | undefined]>): void {
    const shown = pairs.filter(([, value]) => value !== undefined && value !== '');
    if (this.format === 'csv') {
      this.raw(formatCsv(shown, [
        { header: 'field', cell: ([label]) => label },
        { header: 'value', cell: ([, value]) => value ?? '' },
      ]));
      return;
    }
    const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
    for (const [label, value] of shown) this.line(`${`${label}:`.padEnd(width)} ${value}`);
  }
}

export function formatTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string[] {
  const cells = rows.map((row) => columns.map((c) => cleanCell(c.cell(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const render = (values: string[]): string => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)];
}

/**
 * RFC 4180 CSV: CRLF line breaks; a field holding a comma, a double quote, CR or LF is quoted, its quotes doubled.
 * Cells are whole (no cut, line breaks kept inside quotes): CSV is for programs. A cell starting with = + - @ is
 * left as it is: quoting it for spreadsheets would change the data other programs read.
 */
export function formatCsv<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  return csvRecord(columns.map((c) => c.header)) + rows.map((row) => csvRecord(columns.map((c) => c.cell(row)))).join('');
}

/** One CSV record, its line break included (for output written a page at a time). */
export function csvRecord(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cleanCell(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** Times in tables: ISO 8601 to the second, UTC; empty when unset. */
export function formatTime(time: Date | undefined): string {
  return time === undefined ? '' : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
