/**
 * What the standalone's start-up reconcile costs (ReconcileDispatchedTasks): N dispatched tasks on the SQLite
 * provisioning store, their work items in the SQLite device queue, a share of them with their work gone as a
 * `kill -9` leaves them; the time to find and re-queue those.
 *
 *   node test/bench/run.js reconcile [--tasks 20000] [--lost 200] [--devices 5000]
 *
 * Prints the time of the reconcile and its report; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteGatewayStore } from '@acs/infra-sqlite';
import { InProcessEventBus, InProcessSessionStore } from '@acs/platform';
import { createProvisioningCore, openSqliteProvisioningStore, type Task } from '@acs/provisioning';
import pino from 'pino';

interface Options {
  tasks: number;
  lost: number;
  devices: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { tasks: 20_000, lost: 200, devices: 5_000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => Number(argv[++i]);
    if (flag === '--tasks') options.tasks = value();
    else if (flag === '--lost') options.lost = value();
    else if (flag === '--devices') options.devices = value();
    else throw new Error(`unknown flag ${flag}`);
  }
  for (const [name, n] of Object.entries(options)) if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  if (options.lost > options.tasks) throw new Error('--lost must not exceed --tasks');
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-reconcile-'));
  const store = openSqliteProvisioningStore({ dataDir });
  const gateway = openSqliteGatewayStore(dataDir);
  const bus = new InProcessEventBus();
  try {
    const now = Date.now();
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < options.tasks; i++) {
      const deviceId = `00D09E-HG8245-BENCH${String(i % options.devices).padStart(7, '0')}`;
      const itemId = randomUUID();
      const task: Task = {
        id: randomUUID(),
        deviceId,
        spec: { kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.'] },
        status: 'dispatched',
        source: 'api',
        channel: 'default',
        attempts: 1,
        maxAttempts: 5,
        createdAt: now + i,
        updatedAt: now + i,
        dispatchedAt: now + i,
        expiresAt: now + 86_400_000,
        workItemIds: [itemId],
        revision: 2,
      };
      writes.push(store.tasks.create(task));
      // The first `lost` tasks' items are gone, as after a kill -9 that took their results.
      if (i >= options.lost) writes.push(gateway.deviceQueue.enqueue({ id: itemId, deviceId, taskId: task.id, rpc: { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.'] }, enqueuedAt: now }));
      if (writes.length >= 1000) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);

    const core = createProvisioningCore({
      store,
      queue: gateway.deviceQueue,
      bus,
      sessions: new InProcessSessionStore(),
      presets: { current: async () => [] },
      logger: pino({ level: 'silent' }),
      config: { tasks: { maxAttempts: 5, retryBaseMs: 30_000, retryMaxMs: 3_600_000, defaultExpiryMs: 7 * 86_400_000 }, planMarkTtlMs: 60_000, manageConnectionRequestCredentials: false },
    });
    const started = process.hrtime.bigint();
    const report = await core.useCases.reconcileDispatchedTasks.execute();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${options.tasks} dispatched tasks over ${options.devices} devices, ${options.lost} with their work gone`);
    console.log(`reconcile: ${ms.toFixed(0)} ms, ${JSON.stringify(report)}`);
  } finally {
    await bus.close();
    gateway.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
