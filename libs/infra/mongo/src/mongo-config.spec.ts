import { ConfigError } from '@acs/platform';

import { DEFAULT_MONGO_URL, readMongoConfig, redactMongoUrl } from './mongo-config';

describe('readMongoConfig', () => {
  it('defaults to the local server with indexes built at start outside production', () => {
    expect(readMongoConfig({})).toEqual({ url: DEFAULT_MONGO_URL, autoIndex: true, autoCreate: true, serverSelectionTimeoutMs: 5_000 });
  });

  it('turns autoIndex and autoCreate off in production', () => {
    const config = readMongoConfig({ NODE_ENV: 'production' });
    expect(config.autoIndex).toBe(false);
    expect(config.autoCreate).toBe(false);
  });

  it('lets ACS_MONGO_AUTO_INDEX override the NODE_ENV default either way', () => {
    expect(readMongoConfig({ NODE_ENV: 'production', ACS_MONGO_AUTO_INDEX: 'true' })).toMatchObject({ autoIndex: true, autoCreate: true });
    expect(readMongoConfig({ ACS_MONGO_AUTO_INDEX: 'false' })).toMatchObject({ autoIndex: false, autoCreate: false });
  });

  it('reads the URL, the server selection timeout and the app name', () => {
    const config = readMongoConfig(
      { ACS_MONGO_URL: 'mongodb+srv://acs:pw@cluster0.example.net/acs?retryWrites=true', ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS: '1500' },
      'provisioning',
    );
    expect(config).toMatchObject({ url: 'mongodb+srv://acs:pw@cluster0.example.net/acs?retryWrites=true', serverSelectionTimeoutMs: 1500, appName: 'provisioning' });
  });

  it.each([
    [{ ACS_MONGO_URL: 'redis://127.0.0.1:6379' }, 'ACS_MONGO_URL'],
    [{ ACS_MONGO_URL: 'mongodb:///acs' }, 'ACS_MONGO_URL'],
    [{ ACS_MONGO_AUTO_INDEX: 'sometimes' }, 'ACS_MONGO_AUTO_INDEX'],
    [{ ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS: '5s' }, 'ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS'],
    [{ ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS: '10' }, 'ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS'],
  ])('rejects %j naming the variable', (env, variable) => {
    expect(() => readMongoConfig(env)).toThrow(ConfigError);
    expect(() => readMongoConfig(env)).toThrow(variable);
  });

  it('does not echo a password when it rejects a URL', () => {
    expect(() => readMongoConfig({ ACS_MONGO_URL: 'postgres://acs:hunter2@db/acs' })).toThrow(/acs:\*\*\*@db/);
    expect(() => readMongoConfig({ ACS_MONGO_URL: 'postgres://acs:hunter2@db/acs' })).not.toThrow(/hunter2/);
  });
});

describe('redactMongoUrl', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/acs', 'mongodb://127.0.0.1:27017/acs'],
    ['mongodb://acs:s3cret@127.0.0.1:27017/acs', 'mongodb://acs:***@127.0.0.1:27017/acs'],
    ['mongodb://acs@127.0.0.1/acs', 'mongodb://acs@127.0.0.1/acs'],
    ['mongodb://acs:p%40ss@a:27017,b:27017,c:27017/acs?replicaSet=rs0', 'mongodb://acs:***@a:27017,b:27017,c:27017/acs?replicaSet=rs0'],
    ['mongodb+srv://acs:pw@cluster0.example.net/acs', 'mongodb+srv://acs:***@cluster0.example.net/acs'],
    [
      'mongodb://h/acs?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok&tls=true',
      'mongodb://h/acs?authMechanism=MONGODB-AWS&authMechanismProperties=***&tls=true',
    ],
  ])('%s → %s', (url, shown) => {
    expect(redactMongoUrl(url)).toBe(shown);
  });
});
