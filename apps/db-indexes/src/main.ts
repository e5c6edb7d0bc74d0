// `npm run db:indexes [-- --dry-run]`: creates the collections and brings their indexes to what the services
// declare (drops undeclared ones). Services run with autoIndex off in production, so this is how indexes get built.
import { buildIndexes, MongoConnection, readMongoConfig, summarizeIndexBuild } from '@acs/infra-mongo';
import { ConfigError, UnavailableError } from '@acs/platform';

import { serviceCollections } from './registries';

const USAGE = `usage: npm run db:indexes [-- --dry-run]

Builds the indexes every service declares (apps/db-indexes/src/registries.ts) on ACS_MONGO_URL.
  --dry-run   print what would be created and dropped, change nothing`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = argv.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const dryRun = argv.includes('--dry-run');
  // The plan must see the server as it is: nothing created behind its back when the models are attached.
  const config = { ...readMongoConfig(process.env, 'db-indexes'), autoIndex: false, autoCreate: false };
  const connection = await MongoConnection.open(config);
  try {
    const server = connection.server.ferretdb ? `FerretDB ${connection.server.ferretdb}` : `MongoDB ${connection.server.version}`;
    process.stdout.write(`${connection.displayUrl} (${server})${dryRun ? ', dry run' : ''}\n`);
    const report = await buildIndexes(connection, serviceCollections, { dryRun, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${summarizeIndexBuild(report)}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof UnavailableError;
  process.stderr.write(`db:indexes failed: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
