import { acsV1 } from '@acs/contracts';
import { formatCsv, formatTable, formatTime, OutputWriter, parseOutputFormat, type OutputFormat } from './output-writer';
import { describeTaskSpec, deviceColumns, formatAge, parseTaskStatus, TASK_COLUMNS, taskStatusLabel } from './resource-views';

function capture(format: OutputFormat) {
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

  it('accepts table, json and csv, and names them when given another', () => {
    expect(parseOutputFormat(undefined)).toBe('table');
    expect(parseOutputFormat('json')).toBe('json');
    expect(parseOutputFormat('CSV')).toBe('csv');
    expect(() => parseOutputFormat('yaml')).toThrow('--output: "yaml" is not an output format; use table, json, csv');
  });
});

describe('csv output', () => {
  const columns = [
    { header: 'ID', cell: (r: { id: string; note: string }) => r.id },
    { header: 'NOTE, FREE', cell: (r: { id: string; note: string }) => r.note },
  ];

  it('writes RFC 4180: a header row, CRLF records, quotes only where needed and doubled inside', () => {
    const text = formatCsv(
      [
        { id: 'plain', note: '' },
        { id: 'a,b', note: 'say "hi"' },
        { id: 'multi', note: `line1\nline2 ${'z'.repeat(200)}` },
      ],
      columns,
    );
    expect(text).toBe(`ID,"NOTE, FREE"\r\nplain,\r\n"a,b","say ""hi"""\r\nmulti,"line1\nline2 ${'z'.repeat(200)}"\r\n`);
  });

  it('is what table() writes with -o csv, the same columns as the table; fields become field,value records', () => {
    const { io, out } = capture('csv');
    out.table([task], TASK_COLUMNS);
    const [header, row] = io.stdout.split('\r\n');
    expect(header).toBe(TASK_COLUMNS.map((c) => c.header).join(','));
    expect(row.startsWith('t-1,OUI-PC-SN1,FAULTED,2/3,api,2024-05-01T10:00:00Z,set Device.X=1,')).toBe(true);
    const single = capture('csv');
    single.out.fields([['id', 't-1'], ['empty', ''], ['work', 'set a=1, b=2']]);
    expect(single.io.stdout).toBe('field,value\r\nid,t-1\r\nwork,"set a=1, b=2"\r\n');
  });
});

describe('device columns', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const device = acsV1.Device.fromPartial({
    id: 'OUI-PC-1',
    online: true,
    lastInformTime: new Date(now - 125_000),
    parameters: [
      { path: 'Device.DeviceInfo.UpTime', value: '7', object: false },
      { path: 'Device.WiFi', object: true },
    ],
  });

  it('has a column for every projected parameter, empty when no device on the page has it', () => {
    const columns = deviceColumns([device], ['Device.ManagementServer.PeriodicInformInterval', 'Device.DeviceInfo.', 'Device.WiFi'], now);
    const lines = formatCsv([device], columns).split('\r\n');
    expect(lines[0]).toBe('ID,PRODUCT CLASS,SOFTWARE,IP,ONLINE,LAST INFORM,LAST SEEN,TAGS,Device.DeviceInfo.UpTime,Device.ManagementServer.PeriodicInformInterval');
    expect(lines[1]).toBe('OUI-PC-1,,,,yes,2026-12-07T11:57:55Z,2m ago,,7,');
    expect(deviceColumns([], ['Device.X.Y'], now).at(-1)?.header).toBe('Device.X.Y');
  });

  it('shows how long ago a device was last seen, in its largest whole unit', () => {
    expect(formatAge(undefined, now)).toBe('never');
    expect(formatAge(new Date(now - 59_999), now)).toBe('59s ago');
    expect(formatAge(new Date(now - 3 * 3_600_000), now)).toBe('3h ago');
    expect(formatAge(new Date(now - 9 * 86_400_000 - 1), now)).toBe('9d ago');
    expect(formatAge(new Date(now + 5000), now)).toBe('0s ago');
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
