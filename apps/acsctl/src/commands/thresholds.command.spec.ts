import type { acsV1 } from '@acs/contracts';

import { MonitoringServer, T0 } from '../test-support/monitoring.server';

const HG = 'productClass = "HG8245H"';

/**
 * `acsctl thresholds …` against the diagnostics service's real MonitoringService controller on the alarms' use cases
 * (embedded store; devices dev-1 and dev-2 of product class HG8245H, dev-3 of another; group g-1 = dev-3), over gRPC
 * on loopback.
 */
describe('acsctl thresholds against the MonitoringService', () => {
  let server: MonitoringServer;

  beforeEach(async () => {
    server = await MonitoringServer.start([
      { id: 'dev-1', fields: { productClass: 'HG8245H' } },
      { id: 'dev-2', fields: { productClass: 'HG8245H' } },
      { id: 'dev-3', fields: { productClass: 'F660' } },
    ]);
    server.fixture.targets.group('g-1', ['dev-3']);
  });

  afterEach(() => server.stop());

  it('creates rules with hysteresis, durations and either target, lists them by name and gets one by name', async () => {
    const cpu = await server.acsctl(['thresholds', 'create', 'CPU high', '--metric', 'cpu.load', '--above', '90', '--clear-at', '70', '--for', '5m', '--clear-for', '90s', '--filter', HG, '--description', 'sustained load']);
    expect(cpu).toMatchObject({ code: 0, stderr: '' });
    expect(cpu.stdout.split('\n')).toEqual([
      'id:          rule-1',
      'name:        CPU high',
      'metric:      cpu.load',
      'raises:      >= 90 for 5m',
      'clears:      < 70 for 90s',
      'severity:    major',
      'enabled:     yes',
      `target:      ${HG}`,
      'description: sustained load',
      'created:     2027-03-01T08:00:00Z by alice',
      'updated:     2027-03-01T08:00:00Z',
      'revision:    1',
      '',
    ]);

    // A negative level is written --below=-27 (`--below -27` is refused: parseArgs would read -27 as options).
    const optical = await server.json<{ rule: acsV1.ThresholdRule }>(['thresholds', 'create', 'weak optical', '-m', 'optical.rxPower', '--below=-27', '--clear-at=-25.5', '--severity', 'CRITICAL', '--group', 'g-1', '--disabled']);
    expect(optical.rule).toMatchObject({ id: 'rule-2', direction: 'below', raiseAt: -27, clearAt: -25.5, severity: 'critical', target: { groupId: 'g-1' } });
    expect(optical.rule.enabled).toBeUndefined(); // toJSON leaves false out
    const every = await server.json<{ rule: acsV1.ThresholdRule }>(['thresholds', 'create', 'reboots', '--metric', 'wan.bytesReceived', '--above', '1e6', '--filter', '']);
    expect(every.rule).toMatchObject({ raiseAt: 1_000_000, clearAt: 1_000_000, severity: 'major', target: { filter: '' } });
    expect(every.rule.forSeconds).toBeUndefined();

    const listed = await server.acsctl(['thresholds', 'list']);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+METRIC\s+RAISE\s+CLEAR\s+FOR\s+SEVERITY\s+ENABLED\s+TARGET$/);
    expect(rows).toEqual([
      expect.stringMatching(/^rule-1\s+CPU high\s+cpu\.load\s+>= 90\s+< 70\s+5m\/90s\s+major\s+yes\s+productClass = "HG8245H"$/),
      expect.stringMatching(/^rule-3\s+reboots\s+wan\.bytesReceived\s+>= 1M\s+< 1M\s+0s\/0s\s+major\s+yes\s+every device$/),
      expect.stringMatching(/^rule-2\s+weak optical\s+optical\.rxPower\s+<= -27\s+> -25\.5\s+0s\/0s\s+critical\s+no\s+group g-1$/),
    ]);
    expect(listed.stderr).toBe('3 rule(s)\n');
    expect((await server.acsctl(['thresholds', 'list', '-o', 'csv'])).stdout.split('\r\n')[0]).toBe('ID,NAME,METRIC,RAISE,CLEAR,FOR,SEVERITY,ENABLED,TARGET');
    expect((await server.json<acsV1.ListThresholdRulesResponse>(['thresholds', 'list'])).rules.map((r) => r.name)).toEqual(['CPU high', 'reboots', 'weak optical']);

    const got = await server.acsctl(['thresholds', 'get', 'weak optical']);
    expect(got.stdout).toMatch(/^raises: +<= -27 at once$/m);
    expect(got.stdout).toMatch(/^clears: +> -25\.5 at once$/m);
    expect(got.stdout).toMatch(/^enabled: +no$/m);
    expect(server.calls.slice(-2)).toEqual(['listThresholdRules', 'getThresholdRule']);
    // By id as well.
    expect((await server.json<acsV1.GetThresholdRuleResponse>(['thresholds', 'get', 'rule-1'])).rule?.name).toBe('CPU high');
  });

  it('updates a rule by name with a revision compare-and-set; disabling it clears its active alarms', async () => {
    await server.acsctl(['thresholds', 'create', 'CPU high', '--metric', 'cpu.load', '--above', '90', '--clear-at', '70', '--filter', HG]);
    await server.points({ deviceId: 'dev-1', metric: 'cpu.load', at: T0, value: 95 }, { deviceId: 'dev-2', metric: 'cpu.load', at: T0, value: 97 });

    const raised = await server.acsctl(['thresholds', 'update', 'CPU high', '--above', '85', '--for', '2m', '--severity', 'minor', '--revision', '1']);
    expect(raised.code).toBe(0);
    expect(raised.stdout).toMatch(/^raises: +>= 85 for 2m$/m);
    expect(raised.stdout).toMatch(/^severity: +minor$/m);
    expect(raised.stdout).toMatch(/^revision: +2$/m);
    expect(raised.stdout).not.toMatch(/^cleared alarms:/m);

    const stale = await server.acsctl(['thresholds', 'update', 'CPU high', '--description', 'x', '--revision', '1']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: ABORTED: threshold rule rule-1 changed meanwhile: read it again\n/);

    const disabled = await server.acsctl(['thresholds', 'update', 'CPU high', '--disabled', '--revision', '2']);
    expect(disabled.stdout).toMatch(/^enabled: +no$/m);
    expect(disabled.stdout).toMatch(/^cleared alarms: +2$/m);
    const enabled = await server.json<acsV1.UpdateThresholdRuleResponse>(['thresholds', 'update', 'rule-1', '--enabled', '--name', 'CPU very high', '--group', 'g-1']);
    expect(enabled.rule).toMatchObject({ name: 'CPU very high', enabled: true, revision: 4, target: { groupId: 'g-1' } });
    expect(enabled.clearedAlarms).toBeUndefined();
  });

  it('deletes a rule by name, saying how many active alarms cleared', async () => {
    await server.acsctl(['thresholds', 'create', 'CPU high', '--metric', 'cpu.load', '--above', '90', '--filter', '']);
    await server.points({ deviceId: 'dev-3', metric: 'cpu.load', at: T0, value: 99 });
    expect(await server.acsctl(['thresholds', 'delete', 'CPU high'])).toEqual({ code: 0, stdout: 'deleted threshold rule CPU high (1 active alarm(s) cleared)\n', stderr: '' });
    const gone = await server.acsctl(['thresholds', 'get', 'CPU high']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: NOT_FOUND: .*CPU high/);
  });

  it("prints the server's field violations: clear level on the wrong side, a filter that does not parse, a duration over a day, an unknown group", async () => {
    const wrongSide = await server.acsctl(['thresholds', 'create', 'x', '--metric', 'cpu.load', '--above', '90', '--clear-at', '95', '--for', '48h', '--filter', 'productClass =']);
    expect(wrongSide.code).toBe(1);
    expect(wrongSide.stderr).toMatch(/^error: INVALID_ARGUMENT: invalid threshold rule/);
    expect(wrongSide.stderr).toMatch(/^ {2}target\.filter: .*\[BAD_FORMAT\]$/m);
    expect(wrongSide.stderr).toMatch(/^ {2}clearAt: is at most raiseAt \(90\) for a rule that raises above it \[OUT_OF_RANGE\]$/m);
    expect(wrongSide.stderr).toMatch(/^ {2}forSeconds: is a whole number of seconds from 0 to 86400 \[OUT_OF_RANGE\]$/m);
    const group = await server.acsctl(['thresholds', 'create', 'x', '--metric', 'cpu.load', '--above', '90', '--group', 'nope']);
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/^error: NOT_FOUND: group nope not found/);
  });

  it('refuses wrong command lines before calling the service', async () => {
    const create = ['thresholds', 'create', 'x'];
    const cases: Array<[string[], RegExp]> = [
      [[...create, '--above', '1', '--filter', ''], /--metric METRIC is required/],
      [[...create, '-m', 'cpu.load', '--filter', ''], /give --above X or --below X$/m],
      [[...create, '-m', 'cpu.load', '--above', '1', '--below', '0', '--filter', ''], /not both/],
      [[...create, '-m', 'cpu.load', '--above', '1'], /give --filter EXPR \("" for every device\) or --group GROUP/],
      [[...create, '-m', 'cpu.load', '--above', '1', '--filter', '', '--group', 'g-1'], /give --filter or --group, not both/],
      [[...create, '-m', 'cpu.load', '--above', 'ninety', '--filter', ''], /--above: "ninety" is not a number/],
      [[...create, '-m', 'cpu.load', '--above', '1', '--clear-at', '', '--filter', ''], /--clear-at: "" is not a number/],
      [[...create, '-m', 'cpu.load', '--above', '1', '--for', '1.5s', '--filter', ''], /--for: "1.5s" is not a whole number of seconds/],
      [[...create, '-m', 'cpu.load', '--above', '1', '--clear-for', 'soon', '--filter', ''], /--clear-for: "soon" is not a duration/],
      [[...create, '-m', 'cpu.load', '--above', '1', '--severity', 'bad', '--filter', ''], /--severity: "bad" is not a severity; use critical, major, minor, warning/],
      [[...create, '-m', 'optical.rxPower', '--below', '-27', '--filter', ''], /Option '--below' argument is ambiguous\. To specify an option argument starting with a dash use '--below=-XYZ'\./],
      [['thresholds', 'update', 'x'], /nothing to change/],
      [['thresholds', 'update', 'x', '--enabled', '--disabled'], /give --enabled or --disabled, not both/],
      [['thresholds', 'update', 'x', '--severity', 'major', '--revision', '0'], /--revision: "0" is not a whole number of at least 1/],
    ];
    for (const [argv, message] of cases) {
      const result = await server.acsctl(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(new RegExp(`\\n\\nusage: acsctl thresholds ${argv[1]} `));
    }
    // A zero duration is "at once", in any unit.
    expect((await server.json<{ rule: acsV1.ThresholdRule }>([...create, '-m', 'cpu.load', '--above', '1', '--for', '0', '--clear-for', '0s', '--filter', ''])).rule.forSeconds).toBeUndefined();
    expect(server.calls).toEqual(['createThresholdRule']);
  });

  it('documents its commands in the help', async () => {
    const help = await server.acsctl(['thresholds', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: acsctl thresholds create NAME \[options\]$/m);
    expect(help.stdout).toMatch(/^ {2}--below X +raise when the value is at or under X \(negative: --below=-25\)$/m);
    expect((await server.acsctl(['help', 'thresholds'])).stdout).toMatch(/thresholds update RULE\n +changes a threshold rule/);
  });
});
