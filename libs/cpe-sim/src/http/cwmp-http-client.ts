import * as http from 'node:http';
import * as https from 'node:https';
import { CookieJar } from './cookie-jar';
import { AuthenticationError, type Credentials, HttpAuthenticator } from './http-auth';

export interface CwmpHttpClientOptions {
  /** ACS URLs; requests go to them in turn, one per HTTP request. */
  urls: string[];
  auth?: Credentials;
  dropCookies?: boolean;
  keepAlive?: boolean;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** The address connections are made from (e.g. 127.0.0.2): CPEs behind different addresses on one test host. */
  localAddress?: string;
}

export interface CwmpHttpResponse {
  status: number;
  body: string;
  /** Seconds from Retry-After, when the ACS sent one. */
  retryAfter?: number;
}

/** An HTTP exchange that failed below CWMP (connection refused, reset, timeout). */
export class CwmpTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CwmpTransportError';
  }
}

class StaleSocketError extends CwmpTransportError {}

interface Target {
  url: URL;
  transport: typeof http | typeof https;
  path: string;
}

/**
 * One CPE's HTTP side of CWMP: a single kept-alive connection per ACS address (maxSockets 1, as on a device),
 * session cookies, and answers to 401 challenges. `onStatus` sees every HTTP status, 401s included.
 */
export class CwmpHttpClient {
  private readonly targets: Target[];
  private next = 0;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly cookies = new CookieJar();
  private readonly authenticator?: HttpAuthenticator;

  constructor(private readonly options: CwmpHttpClientOptions) {
    if (options.urls.length === 0) throw new CwmpTransportError('no ACS URL');
    this.targets = options.urls.map((raw) => {
      const url = new URL(raw);
      return { url, transport: url.protocol === 'https:' ? https : http, path: `${url.pathname}${url.search}` };
    });
    const keepAlive = options.keepAlive ?? true;
    this.httpAgent = new http.Agent({ keepAlive, maxSockets: 1 });
    // Test ACSs use self-signed certificates; a simulated CPE does not check the chain.
    this.httpsAgent = new https.Agent({ keepAlive, maxSockets: 1, rejectUnauthorized: false });
    if (options.auth) this.authenticator = new HttpAuthenticator(options.auth);
  }

  /** A new CWMP session: no cookies carried over. Authentication state is kept (a CPE reuses its nonce). */
  beginSession(): void {
    this.cookies.clear();
  }

  /** Closes the connection (a CPE that does not keep it between sessions; stop()). */
  endSession(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** POSTs a CWMP envelope ('' for the empty POST), answering authentication challenges on the way. */
  async post(body: string, onStatus: (status: number) => void): Promise<CwmpHttpResponse> {
    let answeredChallenge = false;
    for (;;) {
      const target = this.targets[this.next]!;
      this.next = (this.next + 1) % this.targets.length;
      const response = await this.sendRetryingStaleSocket(target, body);
      onStatus(response.status);
      if (response.status !== 401) return response;
      const challenges = response.wwwAuthenticate;
      if (!this.authenticator) throw new AuthenticationError('the ACS asked for credentials and the CPE has none');
      // Answer a challenge once per request, or again when the nonce went stale; otherwise the credentials are wrong.
      if (answeredChallenge && !HttpAuthenticator.isStale(challenges)) {
        throw new AuthenticationError('the ACS refused the credentials');
      }
      if (!this.authenticator.accept(challenges)) {
        throw new AuthenticationError(`no supported challenge in WWW-Authenticate: ${challenges.join(' | ')}`);
      }
      answeredChallenge = true;
    }
  }

  /**
   * A kept-alive socket may be closed by the ACS just as we reuse it (its idle timeout): the request then fails
   * with ECONNRESET/EPIPE before any answer, and is safe to send once more on a fresh connection.
   */
  private async sendRetryingStaleSocket(target: Target, body: string): Promise<CwmpHttpResponse & { wwwAuthenticate: string[] }> {
    try {
      return await this.send(target, body);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.send(target, body);
    }
  }

  private send(target: Target, body: string): Promise<CwmpHttpResponse & { wwwAuthenticate: string[] }> {
    const headers: http.OutgoingHttpHeaders = {
      'content-length': Buffer.byteLength(body),
    };
    if (body) {
      headers['content-type'] = 'text/xml; charset="utf-8"';
      headers['soapaction'] = '';
    }
    const cookie = this.options.dropCookies ? undefined : this.cookies.header();
    if (cookie) headers['cookie'] = cookie;
    const authorization = this.authenticator?.authorization('POST', target.path);
    if (authorization) headers['authorization'] = authorization;
    const { url, transport } = target;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: target.path,
          method: 'POST',
          headers,
          agent: transport === https ? this.httpsAgent : this.httpAgent,
          localAddress: this.options.localAddress,
          timeout: this.options.timeoutMs ?? 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(new CwmpTransportError(error.message, { cause: error })));
          response.on('end', () => {
            if (!this.options.dropCookies) this.cookies.store(response.headers['set-cookie']);
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              retryAfter: retryAfterSeconds(response.headers['retry-after']),
              wwwAuthenticate: headerValues(response.rawHeaders, 'www-authenticate'),
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new CwmpTransportError(`no answer from ${url.host} in time`)));
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof CwmpTransportError) return reject(error);
        if (request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
          return reject(new StaleSocketError(error.message, { cause: error }));
        }
        reject(new CwmpTransportError(error.message, { cause: error }));
      });
      request.end(body);
    });
  }
}

function headerValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
  }
  return values;
}

function retryAfterSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
