import { randomBytes } from 'node:crypto';

import { readMongoConfig, redactMongoUrl } from './mongo-config';
import { MongoConnection } from './mongo-connection';
import { MongoUnavailableError } from './mongo-errors';

/**
 * For integration specs: connections to one throw-away database (`<prefix>_<random>`) on the real MongoDB-protocol
 * server at ACS_MONGO_URL (default mongodb://127.0.0.1:27017/acs, FerretDB from `npm run infra:up`), dropped by
 * `drop()`. A missing server fails every `connect()` with a message saying how to start one, never skips.
 */
export class MongoTestDatabase {
  private readonly base = readMongoConfig({ ACS_MONGO_URL: process.env.ACS_MONGO_URL });
  readonly name: string;
  private readonly opened: MongoConnection[] = [];
  private unreachable: Error | null = null;

  constructor(prefix: string) {
    this.name = `${prefix}_${randomBytes(4).toString('hex')}`;
  }

  /** A new connection to the database; `autoIndex` (default true) also creates collections and builds indexes. */
  async connect(options: { autoIndex?: boolean } = {}): Promise<MongoConnection> {
    if (this.unreachable) throw this.unreachable;
    const autoIndex = options.autoIndex ?? true;
    try {
      const connection = await MongoConnection.open({ ...this.base, dbName: this.name, autoIndex, autoCreate: autoIndex, serverSelectionTimeoutMs: 2_000 });
      this.opened.push(connection);
      return connection;
    } catch (error) {
      if (!(error instanceof MongoUnavailableError)) throw error;
      this.unreachable = new Error(`MongoDB not reachable at ${redactMongoUrl(this.base.url)} — run \`npm run infra:up\` (or set ACS_MONGO_URL)`, { cause: error });
      throw this.unreachable;
    }
  }

  /** Drops the database (through a connection still open) and closes every connection opened. */
  async drop(): Promise<void> {
    const live = this.opened.find((connection) => connection.connection.readyState === 1);
    if (live) await live.connection.dropDatabase();
    for (const connection of this.opened) await connection.close();
    this.opened.length = 0;
  }
}
