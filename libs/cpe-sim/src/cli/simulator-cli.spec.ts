import { parseSimulatorArguments, UsageError } from './simulator-cli';

describe('parseSimulatorArguments', () => {
  it('reads every flag', () => {
    expect(
      parseSimulatorArguments([
        '--acs', 'http://a:7547/,http://b:7547/',
        '--count', '500',
        '--model', 'tr098',
        '--interval', '60',
        '--cwmp-version', '1.4',
        '--user', 'u',
        '--password', 'p',
        '--sessions', '3',
        '--cr-port', '0',
        '--json',
        '--software-version', '1.0.0',
        '--hardware-version', 'HW2',
        '--fw-install-ms', '500',
        '--fw-reboot-ms', '200',
        '--fw-attempts', '5',
        '--fw-fail', 'download=0.05,install=0.1,old-image=0.02,no-transfer-complete=0.01',
        '--fw-seed', '7',
      ]),
    ).toMatchObject({
      acsUrls: ['http://a:7547/', 'http://b:7547/'],
      count: 500,
      model: 'tr098',
      interval: 60,
      cwmpVersion: '1.4',
      user: 'u',
      password: 'p',
      sessions: 3,
      crPort: 0,
      json: true,
      softwareVersion: '1.0.0',
      hardwareVersion: 'HW2',
      installMs: 500,
      rebootMs: 200,
      downloadAttempts: 5,
      firmwareFailures: { download: 0.05, install: 0.1, oldImage: 0.02, noTransferComplete: 0.01 },
      firmwareSeed: 7,
    });
  });

  it.each([
    [[], '--acs is required'],
    [['--acs', 'ftp://x'], 'http(s) URLs'],
    [['--acs', 'http://x', '--count', 'many'], 'integer'],
    [['--acs', 'http://x', '--cwmp-version', '2.0'], '1.0 … 1.4'],
    [['--acs', 'http://x', '--user', 'u'], 'go together'],
    [['--acs', 'http://x', '--frobnicate'], 'unknown argument'],
    [['--acs', 'http://x', '--fw-fail', 'install=2'], '--fw-fail: the share of install must be a number from 0 to 1'],
    [['--acs', 'http://x', '--fw-fail', 'explode=0.1'], '--fw-fail: "explode=0.1" is not <mode>=<share>'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulatorArguments(argv)).toThrow(UsageError);
    expect(() => parseSimulatorArguments(argv)).toThrow(message);
  });
});
