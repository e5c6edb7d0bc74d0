import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestChallenge, digestCredentialsMatch, parseDigestAuthorization, StatelessDigestNonces } from '@acs/cwmp';
import type { Credentials } from './http-auth';

export interface ConnectionRequestTarget {
  /** The credentials the ACS must use now (ManagementServer.ConnectionRequestUsername/Password); none: open. */
  credentials(): Credentials | undefined;
  /** An authenticated connection request arrived. */
  onConnectionRequest(): void;
}

export interface ConnectionRequestListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  realm?: string;
  /** The algorithm offered in challenges; answers with either algorithm are accepted. */
  algorithm?: 'MD5' | 'SHA-256';
}

const NONCE_LIFETIME_MS = 5 * 60_000;

/**
 * The HTTP server a CPE listens on for connection requests (TR-069 3.2.2): a GET to ConnectionRequestURL with
 * Digest authentication. One listener serves one CPE at '/', or a whole fleet with one path per CPE.
 * Nonces are stateless (time + HMAC), so thousands of CPEs cost no per-challenge memory.
 */
export class ConnectionRequestListener {
  private readonly server: http.Server;
  private readonly targets = new Map<string, ConnectionRequestTarget>();
  private readonly nonces = new StatelessDigestNonces(randomBytes(16), NONCE_LIFETIME_MS);
  private readonly realm: string;
  private boundPort?: number;

  constructor(private readonly options: ConnectionRequestListenerOptions) {
    this.realm = options.realm ?? 'cpe-sim';
    this.server = http.createServer((request, response) => this.serve(request, response));
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<void> {
    if (this.boundPort !== undefined) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('connection request listener is not listening');
    return this.boundPort;
  }

  /** The ConnectionRequestURL of the CPE registered at `path`. */
  urlFor(path: string): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}${path}`;
  }

  register(path: string, target: ConnectionRequestTarget): void {
    this.targets.set(path, target);
  }

  unregister(path: string): void {
    this.targets.delete(path);
  }

  async close(): Promise<void> {
    if (this.boundPort === undefined) return;
    this.boundPort = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    request.resume();
    const path = (request.url ?? '/').split('?')[0]!;
    const target = this.targets.get(path);
    if (!target) return void response.writeHead(404).end();
    if (request.method !== 'GET') return void response.writeHead(405, { allow: 'GET' }).end();
    const credentials = target.credentials();
    if (credentials && credentials.username !== '') {
      const verdict = this.verify(request, credentials);
      if (verdict !== 'ok') {
        const challenge = digestChallenge({
          realm: this.realm,
          algorithm: this.options.algorithm ?? 'MD5',
          nonce: this.nonces.issue(),
          stale: verdict === 'stale',
        });
        return void response.writeHead(401, { 'www-authenticate': challenge, 'content-length': 0 }).end();
      }
    }
    response.writeHead(200, { 'content-length': 0 }).end();
    target.onConnectionRequest();
  }

  private verify(request: http.IncomingMessage, credentials: Credentials): 'ok' | 'stale' | 'refused' {
    const header = request.headers.authorization;
    const given = header === undefined ? undefined : parseDigestAuthorization(header);
    if (!given || given.realm !== this.realm || given.uri !== request.url) return 'refused';
    if (!digestCredentialsMatch(given, credentials, request.method ?? 'GET')) return 'refused';
    switch (this.nonces.check(given.nonce)) {
      case 'fresh':
        return 'ok';
      case 'expired':
        return 'stale';
      case 'forged':
        return 'refused';
    }
  }
}
