/**
 * The firmware file server under N CPEs downloading one image at once on loopback: the server in its own process
 * pinned to one core, the clients in this one on the other.
 *
 *   node test/bench/run.js file-server [--clients 10,100] [--size-mib 64] [--duration 10]
 *
 * For each client count it prints the throughput (MB/s of file bytes received), downloads completed, the server's
 * peak RSS and its CPU seconds per GiB sent. Each client downloads the file through its own signed URL, over a new
 * connection each time as CPEs do, again and again until the duration ends; a download cut by the end counts for the
 * bytes it received.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DirectoryFileSource, DownloadAuthorizer, DownloadSigner, FileDownloadServer, FileServerMetrics, loadFileServerConfig } from '@acs/firmware';
import { cpuSeconds, pin, rssMiB } from './process-measures';

const FILE_ID = 'image64';
const MiB = 1024 * 1024;

interface Options {
  clients: number[];
  sizeMiB: number;
  duration: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { clients: [10, 100], sizeMiB: 64, duration: 10 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const text = argv[++i];
    if (flag === '--clients') options.clients = text!.split(',').map(Number);
    else if (flag === '--size-mib') options.sizeMiB = Number(text);
    else if (flag === '--duration') options.duration = Number(text);
    else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

/** The server process: serves the directory on a free port, says which on stdout, runs until SIGTERM. */
async function serve(dir: string, secret: string): Promise<void> {
  const config = loadFileServerConfig({ ACS_FIRMWARE_FILES_HOST: '127.0.0.1', ACS_FIRMWARE_FILES_PORT: '0', ACS_FIRMWARE_MAX_DOWNLOADS: '10000' });
  const logger = pino({ level: 'warn' });
  const server = new FileDownloadServer({
    source: new DirectoryFileSource(dir),
    authorizer: new DownloadAuthorizer({ secret: Buffer.from(secret), realm: config.auth.realm, nonceTtlMs: config.auth.nonceTtlMs }),
    config,
    metrics: new FileServerMetrics(new Registry()),
    logger,
  });
  const { http } = await server.listen();
  process.stdout.write(`${JSON.stringify({ port: http.port })}\n`);
  process.once('SIGTERM', () => void server.close(0).then(() => process.exit(0)));
}

function startServer(dir: string, secret: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(__dirname, 'run.js'), __filename, '--serve', dir], {
    env: { ...process.env, BENCH_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the file server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port }));
  });
}

/** One download: resolves with the body bytes received; stops early (and cuts the connection) at `stopAt`. */
function download(url: string, stopAt: number, expected: number): Promise<{ bytes: number; complete: boolean }> {
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

async function run(options: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acs-file-server-bench-'));
  const secret = randomBytes(32).toString('base64url');
  const size = options.sizeMiB * MiB;
  const source = new DirectoryFileSource(dir);
  // Written in 1 MiB random blocks, so making the file does not hold it whole in memory either.
  await source.put(FILE_ID, 'image.bin', Readable.from((function* () {
    for (let i = 0; i < options.sizeMiB; i++) yield randomBytes(MiB);
  })()));
  const { child, port } = await startServer(dir, secret);
  const pinnedServer = pin(child.pid!, 0);
  const pinnedSelf = pin(process.pid, 1);
  process.stdout.write(
    `file server: ${options.sizeMiB} MiB file, ${options.duration} s per run, server ${pinnedServer ? 'pinned to cpu 0' : 'not pinned'}, ` +
      `clients ${pinnedSelf ? 'pinned to cpu 1' : 'not pinned'} (node ${process.version})\n`,
  );
  const signer = new DownloadSigner(Buffer.from(secret));
  try {
    for (const clients of options.clients) {
      const urls = Array.from({ length: clients }, (_, i) =>
        signer.sign({ fileId: FILE_ID, name: 'image.bin', deviceId: `bench-cpe-${i}`, expiresAt: Date.now() + 3_600_000, baseUrl: `http://127.0.0.1:${port}` }).url);
      let peakRss = rssMiB(child.pid!);
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(child.pid!))), 100);
      const rssBefore = rssMiB(child.pid!);
      const cpuBefore = cpuSeconds(child.pid!);
      const started = performance.now();
      const stopAt = started + options.duration * 1000;
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
      const cpu = cpuSeconds(child.pid!) - cpuBefore;
      const gib = bytes / (1024 * MiB);
      process.stdout.write(
        `${String(clients).padStart(4)} clients: ${(bytes / 1e6 / elapsed).toFixed(0).padStart(6)} MB/s, ` +
          `${completed} downloads completed, ${gib.toFixed(1)} GiB in ${elapsed.toFixed(1)} s, ` +
          `server RSS ${rssBefore.toFixed(0)} → peak ${peakRss.toFixed(0)} MiB, server CPU ${(cpu / gib).toFixed(2)} s/GiB\n`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--serve') {
  void serve(args[1]!, process.env['BENCH_SECRET']!);
} else {
  run(parseArgs(args)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
