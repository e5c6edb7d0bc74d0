import type { CommandSpec } from './command';
import { UsageError } from './cli-errors';
import { commandUsage, generalUsage, parseCommandLine } from './command-line.parser';

const noop = async (): Promise<number> => 0;
const CATALOG: CommandSpec[] = [
  {
    group: 'devices',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'devices',
    options: { filter: { type: 'string', valueName: 'EXPR', description: 'filter' }, projection: { type: 'string', multiple: true, description: 'p' }, all: { type: 'boolean', description: 'all' } },
    run: noop,
  },
  {
    group: 'devices',
    action: 'tag',
    argsUsage: 'ID TAG...',
    minArgs: 2,
    maxArgs: Infinity,
    summary: 'tags',
    options: {},
    run: noop,
  },
  {
    group: 'presets',
    action: 'apply',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'apply',
    options: { file: { type: 'string', short: 'f', multiple: true, description: 'files' }, 'dry-run': { type: 'boolean', description: 'plan only' } },
    run: noop,
  },
];

function command(argv: string[]) {
  const line = parseCommandLine(argv, CATALOG);
  if (line.kind !== 'command') throw new Error(`expected a command, got help ${line.topic.join(' ')}`);
  return line;
}

describe('parseCommandLine', () => {
  it('finds the command and its options, global options included, wherever they are', () => {
    const line = command(['--server', 'acs:50052', 'devices', '--filter', 'tag = "x"', 'list', '-o', 'json', '--all']);
    expect(`${line.command.group} ${line.command.action}`).toBe('devices list');
    expect(line.options.string('server')).toBe('acs:50052');
    expect(line.options.string('filter')).toBe('tag = "x"');
    expect(line.options.string('output')).toBe('json');
    expect(line.options.flag('all')).toBe(true);
    expect(line.args).toEqual([]);
  });

  it('splits repeatable, comma-separated options into one list', () => {
    const line = command(['devices', 'list', '--projection', 'Device.A,Device.B.', '--projection', 'Device.C']);
    expect(line.options.list('projection')).toEqual(['Device.A', 'Device.B.', 'Device.C']);
  });

  it('gives the positional arguments after the command words', () => {
    expect(command(['devices', 'tag', 'OUI-PC-SN', 'a', 'b']).args).toEqual(['OUI-PC-SN', 'a', 'b']);
    expect(command(['presets', 'apply', '-f', 'one.yaml', '-f', 'dir', '--dry-run']).options.list('file')).toEqual(['one.yaml', 'dir']);
  });

  it('takes arguments that look like options after --', () => {
    expect(command(['devices', 'tag', 'D', '--', '-odd-tag']).args).toEqual(['D', '-odd-tag']);
  });

  it('refuses unknown commands, unknown options, missing values and wrong argument counts as usage errors', () => {
    expect(() => parseCommandLine(['gadgets', 'list'], CATALOG)).toThrow(new UsageError('unknown command "gadgets"'));
    expect(() => parseCommandLine(['devices', 'explode'], CATALOG)).toThrow('unknown command "devices explode"');
    expect(() => parseCommandLine(['devices', 'list', '--colour'], CATALOG)).toThrow(/--colour/);
    expect(() => parseCommandLine(['devices', 'list', '--filter'], CATALOG)).toThrow(/--filter/);
    expect(() => parseCommandLine(['devices', 'tag', 'only-id'], CATALOG)).toThrow('missing arguments');
    expect(() => parseCommandLine(['devices', 'list', 'extra'], CATALOG)).toThrow('unexpected argument "extra"');
    try {
      parseCommandLine(['devices', 'list', '--colour'], CATALOG);
    } catch (error) {
      expect((error as UsageError).usageOf).toBe('devices list');
    }
  });

  it('answers help for `help`, --help, a bare group with --help, and nothing at all (not requested)', () => {
    expect(parseCommandLine([], CATALOG)).toEqual({ kind: 'help', topic: [], requested: false });
    expect(parseCommandLine(['--help'], CATALOG)).toEqual({ kind: 'help', topic: [], requested: true });
    expect(parseCommandLine(['help', 'devices', 'list'], CATALOG)).toEqual({ kind: 'help', topic: ['devices', 'list'], requested: true });
    expect(parseCommandLine(['devices', 'tag', '--help'], CATALOG)).toEqual({ kind: 'help', topic: ['devices', 'tag'], requested: true });
    expect(parseCommandLine(['devices', '-h'], CATALOG)).toEqual({ kind: 'help', topic: ['devices'], requested: true });
  });

  it('types option values and refuses bad ones', () => {
    const line = command(['devices', 'list', '--timeout', '1.5s', '--filter', '12']);
    expect(line.options.durationMs('timeout')).toBe(1500);
    expect(line.options.integer('filter')).toBe(12);
    expect(() => command(['devices', 'list', '--timeout', 'soon']).options.durationMs('timeout')).toThrow(/not a duration/);
    expect(() => command(['devices', 'list', '--filter', '-3x']).options.integer('filter')).toThrow();
  });

  it('runs a one-word command with the words after it as its arguments', () => {
    const samples: CommandSpec = { group: 'samples', action: '', argsUsage: 'DEVICE METRIC', minArgs: 2, maxArgs: 2, summary: 'a series', options: { since: { type: 'string', description: 's' } }, run: noop };
    const catalog = [...CATALOG, samples];
    const line = parseCommandLine(['samples', 'OUI-PC-SN', '--since', '6h', 'cpu.load'], catalog);
    expect(line).toMatchObject({ kind: 'command', command: samples, args: ['OUI-PC-SN', 'cpu.load'] });
    expect(parseCommandLine(['samples', '--help'], catalog)).toEqual({ kind: 'help', topic: ['samples', ''], requested: true });
    expect(() => parseCommandLine(['samples', 'OUI-PC-SN'], catalog)).toThrow(new UsageError('samples: missing arguments'));
    expect(generalUsage(catalog)).toMatch(/^ {2}samples DEVICE METRIC +a series$/m);
    expect(commandUsage(samples)).toContain('usage: acsctl samples DEVICE METRIC [options]');
  });

  it('writes usage texts naming every command and option', () => {
    const general = generalUsage(CATALOG);
    expect(general).toContain('devices tag ID TAG...');
    expect(general).toContain('--token-file FILE');
    const usage = commandUsage(CATALOG[2]);
    expect(usage).toContain('usage: acsctl presets apply [options]');
    expect(usage).toContain('-f, --file VALUE');
    expect(usage).toContain('--dry-run');
  });
});
