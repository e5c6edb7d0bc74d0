import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Credentials, type DigestAlgorithm, digestAlgorithmOf, digestResponse, parseAuthChallenges } from './http-auth';

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
  private readonly secret = randomBytes(16);
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
        const algorithm = this.options.algorithm ?? 'MD5';
        const challenge =
          `Digest realm="${this.realm}", qop="auth", algorithm=${algorithm}, nonce="${this.nonce()}"` +
          (verdict === 'stale' ? ', stale=true' : '');
        return void response.writeHead(401, { 'www-authenticate': challenge, 'content-length': 0 }).end();
      }
    }
    response.writeHead(200, { 'content-length': 0 }).end();
    target.onConnectionRequest();
  }

  private verify(request: http.IncomingMessage, credentials: Credentials): 'ok' | 'stale' | 'refused' {
    const header = request.headers.authorization;
    if (!header) return 'refused';
    const [given] = parseAuthChallenges([header]);
    if (given?.scheme !== 'digest') return 'refused';
    const p = given.params;
    const algorithm: DigestAlgorithm | undefined = digestAlgorithmOf(p['algorithm']);
    const nonce = p['nonce'] ?? '';
    if (!algorithm || p['username'] !== credentials.username || p['realm'] !== this.realm) return 'refused';
    if (p['uri'] !== request.url) return 'refused';
    const expected = digestResponse({
      algorithm,
      username: credentials.username,
      password: credentials.password,
      realm: this.realm,
      nonce,
      method: request.method ?? 'GET',
      uri: p['uri'] ?? '',
      qop: p['qop'] ? 'auth' : undefined,
      nc: p['nc'],
      cnonce: p['cnonce'],
    });
    const response = Buffer.from(p['response'] ?? '');
    const wanted = Buffer.from(expected);
    if (response.length !== wanted.length || !timingSafeEqual(response, wanted)) return 'refused';
    return this.nonceIsFresh(nonce) ? 'ok' : 'stale';
  }

  private nonce(now = Date.now()): string {
    const time = now.toString(16);
    return `${time}.${createHmac('sha256', this.secret).update(time).digest('base64url').slice(0, 22)}`;
  }

  private nonceIsFresh(nonce: string): boolean {
    const [time = ''] = nonce.split('.');
    const issued = parseInt(time, 16);
    return this.nonce(issued) === nonce && Date.now() - issued < NONCE_LIFETIME_MS;
  }
}
