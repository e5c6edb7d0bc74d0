import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server saw of one upload: the bytes of its body, counted as they came. */
export interface ReceivedUpload {
  path: string;
  method: string;
  bytes: number;
}

/**
 * The test's own HTTP server for TR-143 download and upload tests, on loopback and not throttled: the simulated CPE's
 * link is what limits the rate, so the throughput the device reports is the one configured on the simulator.
 * `GET /bytes/<n>` answers n bytes; `PUT|POST /upload/<name>` reads the body and answers 200 with its length.
 */
export class TransferServer {
  readonly uploads: ReceivedUpload[] = [];
  readonly downloads: string[] = [];
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<TransferServer> {
    const server = createServer();
    const instance = new TransferServer(server);
    server.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const size = /^\/bytes\/(\d+)$/.exec(url.pathname);
      if (request.method === 'GET' && size) {
        instance.downloads.push(url.pathname);
        const length = Number(size[1]);
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(length) });
        const chunk = Buffer.alloc(64 * 1024, 0x5a);
        let left = length;
        // Written as the socket takes it: the CPE's paused socket (its simulated link) sets the pace.
        const pump = (): void => {
          while (left > 0) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= piece.length;
            if (!response.write(piece)) {
              response.once('drain', pump);
              return;
            }
          }
          response.end();
        };
        pump();
        return;
      }
      if ((request.method === 'PUT' || request.method === 'POST') && url.pathname.startsWith('/upload/')) {
        const upload: ReceivedUpload = { path: url.pathname, method: request.method, bytes: 0 };
        request.on('data', (data: Buffer) => (upload.bytes += data.length));
        request.on('end', () => {
          instance.uploads.push(upload);
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end(String(upload.bytes));
        });
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
