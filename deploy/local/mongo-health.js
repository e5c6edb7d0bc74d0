'use strict';
// Health probe for the local MongoDB-protocol server: connects with the same driver mongoose uses and runs `ping`,
// retrying until the deadline. Usage: node mongo-health.js <mongodb-url> [timeoutMs]
const { MongoClient } = require('mongoose').mongo;

const url = process.argv[2] || 'mongodb://127.0.0.1:27017/acs';
const timeoutMs = Number(process.argv[3] || 60000);

async function probeOnce() {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  try {
    await client.connect();
    const admin = client.db('admin');
    await admin.command({ ping: 1 });
    const info = await admin.command({ buildInfo: 1 });
    return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version})` : `MongoDB ${info.version}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function main() {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const server = await probeOnce();
      process.stdout.write(`mongo ${url} healthy: ${server}\n`);
      return 0;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  process.stderr.write(`mongo ${url} not healthy after ${timeoutMs}ms: ${lastError && lastError.message}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`mongo health probe crashed: ${error && error.stack}\n`);
    process.exit(1);
  },
);
