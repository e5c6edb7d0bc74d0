import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/processes';

/** One JSON line of the example consumer's output (apps/example-billing-consumer/src/main.ts). */
export interface BillingReport {
  registeredDevices: number;
  eventsRead: number;
  at: string;
  stopped?: boolean;
}

const MAIN = join(REPO_ROOT, 'dist', 'apps', 'example-billing-consumer', 'src', 'main.js');
const STARTED_LINE = 'counting registered devices on ';

function isBillingReport(value: unknown): value is BillingReport {
  if (typeof value !== 'object' || value === null) return false;
  const { registeredDevices, eventsRead } = value as Record<string, unknown>;
  return typeof registeredDevices === 'number' && typeof eventsRead === 'number';
}

/**
 * The built example billing consumer as a real process, read only through what it prints: the count lines are all
 * a billing operator would see of it. Other output (kafkajs warnings) is kept for error messages.
 */
export class BillingConsumerProcess {
  readonly reports: BillingReport[] = [];
  private output = '';
  private pending = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => this.read(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-50_000)));
  }

  /** Starts the consumer and resolves once it has subscribed (it prints a line then). */
  static async start(env: Record<string, string>, timeoutMs = 20_000): Promise<BillingConsumerProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`node tools/build.mjs\` first`);
    const child = spawn(process.execPath, [MAIN], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const consumer = new BillingConsumerProcess(child);
    await consumer.until('it subscribed', () => consumer.output.includes(STARTED_LINE), timeoutMs);
    return consumer;
  }

  get latest(): BillingReport | undefined {
    return this.reports.at(-1);
  }

  /** Everything it printed, for failure messages. */
  log(): string {
    return this.output;
  }

  /** Resolves with the first report (already printed or to come) that matches. */
  async waitForReport(what: string, match: (report: BillingReport) => boolean, timeoutMs: number): Promise<BillingReport> {
    let found: BillingReport | undefined;
    await this.until(what, () => (found = this.reports.find(match)) !== undefined, timeoutMs);
    return found!;
  }

  /** SIGTERM, as an orchestrator stops it; resolves with its last report (`stopped: true`) once it has exited 0. */
  async stop(timeoutMs = 15_000): Promise<BillingReport> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    if (this.child.exitCode !== 0) throw new Error(`the billing consumer exited with ${this.child.exitCode ?? this.child.signalCode}:\n${this.output}`);
    const last = this.latest;
    if (!last?.stopped) throw new Error(`the billing consumer exited without its final report:\n${this.output}`);
    return last;
  }

  /** For cleanup after a failure: gone, whatever it was doing. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private read(text: string): void {
    this.output = (this.output + text).slice(-50_000);
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      if (isBillingReport(parsed)) this.reports.push(parsed);
    }
  }

  private async until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.child.exitCode !== null) throw new Error(`the billing consumer exited with ${this.child.exitCode} before ${what}:\n${this.output}`);
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}; last report ${JSON.stringify(this.latest)}:\n${this.output.slice(-4_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
