import { acsV1 } from '@acs/contracts';

import { OutputWriter, type OutputFormat } from './output-writer';
import { describeResultSummary, printTaskResultPages } from './task-result.view';

function capture(format: OutputFormat) {
  const io = { stdout: '', stderr: '' };
  const out = new OutputWriter({ stdout: (t) => (io.stdout += t), stderr: (t) => (io.stderr += t), env: {}, cwd: '/' }, format);
  return { io, out };
}

const values = Array.from({ length: 5 }, (_, i) => ({ path: `Device.X.${i + 1}.Name`, value: i === 4 ? 'a much longer value' : `v${i}`, type: 'xsd:string' }));
const valuesSummary = acsV1.TaskResultSummary.fromPartial({ entryKind: 'parameter_values', entryCount: 5, sizeBytes: 300, parametersRead: 5 });

/** GetTaskResult over `entries`, two per page, recording the tokens asked for. */
function pagesOf(all: { values?: acsV1.ParameterValue[]; entries?: unknown[] }, summary: acsV1.TaskResultSummary) {
  const tokens: string[] = [];
  const fetch = async (pageToken: string) => {
    tokens.push(pageToken);
    const start = pageToken === '' ? 0 : Number(pageToken);
    const total = (all.values ?? all.entries ?? []).length;
    return acsV1.GetTaskResultResponse.fromPartial({
      taskId: 't-1',
      summary,
      parameterValues: all.values?.slice(start, start + 2) ?? [],
      entries: all.entries?.slice(start, start + 2) ?? [],
      nextPageToken: start + 2 < total ? String(start + 2) : '',
    });
  };
  return { tokens, fetch };
}

describe('task result view', () => {
  it('prints every page of values as one table, the header once', async () => {
    const { io, out } = capture('table');
    const pages = pagesOf({ values }, valuesSummary);
    expect(await printTaskResultPages(out, pages.fetch)).toBe(5);
    expect(pages.tokens).toEqual(['', '2', '4']);
    const lines = io.stdout.split('\n').filter((line) => line !== '');
    expect(lines[0]).toMatch(/^PATH\s+VALUE\s+TYPE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(values.map((v) => v.path));
    expect(io.stdout).toMatch(/Device\.X\.5\.Name\s+a much longer value\s+xsd:string/);
  });

  it('prints every page of values as one CSV table with -o csv, cells whole', async () => {
    const { io, out } = capture('csv');
    const withComma = [...values, { path: 'Device.X.6.Name', value: 'a, "b"\nc', type: 'xsd:string' }];
    expect(await printTaskResultPages(out, pagesOf({ values: withComma }, valuesSummary).fetch)).toBe(6);
    const records = io.stdout.split('\r\n');
    expect(records[0]).toBe('PATH,VALUE,TYPE');
    expect(records[1]).toBe('Device.X.1.Name,v0,xsd:string');
    expect(records[6]).toBe('Device.X.6.Name,"a, ""b""\nc",xsd:string');
    expect(records).toHaveLength(8);
  });

  it('prints one NDJSON line per entry with JSON output', async () => {
    const { io, out } = capture('json');
    await printTaskResultPages(out, pagesOf({ values }, valuesSummary).fetch);
    expect(io.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(values);
  });

  it('prints lists of records as a table of their keys, and a one-object result as fields', async () => {
    const names = capture('table');
    const summary = acsV1.TaskResultSummary.fromPartial({ entryKind: 'names', entryCount: 3 });
    await printTaskResultPages(names.out, pagesOf({ entries: [{ name: 'Device.', writable: false }, { name: 'Device.A', writable: true }, { name: 'Device.B', writable: true }] }, summary).fetch);
    expect(names.io.stdout).toMatch(/NAME\s+WRITABLE\nDevice\.\s+false\nDevice\.A\s+true\nDevice\.B\s+true\n/);
    const object = capture('table');
    await printTaskResultPages(object.out, pagesOf({ entries: [{ instanceNumber: 3, status: 0 }] }, acsV1.TaskResultSummary.fromPartial({ entryKind: 'object', entryCount: 1 })).fetch);
    expect(object.io.stdout).toBe('\ninstanceNumber: 3\nstatus: 0\n');
  });

  it('summarises a result in a few words', () => {
    expect(describeResultSummary(acsV1.TaskResultSummary.fromPartial({ entryKind: 'parameter_values', entryCount: 30000, parametersRead: 30000, sizeBytes: 4_300_000 }))).toBe('30000 value(s), 4.1 MiB');
    expect(describeResultSummary(acsV1.TaskResultSummary.fromPartial({ parametersFailed: 2 }))).toBe('2 refused');
    expect(describeResultSummary(undefined)).toBe('');
  });
});
