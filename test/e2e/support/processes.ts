import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '@acs/testing';

/** A free TCP port on loopback (bound then released: good enough for tests that start right after). */
export { freePort };

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface RunningApp {
  process: ChildProcess;
  cwmpUrl: string;
  mgmtUrl: string;
  /** ACS_GRPC_PORT: the provisioning gRPC API (standalone and provisioning apps), a firmware or grouping pod's own API. */
  grpcAddress: string;
  /** The public gRPC API `acs.v1` (standalone and nbi apps). */
  nbiAddress: string;
  /** The process's ACS_DATA_DIR (the standalone keeps its bootstrap admin token under nbi/). */
  dataDir: string;
  output: () => string;
  stop(): Promise<number | null>;
}

function appMain(name: string): string {
  const main = join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (the test command does)`);
  return main;
}

/** An app's environment: free loopback ports, a fresh data directory, warnings only; `env` overrides any of it. */
async function appEnv(name: string, env: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    ACS_CWMP_HOST: '127.0.0.1',
    ACS_CWMP_PORT: String(await freePort()),
    ACS_MGMT_HOST: '127.0.0.1',
    ACS_MGMT_PORT: String(await freePort()),
    ACS_GRPC_HOST: '127.0.0.1',
    ACS_GRPC_PORT: String(await freePort()),
    ACS_NBI_HOST: '127.0.0.1',
    ACS_NBI_PORT: String(await freePort()),
    // The firmware file server (standalone and firmware pods); firmware pods must share a signing secret.
    ACS_FIRMWARE_FILES_HOST: '127.0.0.1',
    ACS_FIRMWARE_FILES_PORT: String(await freePort()),
    ...(name === 'firmware' ? { ACS_FIRMWARE_URL_SECRET: 'e2e-firmware-download-secret' } : {}),
    // The diagnostics HTTP server (test transfers, BulkData collector): standalone and diagnostics pods.
    ACS_DIAGNOSTICS_HTTP_HOST: '127.0.0.1',
    ACS_DIAGNOSTICS_HTTP_PORT: String(await freePort()),
    ACS_LOG_LEVEL: 'warn',
    // A fresh embedded store per process: no state carried over between tests or runs.
    ACS_DATA_DIR: env.ACS_DATA_DIR ?? mkdtempSync(join(tmpdir(), `acs-${name}-data-`)),
    ...env,
  };
}

/**
 * Starts a built app (`dist/apps/<name>/src/main.js`) on free loopback ports and waits until it is ready.
 * `stdoutFile`: the app's stdout goes straight to that file, as with `npm start > acs.log` (no pipe in between, so
 * what is in the file is exactly what the process wrote); `output()` reads it.
 */
export async function startApp(name: string, env: Record<string, string> = {}, options: { stdoutFile?: string } = {}): Promise<RunningApp> {
  const main = appMain(name);
  const childEnv = await appEnv(name, env);
  const cwmpPort = childEnv.ACS_CWMP_PORT!;
  const mgmtPort = childEnv.ACS_MGMT_PORT!;
  const grpcPort = childEnv.ACS_GRPC_PORT!;
  const nbiPort = childEnv.ACS_NBI_PORT!;
  const dataDir = childEnv.ACS_DATA_DIR!;
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'a');
  const child = spawn(process.execPath, [main], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
  // The child has its own copy of the descriptor.
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  let piped = '';
  child.stdout?.on('data', (d: Buffer) => (piped = (piped + d.toString()).slice(-200_000)));
  child.stderr!.on('data', (d: Buffer) => (piped = (piped + d.toString()).slice(-200_000)));
  const file = options.stdoutFile;
  const outputNow = () => (file === undefined ? piped : `${readFileSync(file, 'utf8')}${piped}`);
  const mgmtUrl = `http://127.0.0.1:${mgmtPort}`;
  // Pods on Kafka join consumer groups at start; two joining one group at once wait for a rebalance.
  const readyWithinMs = 60_000;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting:\n${outputNow()}`);
    try {
      const res = await fetch(`${mgmtUrl}/health/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready within ${readyWithinMs / 1000} s:\n${outputNow()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    cwmpUrl: `http://127.0.0.1:${cwmpPort}/`,
    mgmtUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    nbiAddress: `127.0.0.1:${nbiPort}`,
    dataDir,
    output: outputNow,
    stop: () =>
      new Promise((resolve) => {
        // Already gone (exit code, or killed by a signal): 'exit' will not fire again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export interface ExitedApp {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built app that is expected to stop by itself (a refused start), with startApp's environment, and resolves
 * with how it ended. One still running after `timeoutMs` is killed and reported as such.
 */
export async function runAppToExit(name: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ExitedApp> {
  const child = spawn(process.execPath, [appMain(name)], { cwd: REPO_ROOT, env: await appEnv(name, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    stderr += `\n(still running after ${timeoutMs} ms: killed by the test)`;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Reads one Prometheus sample (summing over label sets that match `labels`). */
export async function metric(mgmtUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${mgmtUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

/**
 * The environment of distributed-mode pods on the shared servers of `npm run infra:test` (Redis, Kafka, FerretDB),
 * with everything of one run under its own names: Redis key prefix, Kafka topic prefix, Mongo database.
 */
export function sharedInfrastructureEnv(run: string): Record<string, string> {
  return {
    ACS_SESSION_STORE: 'redis',
    ACS_REDIS_URL: process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379',
    ACS_REDIS_KEY_PREFIX: `acs-e2e-${run}`,
    ACS_EVENT_BUS: 'kafka',
    ACS_KAFKA_BROKERS: process.env.ACS_KAFKA_BROKERS ?? '127.0.0.1:9092',
    ACS_KAFKA_TOPIC_PREFIX: `e2e-${run}.`,
    ACS_KAFKA_PARTITIONS: '4',
    ACS_MONGO_URL: `mongodb://127.0.0.1:27017/acs_e2e_${run}`,
  };
}
