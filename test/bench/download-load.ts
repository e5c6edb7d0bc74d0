import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { cpuSeconds, rssMiB } from './process-measures';

const MiB = 1024 * 1024;

/**
 * The load both HTTP download benchmarks put on a server (the firmware file server, the diagnostics test endpoint):
 * the server in a child process of its own (pinned apart from the clients), clients downloading for a fixed time, the
 * server's RSS and CPU per GiB measured from outside.
 */

/** Starts `benchFile --serve …args` (run through run.js) and resolves once it printed `{"port": N}`. */
export function startBenchServer(benchFile: string, args: string[], env: Record<string, string>, what: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(__dirname, 'run.js'), benchFile, '--serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port }));
  });
}

/** One download: resolves with the body bytes received; stops early (and cuts the connection) at `stopAt`. */
export function download(url: string, stopAt: number, expected: number): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`download answered ${res.statusCode}`));
        return;
      }
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (performance.now() >= stopAt) {
          req.destroy();
          resolve({ bytes, complete: false });
        }
      });
      res.on('end', () => {
        if (bytes !== expected) reject(new Error(`received ${bytes} of ${expected} bytes`));
        else resolve({ bytes, complete: true });
      });
    });
    req.on('error', (error) => (performance.now() >= stopAt ? resolve({ bytes: 0, complete: false }) : reject(error)));
  });
}

/**
 * One round: every URL downloaded over and over by its own client for `durationSeconds`; prints throughput, the
 * completed downloads (`noun`), the server's RSS before and at its peak and its CPU seconds per GiB served.
 */
export async function downloadRound(server: ChildProcess, urls: readonly string[], size: number, durationSeconds: number, noun: string): Promise<void> {
  const pid = server.pid!;
  let peakRss = rssMiB(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 100);
  const rssBefore = rssMiB(pid);
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const stopAt = started + durationSeconds * 1000;
  let bytes = 0;
  let completed = 0;
  await Promise.all(
    urls.map(async (url) => {
      while (performance.now() < stopAt) {
        const result = await download(url, stopAt, size);
        bytes += result.bytes;
        if (result.complete) completed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const gib = bytes / (1024 * MiB);
  process.stdout.write(
    `${String(urls.length).padStart(4)} clients: ${(bytes / 1e6 / elapsed).toFixed(0).padStart(6)} MB/s, ` +
      `${completed} ${noun} completed, ${gib.toFixed(1)} GiB in ${elapsed.toFixed(1)} s, ` +
      `server RSS ${rssBefore.toFixed(0)} → peak ${peakRss.toFixed(0)} MiB, server CPU ${(cpu / gib).toFixed(2)} s/GiB\n`,
  );
}
