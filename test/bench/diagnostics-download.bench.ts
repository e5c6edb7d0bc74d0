/**
 * The diagnostics service's TR-143 download endpoint under N CPEs running download tests at once on loopback: the
 * server in its own process pinned to one core, the clients in this one on the other.
 *
 *   node test/bench/run.js diagnostics-download [--clients 1,10,50] [--size-mib 64] [--duration 10]
 *
 * For each client count it prints the throughput (MB/s of payload received), tests completed, the server's peak RSS
 * and its CPU seconds per GiB sent. Each client fetches its own signed URL over a new connection each time, as CPEs
 * do, again and again until the duration ends; a test cut by the end counts for the bytes it received. No bandwidth
 * cap is set: this measures what one core can generate and send.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DiagnosticsHttpMetrics, DiagnosticsHttpServer, DiagnosticsUrlSigner, loadDiagnosticsHttpConfig } from '@acs/diagnostics';
import { downloadRound, startBenchServer } from './download-load';
import { pin } from './process-measures';

const MiB = 1024 * 1024;

interface Options {
  clients: number[];
  sizeMiB: number;
  duration: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { clients: [1, 10, 50], sizeMiB: 64, duration: 10 };
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

const benchConfig = () =>
  loadDiagnosticsHttpConfig({
    ACS_DIAGNOSTICS_HTTP_HOST: '127.0.0.1',
    ACS_DIAGNOSTICS_HTTP_PORT: '0',
    ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS: '10000',
    ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS_PER_CLIENT: '10000',
  });

/** The server process: listens on a free port, says which on stdout, runs until SIGTERM. */
async function serve(secret: string): Promise<void> {
  const server = new DiagnosticsHttpServer({
    config: benchConfig(),
    secret: Buffer.from(secret),
    sink: { accept: () => Promise.resolve() },
    metrics: new DiagnosticsHttpMetrics(new Registry()),
    logger: pino({ level: 'error' }),
  });
  const { http } = await server.start();
  process.stdout.write(`${JSON.stringify({ port: http.port })}\n`);
  process.once('SIGTERM', () => void server.stop(0).then(() => process.exit(0)));
}

function startServer(secret: string): Promise<{ child: ChildProcess; port: number }> {
  return startBenchServer(__filename, [], { BENCH_SECRET: secret }, 'the diagnostics HTTP server');
}

async function run(options: Options): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const size = options.sizeMiB * MiB;
  const { child, port } = await startServer(secret);
  const pinnedServer = pin(child.pid!, 0);
  const pinnedSelf = pin(process.pid, 1);
  process.stdout.write(
    `diagnostics download: ${options.sizeMiB} MiB per test, ${options.duration} s per run, server ${pinnedServer ? 'pinned to cpu 0' : 'not pinned'}, ` +
      `clients ${pinnedSelf ? 'pinned to cpu 1' : 'not pinned'} (node ${process.version})\n`,
  );
  const signer = new DiagnosticsUrlSigner(Buffer.from(secret), { maxBytes: benchConfig().transfers.maxBytes });
  try {
    for (const clients of options.clients) {
      const urls = Array.from({ length: clients }, (_, i) =>
        signer.issueDownloadUrl(`http://127.0.0.1:${port}`, { runId: `bench-run-${i}`, bytes: size, expiresAt: Date.now() + 3_600_000 }));
      await downloadRound(child, urls, size, options.duration, 'tests');
    }
  } finally {
    child.kill('SIGTERM');
  }
}

const args = process.argv.slice(2);
if (args[0] === '--serve') {
  void serve(process.env['BENCH_SECRET']!);
} else {
  run(parseArgs(args)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
