import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One CWMP HTTP exchange as the relay saw it: what the CPE posted and what the ACS answered. */
export interface CwmpExchange {
  requestBody: string;
  status: number;
  responseBody: string;
}

/**
 * An HTTP relay between simulated CPEs and an ACS, so that a test can act at an exact point of a CWMP session: the
 * `onExchange` hook runs when the ACS's answer has arrived and before the CPE gets it (a test that kills the ACS
 * there knows what the ACS had done). The target can change, so CPEs keep one ACS URL across a restart. An ACS that
 * cannot be reached is answered with 502, which the CPE takes as a failed session.
 */
export class CwmpRelay {
  private readonly server: Server;
  private port = 0;

  constructor(
    public target: string,
    private readonly onExchange: (exchange: CwmpExchange) => void = () => undefined,
  ) {
    this.server = createServer((req, res) => {
      void this.relay(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async relay(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const requestBody = await readAll(req);
    const target = new URL(this.target);
    const headers = { ...req.headers, host: target.host, 'content-length': String(requestBody.length) };
    delete headers.connection;
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      // A connection per request: the ACS keeps a session by its cookie, which the CPE sends on every request.
      const outgoing = request(target, { method: req.method, headers, agent: false }, resolve);
      outgoing.once('error', reject);
      outgoing.end(requestBody);
    });
    const body = await readAll(upstream);
    const status = upstream.statusCode ?? 502;
    this.onExchange({ requestBody: requestBody.toString('utf8'), status, responseBody: body.toString('utf8') });
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') responseHeaders[name] = value;
    }
    responseHeaders['content-length'] = String(body.length);
    return { status, headers: responseHeaders, body };
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
