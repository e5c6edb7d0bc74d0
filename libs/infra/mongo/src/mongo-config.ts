import { ConfigError, EnvReader } from '@acs/platform';

export const DEFAULT_MONGO_URL = 'mongodb://127.0.0.1:27017/acs';

export interface MongoConfig {
  /** `mongodb://` or `mongodb+srv://` connection string; the database is its path unless `dbName` is set. */
  url: string;
  /** Overrides the URL's database (tests use one database per run). */
  dbName?: string;
  /**
   * Build the declared indexes when a model is attached. Off in production: building an index on a large
   * collection is an operation to schedule (`npm run db:indexes`), not a side effect of a pod starting.
   */
  autoIndex: boolean;
  /** Create the collections when a model is attached; follows autoIndex (same reason). */
  autoCreate: boolean;
  /** How long the driver looks for a server before an operation (or the first connect) fails. */
  serverSelectionTimeoutMs: number;
  /** Shown in the server's logs and currentOp, to tell services apart. */
  appName?: string;
}

/**
 * Reads the Mongo settings of one process:
 * - ACS_MONGO_URL (default mongodb://127.0.0.1:27017/acs)
 * - ACS_MONGO_AUTO_INDEX: build indexes and create collections at start; default true except when
 *   NODE_ENV=production
 * - ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS (default 5000): small, so a missing server fails the start quickly
 */
export function readMongoConfig(env: Record<string, string | undefined> = process.env, appName?: string): MongoConfig {
  const e = new EnvReader(env);
  const url = e.string('ACS_MONGO_URL', DEFAULT_MONGO_URL);
  if (!/^mongodb(\+srv)?:\/\/[^/?#]+/.test(url)) {
    throw new ConfigError('ACS_MONGO_URL', `must be a mongodb:// or mongodb+srv:// URL with a host, got "${redactMongoUrl(url)}"`);
  }
  const autoIndex = e.bool('ACS_MONGO_AUTO_INDEX', env.NODE_ENV !== 'production');
  return {
    url,
    autoIndex,
    autoCreate: autoIndex,
    serverSelectionTimeoutMs: e.int('ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS', 5_000, { min: 100, max: 120_000 }),
    ...(appName === undefined ? {} : { appName }),
  };
}

/**
 * The connection string with its password masked, for messages and logs. Written by hand because WHATWG URL does
 * not parse seed lists (`mongodb://a:27017,b:27017/acs`), which are ordinary in MongoDB URLs.
 */
export function redactMongoUrl(url: string): string {
  const withoutPassword = url.replace(/^([a-z+]+:\/\/)([^@/?#]*)@/i, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
  // Credentials can also travel as query options (e.g. AWS session tokens in authMechanismProperties).
  return withoutPassword.replace(/([?&](?:password|authMechanismProperties)=)[^&#]*/gi, '$1***');
}
