import { acsV1 } from '@acs/contracts';
import { formatTable, formatTime, OutputWriter, parseOutputFormat } from './output-writer';
import { describeTaskSpec, parseTaskStatus, TASK_COLUMNS, taskStatusLabel } from './resource-views';

function capture(format: 'table' | 'json') {
  const io = { stdout: '', stderr: '' };
  const out = new OutputWriter({ stdout: (t) => (io.stdout += t), stderr: (t) => (io.stderr += t), env: {}, cwd: '/' }, format);
  return { io, out };
}

const task = acsV1.Task.fromPartial({
  id: 't-1',
  deviceId: 'OUI-PC-SN1',
  status: acsV1.TaskStatus.TASK_STATUS_FAULTED,
  attempts: 2,
  maxAttempts: 3,
  source: 'api',
  createTime: new Date('2024-05-01T10:00:00.123Z'),
  spec: { kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.X', value: '1', type: '' }] } } },
  fault: { code: '9003', message: 'Invalid arguments', parameters: [{ path: 'Device.X', code: 9008, message: 'not writable' }], transient: false },
});

describe('table output', () => {
  it('pads columns to their widest cell, header first, without trailing blanks', () => {
    const lines = formatTable(
      [
        { a: 'x', b: 'long value' },
        { a: 'wider', b: '' },
      ],
      [
        { header: 'A', cell: (r) => r.a },
        { header: 'B', cell: (r) => r.b },
      ],
    );
    expect(lines).toEqual(['A      B', 'x      long value', 'wider']);
  });

  it('keeps each row on one line and cuts very long cells', () => {
    const [, row] = formatTable([{ v: `line1\nline2 ${'z'.repeat(200)}` }], [{ header: 'V', cell: (r) => r.v }]);
    expect(row).not.toContain('\n');
    expect(row.length).toBe(80);
    expect(row.endsWith('…')).toBe(true);
  });

  it('shows tasks with their status, attempts, work and fault', () => {
    const [header, row] = formatTable([task], TASK_COLUMNS);
    expect(header.split(/\s{2,}/)).toEqual(['ID', 'DEVICE', 'STATUS', 'ATTEMPTS', 'SOURCE', 'CREATED', 'WORK', 'RESULT', 'FAULT']);
    expect(row).toContain('FAULTED');
    expect(row).toContain('2/3');
    expect(row).toContain('2024-05-01T10:00:00Z');
    expect(row).toContain('set Device.X=1');
    expect(row).toContain('9003: Invalid arguments; Device.X: 9008 not writable');
  });

  it('writes label: value blocks without the empty ones', () => {
    const { io, out } = capture('table');
    out.fields([
      ['id', 'x'],
      ['empty', ''],
      ['long label', 'y'],
    ]);
    expect(io.stdout).toBe('id:         x\nlong label: y\n');
  });
});

describe('json output', () => {
  it('writes one indented document, or one line per message for streams, in ts-proto JSON (camelCase)', () => {
    const { io, out } = capture('json');
    out.document(acsV1.GetTaskResponse.toJSON({ task }));
    const parsed = JSON.parse(io.stdout);
    expect(parsed.task).toMatchObject({ id: 't-1', deviceId: 'OUI-PC-SN1', status: 'TASK_STATUS_FAULTED', maxAttempts: 3, createTime: '2024-05-01T10:00:00.123Z' });
    const stream = capture('json');
    stream.out.ndjson({ a: 1 });
    stream.out.ndjson({ a: 2 });
    expect(stream.io.stdout).toBe('{"a":1}\n{"a":2}\n');
  });

  it('accepts only table and json', () => {
    expect(parseOutputFormat(undefined)).toBe('table');
    expect(parseOutputFormat('json')).toBe('json');
    expect(() => parseOutputFormat('yaml')).toThrow('neither table nor json');
  });
});

describe('task words', () => {
  it('names statuses briefly and reads them in any case, with or without the prefix', () => {
    expect(taskStatusLabel(acsV1.TaskStatus.TASK_STATUS_DISPATCHED)).toBe('DISPATCHED');
    expect(parseTaskStatus('done')).toBe(acsV1.TaskStatus.TASK_STATUS_DONE);
    expect(parseTaskStatus('TASK_STATUS_PENDING')).toBe(acsV1.TaskStatus.TASK_STATUS_PENDING);
    expect(parseTaskStatus('unspecified')).toBeUndefined();
    expect(parseTaskStatus('nope')).toBeUndefined();
  });

  it('describes a spec as the command that creates it', () => {
    expect(describeTaskSpec({ kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['A', 'B'] } } })).toBe('get A B');
    expect(describeTaskSpec({ kind: { $case: 'reboot', reboot: {} } })).toBe('reboot');
    expect(formatTime(undefined)).toBe('');
  });
});
