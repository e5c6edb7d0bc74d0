import { buildEnvelope, parseEnvelope, type AcsRequest, type CwmpEnvelope, type CwmpHeader } from '@acs/cwmp';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAcsRequest {
  /** Index of the listening server that took it (for several URLs). */
  server: number;
  envelope: CwmpEnvelope | null;
  headers: http.IncomingHttpHeaders;
}

export interface FakeAcsAnswer {
  status: number;
  body?: string;
  headers?: http.OutgoingHttpHeaders;
}

/**
 * A test double of an ACS for the simulator's own tests: answers Inform and TransferComplete, then sends the queued
 * RPCs one by one and ends the session with 204. `intercept` may answer a request differently (401, 503, odd XML).
 */
export class FakeAcs {
  readonly requests: FakeAcsRequest[] = [];
  /** RPCs sent, in order, on the CPE's empty POST and after each response. */
  readonly queue: Array<AcsRequest | string> = [];
  informResponseHeader: CwmpHeader = {};
  intercept?: (request: http.IncomingMessage, body: string) => FakeAcsAnswer | undefined;
  private readonly servers: http.Server[] = [];
  private rpcId = 0;

  async listen(count = 1): Promise<string[]> {
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const server = http.createServer((request, response) => this.serve(i, request, response));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/acs`);
    }
    return urls;
  }

  async close(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private serve(server: number, request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const intercepted = this.intercept?.(request, body);
      if (intercepted) {
        response.writeHead(intercepted.status, intercepted.headers).end(intercepted.body ?? '');
        return;
      }
      const envelope = parseEnvelope(body);
      this.requests.push({ server, envelope, headers: request.headers });
      const version = envelope?.version ?? '1.0';
      const reply = (xml: string, headers: http.OutgoingHttpHeaders = {}): void => {
        response.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"', ...headers }).end(xml);
      };
      if (envelope?.body.kind === 'Inform') {
        const header = { id: envelope.header.id, ...this.informResponseHeader };
        reply(buildEnvelope({ kind: 'InformResponse', maxEnvelopes: 1 }, header, version), { 'set-cookie': 'session=s1; Path=/' });
        return;
      }
      if (envelope?.body.kind === 'TransferComplete') {
        reply(buildEnvelope({ kind: 'TransferCompleteResponse' }, { id: envelope.header.id }, version));
        return;
      }
      const next = this.queue.shift();
      if (next === undefined) {
        response.writeHead(204).end();
      } else if (typeof next === 'string') {
        reply(next);
      } else {
        reply(buildEnvelope(next, { id: `rpc-${++this.rpcId}` }, version));
      }
    });
  }
}
