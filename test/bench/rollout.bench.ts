/**
 * What the rollout engine itself costs per target, on the embedded store or MongoDB: creating a rollout of N targets,
 * starting them all (no concurrency or rate limit, so only the engine and the store pace it) and applying one outcome
 * each, `--parallel` reports at a time as a service's consumer would; a failure threshold is set, so each failure
 * evaluates it.
 *
 *   node test/bench/run.js rollout [--targets 10000] [--parallel 100] [--failures 0.05] [--store sqlite|mongo]
 *
 * `--store mongo` uses ACS_MONGO_URL (default mongodb://127.0.0.1:27017/acs) and drops its database afterwards.
 * Prints the times; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MongoTestDatabase, ServiceCollections } from '@acs/infra-mongo';
import { defineRolloutCollections, openMongoRolloutStore, openSqliteRolloutStore, RolloutEngine, type RolloutStore, type StartedTarget } from '@acs/rollout';

interface Options {
  targets: number;
  parallel: number;
  failures: number;
  store: 'sqlite' | 'mongo';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { targets: 10_000, parallel: 100, failures: 0.05, store: 'sqlite' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--targets') options.targets = Number(value());
    else if (flag === '--parallel') options.parallel = Number(value());
    else if (flag === '--failures') options.failures = Number(value());
    else if (flag === '--store') options.store = value() as Options['store'];
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!Number.isInteger(options.targets) || options.targets < 1) throw new Error('--targets must be a positive integer');
  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new Error('--parallel must be a positive integer');
  if (!(options.failures >= 0 && options.failures < 1)) throw new Error('--failures must be a share from 0 to below 1');
  if (options.store !== 'sqlite' && options.store !== 'mongo') throw new Error('--store must be sqlite or mongo');
  return options;
}

async function openStore(options: Options): Promise<{ store: RolloutStore; cleanup: () => Promise<void> }> {
  if (options.store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'acs-bench-rollout-'));
    const store = openSqliteRolloutStore({ file: join(dir, 'bench.sqlite'), prefix: 'bench' });
    return { store, cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const database = new MongoTestDatabase('acs_bench_rollout');
  const registry = new ServiceCollections('bench');
  const definitions = defineRolloutCollections(registry);
  const store = await openMongoRolloutStore(await database.connect(), registry, definitions);
  return { store, cleanup: () => database.drop() };
}

const ms = (from: number) => `${Math.round(performance.now() - from)} ms`;
const perTarget = (from: number, n: number) => `${(((performance.now() - from) * 1000) / n).toFixed(0)} µs/target`;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { store, cleanup } = await openStore(options);
  try {
    const started: StartedTarget[] = [];
    const engine = new RolloutEngine({ store, owner: 'bench', executor: { start: async (target) => void started.push(target) } });
    const n = options.targets;
    let at = performance.now();
    await engine.create({
      id: 'bench',
      policy: {
        waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
        windows: [],
        timeZone: 'UTC',
        concurrency: n,
        mode: 'active',
        retry: { maxAttempts: 1, initialBackoffMs: 0, multiplier: 1, maxBackoffMs: 0 },
        attemptTimeoutMs: 3_600_000,
        failureThreshold: { limit: { percent: 99 }, over: { lastFinished: 100 }, minFinished: 50 },
      },
      targets: Array.from({ length: n }, (_, i) => ({ deviceId: `00D09E-HG8245-BENCH${String(i).padStart(7, '0')}` })),
    });
    console.log(`create with ${n} targets (${options.store}): ${ms(at)} (${perTarget(at, n)})`);

    await engine.start('bench');
    at = performance.now();
    let ticks = 0;
    while (started.length < n) {
      await engine.tick('bench');
      ticks++;
    }
    console.log(`start all: ${ms(at)} in ${ticks} ticks (${perTarget(at, n)})`);

    at = performance.now();
    const failEvery = options.failures > 0 ? Math.round(1 / options.failures) : 0;
    for (let first = 0; first < n; first += options.parallel) {
      await Promise.all(
        started.slice(first, first + options.parallel).map((target, index) =>
          engine.report('bench', target.deviceId, failEvery > 0 && (first + index) % failEvery === 0 ? { kind: 'failed', error: { code: '9010', message: 'bench' } } : { kind: 'succeeded' }),
        ),
      );
    }
    console.log(`report all (${options.parallel} at a time, ${Math.round(options.failures * 100)} % failures): ${ms(at)} (${perTarget(at, n)})`);

    at = performance.now();
    const progress = await engine.progress('bench');
    console.log(`progress: ${ms(at)}; state ${progress.state}, ${JSON.stringify(progress.counts)}`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
