import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, REPO_ROOT } from '../../support/processes';
import { healthStatus } from './nbi-client';

export interface NbiProcess {
  nbiAddress: string;
  mgmtUrl: string;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts the nbi pod (`dist/apps/nbi/src/main.js`) and waits until its public gRPC server answers health checks.
 * Not startApp(): that waits for /health/ready, which an nbi pod rightly withholds while its dependencies are down,
 * and the health acceptance starts one exactly then.
 */
export async function startNbiProcess(env: Record<string, string>): Promise<NbiProcess> {
  const main = join(REPO_ROOT, 'dist', 'apps', 'nbi', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`node tools/build.mjs\` first`);
  const mgmtPort = await freePort();
  const nbiPort = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ACS_MGMT_HOST: '127.0.0.1',
      ACS_MGMT_PORT: String(mgmtPort),
      ACS_NBI_HOST: '127.0.0.1',
      ACS_NBI_PORT: String(nbiPort),
      ACS_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  const nbiAddress = `127.0.0.1:${nbiPort}`;
  const stop = (): Promise<number | null> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });

  // Joining Kafka consumer groups at start can take a rebalance or two.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nbi exited with ${child.exitCode} while starting:\n${output}`);
    // Any status will do: the server is up and its health service answers.
    const answer = await healthStatus(nbiAddress, '', 500);
    if (!answer.startsWith('error:')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nbi not answering health checks within 60 s (last: ${answer}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { nbiAddress, mgmtUrl: `http://127.0.0.1:${mgmtPort}`, output: () => output, stop };
}
