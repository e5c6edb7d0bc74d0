import type { acsV1 } from '@acs/contracts';

import { MonitoringServer, T0 } from '../test-support/monitoring.server';

const MINUTE = 60_000;

/**
 * `acsctl alarms …` against the diagnostics service's real MonitoringService controller on the alarms' use cases,
 * over gRPC on loopback. Two rules (CPU high: major, above 90, clears under 70; weak optical: critical, at or below
 * -27) and points played as monitoring hands them over: dev-1 and dev-2 breach CPU, dev-3 the optical power.
 */
describe('acsctl alarms against the MonitoringService', () => {
  let server: MonitoringServer;

  beforeEach(async () => {
    server = await MonitoringServer.start([{ id: 'dev-1' }, { id: 'dev-2' }, { id: 'dev-3' }]);
    await server.acsctl(['thresholds', 'create', 'CPU high', '--metric', 'cpu.load', '--above', '90', '--clear-at', '70', '--filter', '']);
    await server.acsctl(['thresholds', 'create', 'weak optical', '--metric', 'optical.rxPower', '--below=-27', '--severity', 'critical', '--filter', '']);
    await server.points(
      { deviceId: 'dev-1', metric: 'cpu.load', at: T0, value: 95.5 },
      { deviceId: 'dev-2', metric: 'cpu.load', at: T0 + MINUTE, value: 91 },
      { deviceId: 'dev-3', metric: 'optical.rxPower', at: T0 + 2 * MINUTE, value: -28.25 },
      { deviceId: 'dev-1', metric: 'cpu.load', at: T0 + 3 * MINUTE, value: 99 },
    );
    server.calls.length = 0;
  });

  afterEach(() => server.stop());

  async function ids(argv: string[]): Promise<string[]> {
    return (await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list', ...argv])).alarms?.map((a) => a.deviceId) ?? [];
  }

  it('lists alarms newest first as a table with their values and thresholds, and as CSV and JSON', async () => {
    const listed = await server.acsctl(['alarms', 'list']);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +SEVERITY +STATE +DEVICE +RULE +METRIC +VALUE +LAST +THRESHOLD +RAISED +CLEARED +ACK$/);
    expect(rows).toEqual([
      expect.stringMatching(/^\S{22} +critical +active +dev-3 +weak optical +optical\.rxPower +-28\.25 +-28\.25 +<= -27 +2027-03-01T08:02:00Z +-$/),
      expect.stringMatching(/^\S{22} +major +active +dev-2 +CPU high +cpu\.load +91 +91 +>= 90 +2027-03-01T08:01:00Z +-$/),
      expect.stringMatching(/^\S{22} +major +active +dev-1 +CPU high +cpu\.load +95\.5 +99 +>= 90 +2027-03-01T08:00:00Z +-$/),
    ]);
    expect(listed.stderr).toBe('3 alarm(s)\n');

    const csv = (await server.acsctl(['alarms', 'list', '-o', 'csv'])).stdout.split('\r\n');
    expect(csv[0]).toBe('ID,SEVERITY,STATE,DEVICE,RULE,METRIC,VALUE,LAST,THRESHOLD,RAISED,CLEARED,ACK');
    expect(csv[3]).toMatch(/^\S{22},major,active,dev-1,CPU high,cpu\.load,95\.5,99,>= 90,2027-03-01T08:00:00Z,,-$/);
    const json = await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list']);
    expect(json.alarms[2]).toMatchObject({ ruleId: 'rule-1', ruleName: 'CPU high', deviceId: 'dev-1', value: 95.5, lastValue: 99, threshold: 90, direction: 'above', raiseTime: '2027-03-01T08:00:00.000Z' });
    expect(json.nextPageToken).toBeUndefined();

    const first = await server.acsctl(['alarms', 'list', '--limit', '2']);
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(first.stderr).toBe('2 alarm(s); --all or --limit N for more\n');
  });

  it('narrows by device, rule (name or id), state, severity and acknowledgement', async () => {
    expect(await ids(['--device', 'dev-1'])).toEqual(['dev-1']);
    expect(await ids(['--rule', 'CPU high'])).toEqual(['dev-2', 'dev-1']);
    expect(await ids(['--rule', 'rule-2'])).toEqual(['dev-3']);
    expect(await ids(['--severity', 'Critical'])).toEqual(['dev-3']);
    await server.points({ deviceId: 'dev-2', metric: 'cpu.load', at: T0 + 4 * MINUTE, value: 50 });
    expect(await ids(['--state', 'cleared'])).toEqual(['dev-2']);
    expect(await ids(['--state', 'active', '--rule', 'CPU high'])).toEqual(['dev-1']);
    await server.acsctl(['alarms', 'ack', (await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list', '--device', 'dev-3'])).alarms[0].id]);
    expect(await ids(['--unacknowledged'])).toEqual(['dev-2', 'dev-1']);

    // A rule no one has by that name or id: its text goes as an id, and the CLI says so.
    const unknown = await server.acsctl(['alarms', 'list', '--rule', 'CPU hgih']);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toMatch(/^ID +SEVERITY/);
    expect(unknown.stderr).toBe('no threshold rule is named "CPU hgih" or has that id: listing the alarms of rule id "CPU hgih" (a deleted rule\'s alarms keep its id)\n0 alarm(s)\n');
  });

  it('gets an alarm with why it cleared, and who acknowledged it', async () => {
    await server.points({ deviceId: 'dev-1', metric: 'cpu.load', at: T0 + 5 * MINUTE, value: 42.125 });
    const [alarm] = (await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list', '--device', 'dev-1'])).alarms;
    const got = await server.acsctl(['alarms', 'get', alarm.id]);
    expect(got).toMatchObject({ code: 0, stderr: '' });
    expect(got.stdout.split('\n')).toEqual([
      `id:           ${alarm.id}`,
      'rule:         CPU high (rule-1)',
      'device:       dev-1',
      'metric:       cpu.load',
      'severity:     major',
      'state:        cleared (recovered)',
      'threshold:    >= 90',
      'value:        95.5',
      // The point that cleared it, to four significant digits (-o json has 42.125).
      'last value:   42.13',
      'raised:       2027-03-01T08:00:00Z',
      'cleared:      2027-03-01T08:05:00Z',
      'acknowledged: no',
      '',
    ]);
    const missing = await server.acsctl(['alarms', 'get', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: NOT_FOUND: .*nope/);
  });

  it('acknowledges an alarm once, as the client of the token; a second acknowledgement names who did it first', async () => {
    const [alarm] = (await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list', '--device', 'dev-3'])).alarms;
    server.fixture.clock.now = T0 + 10 * MINUTE;
    const acked = await server.acsctl(['alarms', 'ack', alarm.id, '--comment', 'truck rolled, ticket 4711'], 'bob');
    expect(acked).toEqual({
      code: 0,
      stdout: `acknowledged alarm ${alarm.id} (weak optical on dev-3, active) by bob at 2027-03-01T08:10:00Z: "truck rolled, ticket 4711"\n`,
      stderr: '',
    });
    expect((await server.acsctl(['alarms', 'list', '--device', 'dev-3'])).stdout).toMatch(/ bob\n$/);
    expect((await server.acsctl(['alarms', 'get', alarm.id])).stdout).toMatch(/^acknowledged: by bob at 2027-03-01T08:10:00Z: "truck rolled, ticket 4711"$/m);

    server.calls.length = 0;
    const again = await server.acsctl(['alarms', 'ack', alarm.id], 'carol');
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: alarm ${alarm.id} was already acknowledged by bob at 2027-03-01T08:10:00Z: "truck rolled, ticket 4711"; nothing changed\n`,
    });
    expect(server.calls).toEqual(['acknowledgeAlarm', 'getAlarm']);

    const json = await server.json<acsV1.AcknowledgeAlarmResponse>(['alarms', 'ack', (await server.json<acsV1.ListAlarmsResponse>(['alarms', 'list', '--device', 'dev-2'])).alarms[0].id], 'carol');
    expect(json.alarm?.acknowledgement).toEqual({ by: 'carol', time: '2027-03-01T08:10:00.000Z' });
    const unknown = await server.acsctl(['alarms', 'ack', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: NOT_FOUND: .*nope/);
    const long = await server.acsctl(['alarms', 'ack', alarm.id, '--comment', 'x'.repeat(1025)]);
    expect(long.stderr).toMatch(/^error: INVALID_ARGUMENT: .*\n {2}comment: is longer than 1024 characters \[OUT_OF_RANGE\]\n$/);
  });

  it('refuses wrong command lines before calling the service', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['alarms', 'list', '--state', 'open'], /--state: "open" is not one of active, cleared/],
      [['alarms', 'list', '--severity', 'high'], /--severity: "high" is not one of critical, major, minor, warning/],
      [['alarms', 'list', '--all', '--limit', '5'], /give --limit or --all, not both/],
      [['alarms', 'get'], /alarms get: missing arguments/],
      [['alarms', 'ack', 'a', 'b'], /alarms ack: unexpected argument "b"/],
    ];
    for (const [argv, message] of cases) {
      const result = await server.acsctl(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(new RegExp(`\\n\\nusage: acsctl alarms ${argv[1]} `));
    }
    expect(server.calls).toEqual([]);
  });
});
