import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HttpEndpoint {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface HttpsEndpoint extends HttpEndpoint {
  certFile: string;
  keyFile: string;
}

/** node:http's timeouts, the same on every listener of an endpoint. */
export interface HttpTimeouts {
  /** The whole request, body included. */
  requestTimeoutMs: number;
  /** The request's headers (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** How long an idle kept-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /**
   * Connections the kernel holds for the process to accept (listen(2)'s backlog, capped by net.core.somaxconn).
   * Default node's 511.
   */
  backlog?: number;
}

/** An endpoint's listeners, once listening: where they listen, and their close. */
export interface HttpListeners {
  readonly addresses: { http: AddressInfo; https?: AddressInfo };
  /**
   * Stops taking connections and closes the idle ones, runs `drain` (waiting for the requests in flight, as the
   * endpoint counts them), then cuts the connections left and resolves, with what `drain` returned, once every
   * listener is closed.
   */
  close<T>(drain: () => Promise<T>): Promise<T>;
}

/**
 * Serves one handler on plain HTTP and, when configured, on HTTPS too (certificate and key read from files), with the
 * timeouts set on each listener; resolves once both listen. A listener that fails to start (port taken, unreadable
 * certificate) closes the one already listening and rejects.
 */
export async function listenHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  endpoints: { http: HttpEndpoint; https?: HttpsEndpoint },
  timeouts: HttpTimeouts,
): Promise<HttpListeners> {
  const servers: Server[] = [];
  try {
    const http = await listenOn(createServer(handler), endpoints.http, timeouts, servers);
    const { https: httpsEndpoint } = endpoints;
    const https = httpsEndpoint
      ? await listenOn(createHttpsServer({ cert: readFileSync(httpsEndpoint.certFile), key: readFileSync(httpsEndpoint.keyFile) }, handler), httpsEndpoint, timeouts, servers)
      : undefined;
    return { addresses: { http, https }, close: (drain) => closeServers(servers, drain) };
  } catch (error) {
    await closeServers(servers, async () => undefined);
    throw error;
  }
}

function listenOn(server: Server, endpoint: HttpEndpoint, timeouts: HttpTimeouts, servers: Server[]): Promise<AddressInfo> {
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: endpoint.port, host: endpoint.host, ...(timeouts.backlog !== undefined ? { backlog: timeouts.backlog } : {}) }, () => {
      server.off('error', reject);
      servers.push(server);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function closeServers<T>(servers: readonly Server[], drain: () => Promise<T>): Promise<T> {
  const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  for (const s of servers) s.closeIdleConnections();
  const drained = await drain();
  for (const s of servers) s.closeAllConnections();
  await closed;
  return drained;
}
