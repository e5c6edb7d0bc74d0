import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/processes';

/**
 * A redis-server of one test's own (Debian's package, as deploy/local uses), on loopback and a free port, so the
 * test can stop and restart it without disturbing anyone else. It keeps an append-only file in a temp directory:
 * what was written before a stop is there again after the restart, as on a production Redis with persistence.
 */
export class DedicatedRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'acs-e2e-redis-'));
  private child?: ChildProcess;
  private log = '';

  private constructor(readonly port: number) {}

  static async start(): Promise<DedicatedRedis> {
    if (spawnSync('redis-server', ['--version']).error) {
      throw new Error('redis-server is not on PATH: run `npm run infra:test` (it installs Debian\'s redis-server package)');
    }
    const redis = new DedicatedRedis(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port and directory; resolves when it accepts connections. */
  async resume(): Promise<void> {
    if (this.running) return;
    const child = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)));
    child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)));
    const deadline = Date.now() + 10_000;
    while (!(await this.accepts())) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} while starting:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not open port ${this.port} within 10 s:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGTERM, as an orchestrator stops it: Redis flushes its append-only file and exits. Resolves once it has. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stops the server and deletes its directory; for afterAll. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}
