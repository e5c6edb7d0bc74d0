import type { acsV1 } from '@acs/contracts';

import { MonitoringServer } from '../test-support/monitoring.server';

const HG = 'productClass = "HG8245H"';
const PON = 'name=custom.ponTemperature,kind=gauge,unit=C,scale=0.1,Device=Device.Optical.Interface.{optical}.X_Temp';

/**
 * `acsctl profiles …` against the diagnostics service's real MonitoringService controller on monitoring's use cases
 * (embedded store; group g-1 known to the alarms' targets, which resolve --group names), over gRPC on loopback.
 */
describe('acsctl profiles against the MonitoringService', () => {
  let server: MonitoringServer;

  beforeEach(async () => {
    server = await MonitoringServer.start([{ id: 'dev-1', fields: { productClass: 'HG8245H' } }]);
  });

  afterEach(() => server.stop());

  it('creates profiles with built-in and custom metrics and either target, lists them by name and gets one by name', async () => {
    const pon = await server.acsctl(['profiles', 'create', 'pon', '--metrics', 'optical.rxPower,custom.ponTemperature', '--custom', PON, '--filter', HG, '--interval', '5m']);
    expect(pon).toMatchObject({ code: 0, stderr: '' });
    expect(pon.stdout.split('\n')).toEqual([
      'id:            profile-1',
      'name:          pon',
      'metrics:       optical.rxPower, custom.ponTemperature',
      'custom metric: custom.ponTemperature=gauge C ×0.1 Device.Optical.Interface.{optical}.X_Temp',
      'interval:      5m',
      'source:        reads',
      'enabled:       yes',
      `target:        ${HG}`,
      'created:       2027-03-01T08:00:00Z by alice',
      'updated:       2027-03-01T08:00:00Z',
      'revision:      1',
      '',
    ]);
    const wan = await server.json<{ profile: acsV1.MonitoringProfile }>(['profiles', 'create', 'wan', '-m', 'wan.bytesReceived', '-m', 'wan.bytesSent', '--group', 'g-1', '--disabled', '--source', 'bulkdata']);
    expect(wan.profile.source).toBe('bulkdata');
    expect(wan.profile).toMatchObject({ id: 'profile-2', metrics: ['wan.bytesReceived', 'wan.bytesSent'], intervalSeconds: 900, target: { groupId: 'g-1' } });
    expect(wan.profile.enabled).toBeUndefined(); // toJSON leaves false out

    const listed = await server.acsctl(['profiles', 'list']);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+METRICS\s+INTERVAL\s+ENABLED\s+TARGET$/);
    expect(rows).toEqual([
      expect.stringMatching(/^profile-1\s+pon\s+optical\.rxPower,custom\.ponTemperature\s+5m\s+yes\s+productClass = "HG8245H"$/),
      expect.stringMatching(/^profile-2\s+wan\s+wan\.bytesReceived,wan\.bytesSent\s+15m\s+no\s+group g-1$/),
    ]);
    expect(listed.stderr).toBe('2 profile(s)\n');
    expect((await server.json<acsV1.ListMonitoringProfilesResponse>(['profiles', 'list', '--enabled'])).profiles.map((p) => p.name)).toEqual(['pon']);

    expect((await server.acsctl(['profiles', 'get', 'wan'])).stdout).toMatch(/^enabled: +no$/m);
    expect(server.calls.slice(-2)).toEqual(['listMonitoringProfiles', 'getMonitoringProfile']);
    expect((await server.json<acsV1.GetMonitoringProfileResponse>(['profiles', 'get', 'profile-1'])).profile?.customMetrics).toEqual([
      { name: 'custom.ponTemperature', kind: 'gauge', unit: 'C', scale: 0.1, paths: { Device: 'Device.Optical.Interface.{optical}.X_Temp' } },
    ]);
  });

  it('updates only the options given, with a revision compare-and-set; --no-custom removes the custom metrics', async () => {
    await server.acsctl(['profiles', 'create', 'pon', '--metrics', 'optical.rxPower,custom.ponTemperature', '--custom', PON, '--filter', HG]);
    const slower = await server.acsctl(['profiles', 'update', 'pon', '--interval', '1h', '--revision', '1']);
    expect(slower.code).toBe(0);
    expect(slower.stdout).toMatch(/^interval: +1h$/m);
    expect(slower.stdout).toMatch(/^metrics: +optical\.rxPower, custom\.ponTemperature$/m);
    expect(slower.stdout).toMatch(/^revision: +2$/m);

    const stale = await server.acsctl(['profiles', 'update', 'pon', '--disabled', '--revision', '1']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: ABORTED: .*profile-1/);

    // The custom metric is still named in --metrics: the server refuses the profile that would lose its definition.
    const orphan = await server.acsctl(['profiles', 'update', 'pon', '--no-custom']);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toMatch(/^ {2}metrics\[1\]: custom\.ponTemperature is neither a built-in metric nor one of customMetrics \[UNKNOWN_METRIC\]$/m);

    const plain = await server.json<acsV1.UpdateMonitoringProfileResponse>(['profiles', 'update', 'profile-1', '--no-custom', '--metrics', 'optical.rxPower', '--name', 'optical', '--group', 'g-1', '--disabled']);
    expect(plain.profile).toMatchObject({ name: 'optical', metrics: ['optical.rxPower'], intervalSeconds: 3600, target: { groupId: 'g-1' }, revision: 3 });
    expect(plain.profile?.customMetrics).toBeUndefined();
    expect(plain.profile?.enabled).toBeUndefined();
  });

  it('deletes a profile by name', async () => {
    await server.acsctl(['profiles', 'create', 'wan', '--metrics', 'wan.bytesReceived', '--filter', '']);
    expect(await server.acsctl(['profiles', 'delete', 'wan'])).toEqual({ code: 0, stdout: 'deleted monitoring profile wan\n', stderr: '' });
    const gone = await server.acsctl(['profiles', 'get', 'wan']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: NOT_FOUND: .*wan/);
  });

  it("prints the server's field violations: an unknown metric, a custom metric redefining a built-in one, a filter that does not parse, an interval too short", async () => {
    const bad = await server.acsctl(['profiles', 'create', 'x', '--metrics', 'cpu.nope', '--custom', 'name=wan.bytesSent,kind=counter,bits=16,Device=Device.X', '--filter', 'productClass =', '--interval', '10s']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: INVALID_ARGUMENT: invalid monitoring profile/);
    expect(bad.stderr).toMatch(/^ {2}customMetrics\[0\]\.name: wan\.bytesSent is a built-in metric \[ALREADY_EXISTS\]$/m);
    expect(bad.stderr).toMatch(/^ {2}customMetrics\[0\]\.bits: is a counter's width: 32 or 64 \[BAD_FORMAT\]$/m);
    expect(bad.stderr).toMatch(/^ {2}metrics\[0\]: cpu\.nope is neither a built-in metric nor one of customMetrics \[UNKNOWN_METRIC\]$/m);
    expect(bad.stderr).toMatch(/^ {2}target\.filter: .*\[BAD_FORMAT\]$/m);
    expect(bad.stderr).toMatch(/^ {2}intervalSeconds: is whole seconds from 60 to 86400 \[OUT_OF_RANGE\]$/m);
  });

  it('refuses wrong command lines before calling the service', async () => {
    const create = ['profiles', 'create', 'x'];
    const cases: Array<[string[], RegExp]> = [
      [[...create, '--filter', ''], /--metrics A,B is required/],
      [[...create, '-m', 'cpu'], /give --filter EXPR \("" for every device\) or --group GROUP/],
      [[...create, '-m', 'cpu', '--filter', '', '--group', 'g'], /give --filter or --group, not both/],
      [[...create, '-m', 'cpu', '--filter', '', '--interval', 'soon'], /--interval: "soon" is not a duration/],
      [[...create, '-m', 'cpu', '--filter', '', '--interval', '1.5s'], /--interval: "1.5s" is not a whole number of seconds/],
      [[...create, '-m', 'cpu', '--filter', '', '--custom', 'name=a,colour=red'], /--custom: "colour=red" is not one of name=, kind=/],
      [[...create, '-m', 'cpu', '--filter', '', '--custom', 'name=a,scale=big'], /--custom: scale "big" is not a number/],
      [['profiles', 'update', 'x'], /nothing to change/],
      [['profiles', 'update', 'x', '--enabled', '--disabled'], /give --enabled or --disabled, not both/],
      [['profiles', 'update', 'x', '--custom', 'name=a', '--no-custom'], /give --custom or --no-custom, not both/],
      [['profiles', 'update', 'x', '--interval', '5m', '--revision', '0'], /--revision: "0" is not a whole number of at least 1/],
    ];
    for (const [argv, message] of cases) {
      const result = await server.acsctl(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(new RegExp(`\\n\\nusage: acsctl profiles ${argv[1]} `));
    }
    expect(server.calls).toEqual([]);
    expect((await server.acsctl(['help', 'profiles'])).stdout).toMatch(/profiles update PROFILE\n +changes a monitoring profile/);
  });
});
