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
    });
  });

  it.each([
    [[], '--acs is required'],
    [['--acs', 'ftp://x'], 'http(s) URLs'],
    [['--acs', 'http://x', '--count', 'many'], 'integer'],
    [['--acs', 'http://x', '--cwmp-version', '2.0'], '1.0 … 1.4'],
    [['--acs', 'http://x', '--user', 'u'], 'go together'],
    [['--acs', 'http://x', '--frobnicate'], 'unknown argument'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulatorArguments(argv)).toThrow(UsageError);
    expect(() => parseSimulatorArguments(argv)).toThrow(message);
  });
});
