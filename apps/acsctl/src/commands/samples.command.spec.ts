import type { acsV1 } from '@acs/contracts';

import { MonitoringServer, T0 } from '../test-support/monitoring.server';

const MIN5 = 300_000;
const HOUR = 3_600_000;
const SIX_HOURS_AGO = T0 - 6 * HOUR;

/**
 * `acsctl samples …` and `acsctl metrics list` against the diagnostics service's real MonitoringService controllers on
 * monitoring's use cases (embedded store), over gRPC on loopback. The spec ingests samples as the collectors would.
 */
describe('acsctl samples and metrics against the MonitoringService', () => {
  let server: MonitoringServer;

  beforeEach(async () => {
    server = await MonitoringServer.start([{ id: 'dev-1' }]);
    server.columns = 24;
  });

  afterEach(() => server.stop());

  /** Six hours of 5-minute samples up to T0: WAN bytes at 1,000/s then 3,000/s; CPU 10 % then 30 %, silent 2h–3h in. */
  async function ingestSixHours(): Promise<void> {
    let bytes = 0;
    const samples = [];
    for (let i = 0; i < 72; i++) {
      if (i > 0) bytes += (i <= 35 ? 1_000 : 3_000) * 300;
      const values: Record<string, number> = { 'wan.bytesReceived': bytes };
      if (i < 24 || i >= 36) values['system.cpuUsage'] = i < 36 ? 10 : 30;
      samples.push({ deviceId: 'dev-1', at: SIX_HOURS_AGO + i * MIN5, source: 'read' as const, values });
    }
    await server.monitoring.ingestSamples.execute({ samples });
  }

  it("charts a counter's rates over --since, the chart as wide as the terminal, with the summary in the metric's unit", async () => {
    await ingestSixHours();
    await server.acsctl(['profiles', 'create', 'wan', '--metrics', 'wan.bytesReceived', '--filter', '', '--interval', '5m']);
    const chart = await server.acsctl(['samples', 'dev-1', 'wan.bytesReceived', '--since', '6h']);
    expect(chart).toMatchObject({ code: 0, stderr: '' });
    expect(chart.stdout.split('\n')).toEqual([
      'dev-1  wan.bytesReceived (counter, bytes/s)  raw  2027-03-01T02:00:00Z .. 2027-03-01T08:00:00Z',
      '▁▁▁▁▁▁▁▁▁▁▁▁████████████',
      'min 1000 bytes/s  avg 2014 bytes/s  max 3000 bytes/s  last 3000 bytes/s  (71 values)',
      '',
    ]);
    expect(server.calls).toEqual(['createMonitoringProfile', 'listSamples', 'listMonitoringProfiles']);

    // Not a terminal: 60 columns.
    server.columns = undefined;
    expect((await server.acsctl(['samples', 'dev-1', 'wan.bytesReceived', '--since', '6h'])).stdout.split('\n')[1]).toHaveLength(60);
  });

  it('leaves a gap where a gauge went silent for more than twice its spacing, and lists the points with -o table', async () => {
    await ingestSixHours();
    const chart = await server.acsctl(['samples', 'dev-1', 'system.cpuUsage', '--since', '6h', '-o', 'table']);
    const [header, line, summary, blank, columns, first, ...rest] = chart.stdout.trimEnd().split('\n');
    expect(header).toBe('dev-1  system.cpuUsage (gauge, percent)  raw  2027-03-01T02:00:00Z .. 2027-03-01T08:00:00Z');
    // No profile samples CPU: the gap allowed is twice the points' usual spacing (10 minutes), so 02:05 stands in 02:00's column.
    expect(line).toBe('▁▁▁▁▁▁▁▁▁   ████████████');
    expect(summary).toBe('min 10 percent  avg 22 percent  max 30 percent  last 30 percent  (60 values)');
    expect(blank).toBe('');
    expect(columns).toMatch(/^TIME\s+VALUE$/);
    expect(first).toMatch(/^2027-03-01T02:00:00Z\s+10 percent$/);
    expect(rest).toHaveLength(59);
  });

  it('prints the points alone as CSV with exact numbers, readings and resets; the whole answer as JSON', async () => {
    await server.monitoring.ingestSamples.execute({
      samples: [
        { deviceId: 'dev-1', at: T0 - 3 * MIN5, source: 'inform', values: { 'system.uptime': 100, 'wan.bytesSent': 1_000 } },
        { deviceId: 'dev-1', at: T0 - 2 * MIN5, source: 'inform', values: { 'system.uptime': 400, 'wan.bytesSent': 91_000 } },
        { deviceId: 'dev-1', at: T0 - MIN5, source: 'inform', values: { 'system.uptime': 60, 'wan.bytesSent': 50 } },
      ],
    });
    const csv = await server.acsctl(['samples', 'dev-1', 'wan.bytesSent', '--since', '1h', '--resolution', 'raw', '-o', 'csv']);
    expect(csv.stdout.split('\r\n')).toEqual(['TIME,RATE,READING,RESET', '2027-03-01T07:45:00Z,,1000,', '2027-03-01T07:50:00Z,300,91000,', '2027-03-01T07:55:00Z,,50,reboot', '']);

    const chart = await server.acsctl(['samples', 'dev-1', 'wan.bytesSent', '--since', '1h']);
    expect(chart.stdout.split('\n')[2]).toBe('min 300 bytes/s  avg 300 bytes/s  max 300 bytes/s  last 300 bytes/s  (1 value)  1 counter reset(s)');

    const json = await server.json<acsV1.ListSamplesResponse>(['samples', 'dev-1', 'wan.bytesSent', '--since', '2027-03-01T07:00:00Z', '--until', '2027-03-01T08:00:00Z']);
    expect(json).toMatchObject({ deviceId: 'dev-1', metric: 'wan.bytesSent', kind: 'counter', unit: 'bytes/s', resolution: 'SAMPLE_RESOLUTION_RAW', since: '2027-03-01T07:00:00.000Z', resets: 1 });
    expect(json.points[1]).toMatchObject({ time: '2027-03-01T07:50:00.000Z', value: 300, reading: 91_000 });
  });

  it('reads hourly and daily rollups once the day is folded', async () => {
    const day = Date.UTC(2027, 1, 27);
    const samples = Array.from({ length: 24 * 4 }, (_, i) => ({ deviceId: 'dev-1', at: day + i * 15 * 60_000, source: 'bulkdata' as const, values: { 'system.cpuUsage': i < 48 ? 10 : 30 } }));
    await server.monitoring.ingestSamples.execute({ samples });
    await server.monitoring.rollUpSamples.execute();
    const hourly = await server.acsctl(['samples', 'dev-1', 'system.cpuUsage', '--since', '2027-02-27T00:00:00Z', '--until', '2027-02-28T00:00:00Z', '--resolution', 'hour', '-o', 'csv']);
    const records = hourly.stdout.split('\r\n');
    expect(records.slice(0, 2)).toEqual(['TIME,AVG,MIN,MAX,COUNT', '2027-02-27T00:00:00Z,10,10,10,4']);
    expect(records).toHaveLength(26);
    const daily = await server.acsctl(['samples', 'dev-1', 'system.cpuUsage', '--since', '3d', '--resolution', 'day']);
    expect(daily.stdout.split('\n')[0]).toMatch(/ day {2}2027-02-26T08:00:00Z \.\. 2027-03-01T08:00:00Z$/);
    expect(daily.stdout.split('\n')[2]).toBe('min 20 percent  avg 20 percent  max 20 percent  last 20 percent  (1 value)');
  });

  it("lists the metric catalog, a profile's custom metrics after the built-in ones", async () => {
    await server.acsctl(['profiles', 'create', 'pon', '--metrics', 'custom.ponTemperature', '--filter', '', '--custom', 'name=custom.ponTemperature,kind=gauge,unit=C,Device=Device.Optical.Interface.{optical}.X_Temp']);
    const listed = await server.acsctl(['metrics', 'list']);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    // Cells are cut at 80 characters (the longest TR-098 paths); -o json has them whole.
    expect(header).toMatch(/^NAME\s+KIND\s+UNIT\s+SOURCE\s+TR-181\s+TR-098$/);
    expect(rows[0]).toMatch(/^wan\.bytesReceived\s+counter\s+bytes\s+built-in\s+Device\.IP\.Interface\.\{wan\}\.Stats\.BytesReceived\s+InternetGatewayDevice\.WANDevice\.\{wanDevice\}\.WANCommonInterfaceConfig\.TotalBytes…$/);
    expect(rows[rows.length - 1]).toMatch(/^custom\.ponTemperature\s+gauge\s+C\s+custom\s+Device\.Optical\.Interface\.\{optical\}\.X_Temp$/);
    expect(listed.stderr).toBe(`${rows.length} metric(s)\n`);
    const json = await server.json<acsV1.ListMetricsResponse>(['metrics', 'list']);
    expect(json.metrics.find((m) => m.name === 'wan.bytesReceived')?.paths).toEqual([
      { root: 'Device', path: 'Device.IP.Interface.{wan}.Stats.BytesReceived', bits: 64, source: 'tr-181-2-17-0-cwmp-full.xml:55110' },
      { root: 'InternetGatewayDevice', path: 'InternetGatewayDevice.WANDevice.{wanDevice}.WANCommonInterfaceConfig.TotalBytesReceived', bits: 32, source: 'tr-098-1-8-0-full.xml:8945' },
    ]);
  });

  it("prints the server's refusals, and refuses wrong command lines before calling it", async () => {
    const unknown = await server.acsctl(['samples', 'dev-1', 'cpu.nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: INVALID_ARGUMENT: invalid samples query/);
    expect(unknown.stderr).toMatch(/^ {2}metric: cpu\.nope is not a known metric \[UNKNOWN_METRIC\]$/m);
    const tooLong = await server.acsctl(['samples', 'dev-1', 'system.cpuUsage', '--since', '40d', '--resolution', 'raw']);
    expect(tooLong.stderr).toMatch(/a raw series spans at most 31 days/);

    const cases: Array<[string[], RegExp]> = [
      [['samples', 'dev-1'], /samples: missing arguments/],
      [['samples', 'dev-1', 'cpu', '--resolution', 'minute'], /--resolution: "minute" is not a resolution; use auto, raw, hour, day/],
      [['samples', 'dev-1', 'cpu', '--since', 'yesterday'], /--since: "yesterday" is not a duration/],
    ];
    for (const [argv, message] of cases) {
      const result = await server.acsctl(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
    }
    expect(server.calls).toEqual(['listSamples', 'listSamples']);
    expect((await server.acsctl(['samples', '--help'])).stdout).toMatch(/^usage: acsctl samples DEVICE METRIC \[options\]$/m);
  });
});
