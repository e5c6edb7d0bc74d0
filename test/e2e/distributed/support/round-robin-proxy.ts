import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, not of the message: a proxy never passes them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

export interface ProxyStats {
  /** Requests handed to a backend (a rerouted request counts once, at the backend that took it). */
  forwarded: number;
  forwardedTo: number[];
  /** Requests each backend has and has not answered yet. */
  pendingAt: number[];
  /** Requests that found a backend's port closed and went to the next one. */
  rerouted: number;
  /** Requests answered 502: the backend connection broke before the whole answer came back, or every backend refused. */
  cut: number;
}

/**
 * What a Kubernetes Service does in front of gateway pods, small enough to reason about: every request goes to the
 * next backend in turn (no affinity, so consecutive requests of one CWMP session land on different pods); a backend
 * that refuses the connection (its pod is gone) is skipped and the request goes to the next; a request whose
 * backend dies while serving it is answered 502. Each forwarded request opens its own backend connection, so
 * "refused" always means the request reached no gateway and is safe to send elsewhere, while a request that may
 * have reached one is never sent twice.
 */
export class RoundRobinProxy {
  readonly stats: ProxyStats;
  private readonly server: Server;
  private next = 0;

  /** `onForward` runs as each request is handed to a backend; the kill test uses it to pick its moment. */
  constructor(
    private readonly backends: URL[],
    private readonly onForward?: (stats: ProxyStats) => void,
  ) {
    this.stats = { forwarded: 0, forwardedTo: backends.map(() => 0), pendingAt: backends.map(() => 0), rerouted: 0, cut: 0 };
    this.server = createServer((req, res) => this.receive(req, res));
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.forward(req, res, Buffer.concat(chunks), this.next++ % this.backends.length, 0));
    req.on('error', () => res.destroy());
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer, backend: number, refusals: number): void {
    const target = this.backends[backend]!;
    let answered = false;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.stats.pendingAt[backend]! -= 1;
    };
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: target.host, 'content-length': String(body.length) },
        agent: false,
      },
      (answer) => {
        answered = true;
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          settle();
          if (!answer.complete) return this.cut(res);
          res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
          res.end(Buffer.concat(chunks));
        });
        answer.on('aborted', () => {
          settle();
          this.cut(res);
        });
        answer.on('error', () => {
          settle();
          this.cut(res);
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      if (answered) return this.cut(res);
      if (error.code === 'ECONNREFUSED' && refusals + 1 < this.backends.length) {
        this.stats.rerouted += 1;
        this.stats.forwardedTo[backend]! -= 1;
        this.stats.forwarded -= 1;
        return this.forward(req, res, body, (backend + 1) % this.backends.length, refusals + 1);
      }
      this.cut(res);
    });
    this.stats.forwarded += 1;
    this.stats.forwardedTo[backend]! += 1;
    this.stats.pendingAt[backend]! += 1;
    upstream.end(body);
    this.onForward?.(this.stats);
  }

  private cut(res: ServerResponse): void {
    if (res.headersSent || res.writableEnded) return;
    this.stats.cut += 1;
    res.writeHead(502, { 'Content-Type': 'text/plain', 'Content-Length': '12' });
    res.end('bad gateway\n');
  }
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}
