import type { OutputWriter } from './output-writer';

/**
 * Prints a task's result (free-form JSON from the server) readably: each list of records as a table (the values a
 * GetParameterValues read, the names of a GetParameterNames), other fields as `name: value`.
 */
export function printTaskResult(out: OutputWriter, result: unknown): void {
  if (result === undefined || result === null) return;
  if (typeof result !== 'object' || Array.isArray(result)) {
    out.line(`result: ${JSON.stringify(result)}`);
    return;
  }
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0) return;
  out.line();
  for (const [name, value] of entries) {
    if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
      const keys = [...new Set(value.flatMap((row) => Object.keys(row)))];
      out.table(
        value,
        keys.map((key) => ({ header: key.toUpperCase(), cell: (row: Record<string, unknown>) => scalarText(row[key]) })),
      );
    } else {
      out.line(`${name}: ${scalarText(value)}`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
