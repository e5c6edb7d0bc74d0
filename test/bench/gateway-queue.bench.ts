/**
 * What a durable device queue costs: the work-item cycle a session runs (enqueue by provisioning, lease and ack by
 * the gateway) and the lease of a session with nothing to do, on the SQLite queue of the standalone
 * (<ACS_DATA_DIR>/gateway.sqlite, WAL, synchronous NORMAL) against the in-process one it replaced.
 *
 *   node test/bench/run.js gateway-queue [--devices 10000] [--rounds 3] [--concurrency 64] [--synchronous normal|full]
 *
 * Prints operations per second and µs per operation; asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessDeviceQueue, type DeviceQueue, type WorkItem } from '@acs/platform';
import { GATEWAY_DATABASE_FILE, openSqliteGatewayStore } from '@acs/infra-sqlite';

interface Options {
  devices: number;
  rounds: number;
  concurrency: number;
  synchronous: 'normal' | 'full';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { devices: 10_000, rounds: 3, concurrency: 64, synchronous: 'normal' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--devices') options.devices = Number(value());
    else if (flag === '--rounds') options.rounds = Number(value());
    else if (flag === '--concurrency') options.concurrency = Number(value());
    else if (flag === '--synchronous') options.synchronous = value() as Options['synchronous'];
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!Number.isInteger(options.devices) || options.devices < 1) throw new Error('--devices must be a positive integer');
  if (options.synchronous !== 'normal' && options.synchronous !== 'full') throw new Error('--synchronous must be normal or full');
  return options;
}

function item(deviceId: string, n: number): WorkItem {
  return {
    id: `${deviceId}-item-${n}`,
    deviceId,
    taskId: `task-${deviceId}-${n}`,
    rpc: { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion', 'Device.ManagementServer.PeriodicInformInterval'] },
    enqueuedAt: Date.now(),
  };
}

async function measure(label: string, operations: number, run: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(52)} ${Math.round(operations / seconds).toLocaleString('en').padStart(10)} ops/s ${((seconds / operations) * 1e6).toFixed(1).padStart(7)} µs/op`);
}

/** `perDevice` for every device, `concurrency` devices at a time (sessions of many CPEs overlap). */
async function inParallel(devices: string[], concurrency: number, perDevice: (device: string) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < devices.length) await perDevice(devices[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, worker));
}

async function round(name: string, queue: DeviceQueue, devices: string[], n: number, concurrency: number): Promise<void> {
  await measure(`${name}: enqueue, ${concurrency} at once`, devices.length, () => inParallel(devices, concurrency, (device) => queue.enqueue(item(device, 1000 + n))));
  await measure(`${name}: lease + ack, ${concurrency} at once`, devices.length, () =>
    inParallel(devices, concurrency, async (device) => {
      const leased = await queue.lease(device);
      if (!leased) throw new Error(`nothing queued for ${device}`);
      await queue.ack(device, leased.id);
    }),
  );
  await measure(`${name}: enqueue, one at a time`, devices.length, async () => {
    for (const device of devices) await queue.enqueue(item(device, n));
  });
  await measure(`${name}: lease + ack, one at a time`, devices.length, async () => {
    for (const device of devices) {
      const leased = await queue.lease(device);
      if (!leased) throw new Error(`nothing queued for ${device}`);
      await queue.ack(device, leased.id);
    }
  });
  await measure(`${name}: lease of an empty queue (a periodic session)`, devices.length, async () => {
    for (const device of devices) if (await queue.lease(device)) throw new Error(`${device} still has work`);
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const devices = Array.from({ length: options.devices }, (_, i) => `00D09E-HG8245-BENCH${String(i).padStart(7, '0')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-gateway-queue-'));
  const store = openSqliteGatewayStore(dataDir, { synchronous: options.synchronous });
  const memory = new InProcessDeviceQueue();
  console.log(`${options.devices} devices, ${options.rounds} rounds, SQLite synchronous=${options.synchronous}`);
  try {
    for (let r = 0; r < options.rounds; r++) {
      console.log(`-- round ${r + 1}`);
      await round('sqlite', store.deviceQueue, devices, r, options.concurrency);
      await round('in-process', memory, devices, r, options.concurrency);
    }
    // A queue that stays busy: every device with 5 items waiting, the file's size then.
    for (const device of devices) for (let n = 0; n < 5; n++) await store.deviceQueue.enqueue(item(device, 100 + n));
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`gateway.sqlite with ${options.devices * 5} items waiting: ${(statSync(join(dataDir, GATEWAY_DATABASE_FILE)).size / 1024 / 1024).toFixed(1)} MiB`);
  } finally {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
