import * as dgram from 'node:dgram';
import * as http from 'node:http';
import * as https from 'node:https';
import { basicAuthorization, chooseDigestChallenge, digestAuthorization, isStaleDigestChallenge, parseAuthChallenges } from '@acs/cwmp';
import { PerDeviceLimiter, TokenBucket } from './rate-limiter';
import {
  buildUdpConnectionRequest,
  InvalidUdpAddressError,
  newUdpConnectionRequestFields,
  parseUdpAddress,
  type UdpDestination,
} from './udp-connection-request';

/** Where and how to reach one device, as provisioning last saw it. */
export interface ConnectionRequestTarget {
  deviceId: string;
  /** ManagementServer.ConnectionRequestURL. */
  url?: string;
  /** ManagementServer.UDPConnectionRequestAddress (TR-111, "host:port"). */
  udpAddress?: string;
  /** ManagementServer.ConnectionRequestUsername/Password as the ACS set them on the device. */
  username?: string;
  password?: string;
}

/**
 * - woke: the CPE accepted the request (HTTP 200/204); it should open a session with '6 CONNECTION REQUEST' soon.
 * - sent: sent over UDP; nothing answers a UDP connection request, so whether it woke shows only in the next Inform.
 * - auth-failed: the CPE refused our credentials, or asked for a scheme we may not answer (Basic when not allowed).
 * - unreachable: no connection (refused, no route, name not found), or the CPE answered neither 2xx nor 401
 *   (`status` tells: 503 busy or rate-limiting us, 404 a stale URL…).
 * - timeout: no answer within the configured time.
 * - rate-limited: not sent; the device was asked moments ago or the pod is at its limit.
 * - no-address: not sent; the device reported neither a usable URL nor a UDP address.
 */
// The same union as ConnectionRequestResult of @acs/contracts (the cwmp.events payload), kept here so this folder
// stays plain TypeScript; the consumer that publishes outcomes fails to compile if the two drift apart.
export type ConnectionRequestResult = 'woke' | 'sent' | 'auth-failed' | 'unreachable' | 'timeout' | 'rate-limited' | 'no-address';

export interface ConnectionRequestOutcome {
  deviceId: string;
  result: ConnectionRequestResult;
  via: 'http' | 'udp' | 'none';
  /** The CPE's last HTTP status, when it answered. */
  status?: number;
  durationMs: number;
  /** One line for logs and task history; never holds a password. */
  message: string;
}

export interface ConnectionRequesterOptions {
  /** For the whole HTTP exchange (both legs of Digest). Default 3000. */
  timeoutMs?: number;
  /** Answer a Basic challenge (sends the password in clear text). Default false. */
  allowBasic?: boolean;
  /** With a UDP address, use UDP even when there is an HTTP URL. Default false: UDP when HTTP is absent or fails to connect. */
  preferUdp?: boolean;
  /** Copies of each UDP request. Default 3. */
  udpRepeat?: number;
  /** Between copies. Default 200. */
  udpIntervalMs?: number;
  /** At most one request per device per this interval. Default 5000. */
  perDeviceIntervalMs?: number;
  /** Requests per second this pod may send in total. Default 200. */
  globalPerSecond?: number;
  /** Requests the pod may send at once after a quiet spell. Default globalPerSecond. */
  globalBurst?: number;
  /** Called with every outcome (metrics, logs, task history). Errors it throws are ignored. */
  onOutcome?: (outcome: ConnectionRequestOutcome) => void;
  /** The clock of the rate limits (tests). */
  clock?: () => number;
}

const USER_AGENT = 'acs-connection-requester';

type Attempt = Omit<ConnectionRequestOutcome, 'deviceId' | 'durationMs'>;

class ExchangeFailure extends Error {
  constructor(
    readonly result: 'timeout' | 'unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeFailure';
  }
}

interface HttpReply {
  status: number;
  wwwAuthenticate: string[];
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'EPIPE',
]);

/**
 * Asks a CPE to open a session (TR-069 3.2.2): an HTTP GET to its ConnectionRequestURL answered with Digest, or the
 * signed UDP message of TR-111 / TR-069 Annex G for CPEs behind NAT. Plain TypeScript over node:http and node:dgram,
 * so any pod (or a test) can hold one.
 *
 * Rate limits are in-process, per pod: at most one request per device per interval, and a token bucket for the
 * pod's total. The pool shares the load through the bus (a device's wake-up command reaches one pod), so the pool's
 * rate is pods × globalPerSecond.
 */
export class ConnectionRequester {
  private readonly timeoutMs: number;
  private readonly udpRepeat: number;
  private readonly udpIntervalMs: number;
  private readonly perDevice: PerDeviceLimiter;
  private readonly global: TokenBucket;
  private readonly globalPerSecond: number;
  private readonly sockets = new Map<4 | 6, dgram.Socket>();

  constructor(private readonly options: ConnectionRequesterOptions = {}) {
    const clock = options.clock ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.udpRepeat = Math.max(1, options.udpRepeat ?? 3);
    this.udpIntervalMs = options.udpIntervalMs ?? 200;
    this.globalPerSecond = options.globalPerSecond ?? 200;
    this.perDevice = new PerDeviceLimiter(options.perDeviceIntervalMs ?? 5000, clock);
    this.global = new TokenBucket(this.globalPerSecond, options.globalBurst ?? this.globalPerSecond, clock);
  }

  /** Never rejects: every failure is an outcome. */
  async request(target: ConnectionRequestTarget): Promise<ConnectionRequestOutcome> {
    const startedAt = Date.now();
    const finish = (attempt: Attempt): ConnectionRequestOutcome => {
      const outcome: ConnectionRequestOutcome = { deviceId: target.deviceId, ...attempt, durationMs: Date.now() - startedAt };
      try {
        this.options.onOutcome?.(outcome);
      } catch {
        // A metrics or logging hook must not turn a sent request into a failure.
      }
      return outcome;
    };

    const problems: string[] = [];
    const url = httpUrlOf(target.url, problems);
    const udp = udpDestinationOf(target.udpAddress, problems);
    if (!url && !udp) {
      const why = problems.length > 0 ? problems.join('; ') : 'the device reported no ConnectionRequestURL and no UDPConnectionRequestAddress';
      return finish({ result: 'no-address', via: 'none', message: why });
    }
    if (this.perDevice.isLimited(target.deviceId)) {
      return finish({ result: 'rate-limited', via: 'none', message: 'the device was asked to connect moments ago' });
    }
    if (!this.global.tryTake()) {
      return finish({ result: 'rate-limited', via: 'none', message: `this pod is at its limit of ${this.globalPerSecond} connection requests a second` });
    }
    this.perDevice.record(target.deviceId);

    if (udp && (this.options.preferUdp || !url)) return finish(await this.overUdp(udp, target, ''));
    const attempt = await this.overHttp(url!, target);
    // No connection at all: try UDP. A CPE that answered (any status) was reached, and UDP would not do better.
    if (udp && attempt.status === undefined && (attempt.result === 'unreachable' || attempt.result === 'timeout')) {
      return finish(await this.overUdp(udp, target, `HTTP ${attempt.result} (${attempt.message}); `));
    }
    return finish(attempt);
  }

  /** Closes the UDP sockets. Requests made after this open new ones. */
  close(): void {
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  // --- HTTP --------------------------------------------------------------------------------------------------------

  private async overHttp(url: URL, target: ConnectionRequestTarget): Promise<Attempt> {
    // Both legs of Digest on one connection when the CPE keeps it open after its 401, as most do: a connection
    // request then costs the CPE and the ACS one TCP connection instead of two. Its own agent, so no connection
    // outlives the request or serves another device.
    const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      return await this.overHttpWith(agent, url, target);
    } finally {
      agent.destroy();
    }
  }

  private async overHttpWith(agent: http.Agent, url: URL, target: ConnectionRequestTarget): Promise<Attempt> {
    const deadline = Date.now() + this.timeoutMs;
    const fail = (error: unknown): Attempt => {
      const failure = error instanceof ExchangeFailure ? error : new ExchangeFailure('unreachable', String(error));
      return { result: failure.result, via: 'http', message: failure.message };
    };
    let reply: HttpReply;
    try {
      reply = await this.get(agent, url, undefined, deadline);
    } catch (error) {
      return fail(error);
    }
    if (reply.status !== 401) return this.verdict(reply, 'without credentials');
    if (target.username === undefined || target.username === '') {
      return { result: 'auth-failed', via: 'http', status: 401, message: 'the CPE asks for credentials and the ACS knows none for it' };
    }
    const credentials = { username: target.username, password: target.password ?? '' };
    // One more round when the CPE says our nonce went stale (right password, old nonce).
    for (let round = 0; round < 2; round++) {
      const challenges = parseAuthChallenges(reply.wwwAuthenticate);
      const digest = chooseDigestChallenge(challenges);
      let authorization: string;
      if (digest) {
        // A fresh exchange each time, so the nonce count is 1 and the cnonce random.
        authorization = digestAuthorization(digest, credentials, { method: 'GET', uri: pathOf(url) });
      } else if (challenges.some((c) => c.scheme === 'basic')) {
        if (!this.options.allowBasic) {
          return { result: 'auth-failed', via: 'http', status: 401, message: 'the CPE offers only Basic authentication, which this ACS does not send' };
        }
        authorization = basicAuthorization(credentials);
      } else {
        return { result: 'auth-failed', via: 'http', status: 401, message: 'the CPE offers no authentication scheme the ACS can answer' };
      }
      try {
        reply = await this.get(agent, url, authorization, deadline);
      } catch (error) {
        return fail(error);
      }
      if (reply.status !== 401) return this.verdict(reply, digest ? `with Digest ${digest.algorithm}` : 'with Basic');
      if (!digest || !isStaleDigestChallenge(parseAuthChallenges(reply.wwwAuthenticate))) break;
    }
    return { result: 'auth-failed', via: 'http', status: 401, message: 'the CPE refused the credentials' };
  }

  private verdict(reply: HttpReply, how: string): Attempt {
    if (reply.status >= 200 && reply.status < 300) {
      return { result: 'woke', via: 'http', status: reply.status, message: `the CPE accepted the connection request ${how}` };
    }
    return { result: 'unreachable', via: 'http', status: reply.status, message: `the CPE answered HTTP ${reply.status}` };
  }

  private get(agent: http.Agent, url: URL, authorization: string | undefined, deadline: number): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(new ExchangeFailure('timeout', `no answer within ${this.timeoutMs} ms`));
      const headers: http.OutgoingHttpHeaders = { 'user-agent': USER_AGENT };
      if (authorization) headers['authorization'] = authorization;
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: pathOf(url),
        method: 'GET',
        headers,
        agent,
      });
      const timer = setTimeout(
        () => request.destroy(new ExchangeFailure('timeout', `no answer within ${this.timeoutMs} ms`)),
        remaining,
      );
      request.once('response', (response) => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        resolve({ status, wwwAuthenticate: response.headersDistinct['www-authenticate'] ?? [] });
        // A challenge's body is read to its end (nothing in it matters), so its connection can carry the answer; any
        // other reply ends the exchange.
        if (status === 401) response.resume();
        else response.destroy();
      });
      // `on`, not `once`: destroying the socket after the answer may emit a late error, which must not go unhandled.
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (error instanceof ExchangeFailure) return reject(error);
        if (error.code === 'ETIMEDOUT') return reject(new ExchangeFailure('timeout', `connecting timed out (${error.code})`));
        const code = error.code ?? 'error';
        const reason = UNREACHABLE_CODES.has(code) ? code : `${code}: ${error.message}`;
        reject(new ExchangeFailure('unreachable', `cannot reach ${url.host} (${reason})`));
      });
      request.end();
    });
  }

  // --- UDP ---------------------------------------------------------------------------------------------------------

  private async overUdp(destination: UdpDestination, target: ConnectionRequestTarget, prefix: string): Promise<Attempt> {
    const fields = newUdpConnectionRequestFields(target.username ?? '', Date.now());
    const message = buildUdpConnectionRequest(destination, fields, target.password ?? '');
    const socket = this.socket(destination.family);
    let sent = 0;
    let lastError: string | undefined;
    for (let copy = 0; copy < this.udpRepeat; copy++) {
      if (copy > 0) await new Promise((resolve) => setTimeout(resolve, this.udpIntervalMs));
      try {
        await new Promise<void>((resolve, reject) =>
          socket.send(message, destination.port, destination.host, (error) => (error ? reject(error) : resolve())),
        );
        sent++;
      } catch (error) {
        lastError = (error as NodeJS.ErrnoException).code ?? String(error);
      }
    }
    if (sent === 0) {
      return { result: 'unreachable', via: 'udp', message: `${prefix}cannot send to ${destination.authority} over UDP (${lastError})` };
    }
    return { result: 'sent', via: 'udp', message: `${prefix}sent ${sent} signed UDP connection request(s) to ${destination.authority}` };
  }

  private socket(family: 4 | 6): dgram.Socket {
    let socket = this.sockets.get(family);
    if (!socket) {
      socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      // Send errors arrive through the send callbacks; an idle socket must neither crash nor hold the process open.
      socket.on('error', () => undefined);
      socket.unref();
      this.sockets.set(family, socket);
    }
    return socket;
  }
}

function pathOf(url: URL): string {
  return `${url.pathname}${url.search}`;
}

function httpUrlOf(value: string | undefined, problems: string[]): URL | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  problems.push(`ConnectionRequestURL "${value}" is not an http URL`);
  return undefined;
}

function udpDestinationOf(value: string | undefined, problems: string[]): UdpDestination | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parseUdpAddress(value);
  } catch (error) {
    if (!(error instanceof InvalidUdpAddressError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}
