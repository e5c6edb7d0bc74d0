import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/processes';
import { walkthroughCommands, type WalkthroughCommand } from './support/readme-walkthrough';

/**
 * The ports the README's commands use as written: the standalone's defaults (CWMP, the firmware file server,
 * management, public API) and the simulator's `--cr-port`.
 */
const README_PORTS = [7547, 7548, 7549, 9464, 50052];

interface Background {
  command: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * The README's first-run walkthrough, run as written: every ```sh block marked `<!-- walkthrough -->` is read from
 * README.md (not copied here), and each line is run by bash in a fresh copy of the repository — its own `data/`, its
 * own `dist/` built by `npm start`'s prestart — on the ports the README names. A line ending in `&` keeps running; the
 * next line waits until that command is ready, the way a user waits for what it prints.
 */
describe('README walkthrough', () => {
  const commands = walkthroughCommands(join(REPO_ROOT, 'README.md'));
  let workDir: string;
  const env: NodeJS.ProcessEnv = {};
  const background: Background[] = [];

  beforeAll(async () => {
    for (const port of README_PORTS) await expectPortFree(port);
    workDir = freshCopyOfRepository();
    // A new user's shell: none of the ACS variables a test run may carry (ports, data dirs, log levels).
    for (const [name, value] of Object.entries(process.env)) {
      if (/^(ACS|ACSCTL)_/.test(name) && !name.startsWith('ACS_INFRA_')) continue;
      env[name] = value;
    }
  });

  afterAll(async () => {
    // The simulator and the ACS were left running by the walkthrough, as a user would; stopped like Ctrl-C would.
    for (const job of background.reverse()) await stopGroup(job);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('has commands to run', () => {
    expect(commands.length).toBeGreaterThan(3);
    expect(commands.some((c) => c.command.startsWith('npm start'))).toBe(true);
  });

  it('runs every command as written, each succeeding', async () => {
    for (const command of commands) {
      if (command.export) {
        env[command.export.name] = command.export.value;
        continue;
      }
      if (command.background) {
        const job = startBackground(command, workDir, env);
        background.push(job);
        await waitUntilReady(job, workDir);
        continue;
      }
      const { code, output } = await runForeground(command.command, workDir, env);
      if (code !== 0) throw new Error(`README command failed with exit code ${code}: ${command.command}\n${output}`);
      checkOutput(command, output);
    }
    // Commands left in the background that end by themselves (events tail --count N) end well.
    for (const job of background.filter((j) => !isLongRunning(j.command))) {
      const code = await job.exited;
      if (code !== 0) throw new Error(`README command failed with exit code ${code}: ${job.command}\n${job.output()}`);
      checkOutput({ command: job.command, background: true }, job.output());
    }
  }, 300_000);
});

/**
 * SIGTERM to the job's process group (bash, npm, the node process npm started), then waits until no process of the
 * group is left: npm may exit before the ACS it started has finished its graceful stop.
 */
async function stopGroup(job: Background): Promise<void> {
  const signal = (sig: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-job.child.pid!, sig);
      return true;
    } catch {
      return false;
    }
  };
  signal('SIGTERM');
  await job.exited;
  while (signal(0)) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** What a user would look for in what a command printed, beyond its exit code. */
function checkOutput(command: WalkthroughCommand, output: string): void {
  const text = command.command;
  if (/acsctl -- tasks create .*--wait/.test(text)) expect(output).toMatch(/^status:\s+DONE$/m);
  if (/acsctl -- devices list/.test(text)) expect(output).toMatch(/^\S+-\S+-\S+\s/m);
  if (/acsctl -- events tail .*--count (\d+)/.test(text)) {
    const count = Number(/--count (\d+)/.exec(text)![1]);
    expect(output.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT\S+\s+acs\./.test(l))).toHaveLength(count);
  }
  if (/grpcurl .* list$/.test(text)) expect(output).toContain('acs.v1.TaskService');
  if (/presets apply/.test(text)) expect(output).toMatch(/created|unchanged|updated/);
  expect(output).not.toMatch(/^error:/m);
}

function isLongRunning(command: string): boolean {
  return /^npm start|npm run -s sim/.test(command);
}

/** What the walkthrough waits for after starting a command in the background, as its reader does. */
async function waitUntilReady(job: Background, workDir: string): Promise<void> {
  const text = job.command;
  if (/^npm start/.test(text)) {
    // The README's management port: ready once every part of the ACS answers.
    await until(job, async () => (await fetch('http://127.0.0.1:9464/health/ready').catch(() => undefined))?.status === 200);
  } else if (/npm run -s sim/.test(text)) {
    const log = /> (\S+)/.exec(text)?.[1];
    await until(job, () => (log ? readIfExists(join(workDir, log)) : job.output()).includes('simulated CPE(s) up'));
  } else if (/acsctl -- events tail/.test(text)) {
    await until(job, () => job.output().includes('events tail: watching'));
  } else {
    throw new Error(`the walkthrough test does not know when "${text}" is ready; teach waitUntilReady`);
  }
}

/** Polls `ready` until it holds; fails at once if the job exits first. No time limit but the test's own. */
async function until(job: Background, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (;;) {
    if (await ready()) return;
    if (job.child.exitCode !== null) throw new Error(`"${job.command}" exited with ${job.child.exitCode} before it was ready:\n${job.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startBackground(command: WalkthroughCommand, cwd: string, env: NodeJS.ProcessEnv): Background {
  // Its own process group, so stopping it stops npm and the node process npm started.
  const child = spawn('bash', ['-c', command.command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { command: command.command, child, output: () => output, exited };
}

function runForeground(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The repository's files as a fresh clone has them (tracked and not ignored), with its installed node_modules. */
function freshCopyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-readme-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
  execFileSync('tar', ['-cf', join(dir, '.files.tar'), '--null', '-T', '-'], { cwd: REPO_ROOT, input: files.join('\0') });
  execFileSync('tar', ['-xf', '.files.tar'], { cwd: dir });
  rmSync(join(dir, '.files.tar'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The README names fixed ports; one already taken (another ACS running here) is a clear failure, not a mystery. */
function expectPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new Error(`port ${port}, which the README's commands use, is taken on this machine: stop what listens there`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
