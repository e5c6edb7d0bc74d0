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
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DirectoryFileSource, DownloadAuthorizer, DownloadSigner, FileDownloadServer, FileServerMetrics, loadFileServerConfig } from '@acs/firmware';
import { downloadRound, startBenchServer } from './download-load';
import { pin } from './process-measures';

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
  return startBenchServer(__filename, [dir], { BENCH_SECRET: secret }, 'the file server');
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
      await downloadRound(child, urls, size, options.duration, 'downloads');
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
