import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The process a benchmark loads: a built app (the standalone, the gateway pod) or the bare baseline server, on fixed
// loopback ports, its logs written to /dev/null as they would go to a log shipper.

const ROOT = join(__dirname, '..', '..');

export const TARGET_APPS = ['standalone', 'cwmp-gateway', 'bare'] as const;
export type TargetApp = (typeof TARGET_APPS)[number];

export const STORES = ['sqlite', 'nedb'] as const;
export type Store = (typeof STORES)[number];

export interface TargetOptions {
  app: TargetApp;
  /**
   * CWMP on `port`, management (metrics, health) on `port + 1`; the standalone's APIs on `port + 2` and `+ 3`. Below
   * Linux's ephemeral range (32768 and up): there, the simulator's own outgoing connections may hold the port.
   */
  port: number;
  logLevel: string;
  /** The standalone's provisioning store (ACS_STORE); absent: its default. */
  store?: Store;
  /** Records a V8 CPU profile there. */
  profileDir?: string;
  env?: Record<string, string>;
}

export interface BenchTarget {
  process: ChildProcess;
  pid: number;
  cwmpUrl: string;
  mgmtUrl: string;
  /** The standalone's data directory: fresh for the run, removed by stop() unless kept. */
  dataDir?: string;
  /** SIGTERM, wait for the exit, remove the data directory (unless `keepData`). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts the target and waits until it answers an empty POST (204). */
export async function startTarget(options: TargetOptions): Promise<BenchTarget> {
  const { app, port, profileDir } = options;
  const args =
    app === 'bare'
      ? [join(__dirname, 'bare-server.js'), String(port)]
      : [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(ROOT, `dist/apps/${app}/src/main.js`)];
  if (app !== 'bare' && !existsSync(args[args.length - 1])) throw new Error('run `npm run build` first');
  const standalone = app === 'standalone';
  // A server already there would answer the readiness probe and take this run's load.
  for (const used of [port, port + 1, ...(standalone ? [port + 2, port + 3] : [])]) {
    if (await listening(used)) throw new Error(`127.0.0.1:${used} is in use by another process: give another --port`);
  }
  // The standalone's store starts empty every run, and its API ports stay clear of an ACS running beside it.
  const dataDir = standalone ? mkdtempSync(join(tmpdir(), 'acs-bench-data-')) : undefined;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ACS_CWMP_HOST: '127.0.0.1',
      ACS_CWMP_PORT: String(port),
      ACS_MGMT_HOST: '127.0.0.1',
      ACS_MGMT_PORT: String(port + 1),
      ACS_LOG_LEVEL: options.logLevel,
      ...(standalone ? { ACS_DATA_DIR: dataDir, ACS_NBI_PORT: String(port + 2), ACS_GRPC_PORT: String(port + 3) } : {}),
      ...(standalone && options.store ? { ACS_STORE: options.store } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '' });
      if (res.status === 204) break;
    } catch {
      // not up yet
    }
    const failure = child.exitCode !== null ? `${app} exited with ${child.exitCode} while starting` : Date.now() > deadline ? `${app} did not start within 60 s` : undefined;
    if (failure) {
      child.kill('SIGKILL');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(failure);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    pid: child.pid!,
    cwmpUrl: `http://127.0.0.1:${port}/`,
    mgmtUrl: `http://127.0.0.1:${port + 1}`,
    dataDir,
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (dataDir && !keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
