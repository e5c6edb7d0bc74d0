import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CwmpParseError, decodeBody } from '@acs/cwmp';
import { listenHttp, REMOTE_WARNING_LIMITS, ThrottledLog, type HttpListeners, type Logger } from '@acs/platform';
import type { GatewayConfig } from '../gateway.config';
import type { GatewayMetrics } from '../gateway.metrics';
import type { CwmpHttpReply, SessionEngine } from '../session/session-engine';

/** Past this many bytes of an oversized body we stop draining it and drop the connection. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The CWMP endpoint: plain node:http rather than a framework router, because it is the hot path (two requests per
 * periodic session, thousands per second per pod) and needs nothing a router offers. It reads the body within
 * limits, sheds load, and hands the request to the SessionEngine; it knows nothing of CWMP itself.
 */
export class CwmpHttpServer {
  private listeners?: HttpListeners;
  private inFlightRequests = 0;
  private closing = false;
  /** Oversized bodies are a client's choice: warned about per source address, with counts of what was held back. */
  private readonly warnings: ThrottledLog;
  listening = false;
  /** Where the endpoint listens, once it does (port 0 in the config picks a free port). */
  addresses: { http?: AddressInfo; https?: AddressInfo } = {};

  constructor(
    private readonly engine: SessionEngine,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.warnings = new ThrottledLog(logger, REMOTE_WARNING_LIMITS);
  }

  /** Where CPEs reach the endpoint, once it listens (the "ready" line's `cwmp` and `cwmpHttps`). */
  get urls(): { cwmp?: string; cwmpHttps?: string } {
    const { http, https } = this.addresses;
    return { cwmp: http && `http://${http.address}:${http.port}/`, cwmpHttps: https && `https://${https.address}:${https.port}/` };
  }

  /** Requests read and being answered now. */
  get requestsInFlight(): number {
    return this.inFlightRequests;
  }

  async listen(): Promise<{ http: AddressInfo; https?: AddressInfo }> {
    const { http, https, limits } = this.config;
    const timeouts = {
      requestTimeoutMs: limits.requestTimeoutMs,
      headersTimeoutMs: Math.min(limits.requestTimeoutMs, 20_000),
      keepAliveTimeoutMs: limits.keepAliveTimeoutMs,
      backlog: limits.listenBacklog,
    };
    this.listeners = await listenHttp((req, res) => this.onRequest(req, res), { http, https }, timeouts);
    this.listening = true;
    this.addresses = this.listeners.addresses;
    this.logger.info({ lifecycle: 'listening', ...this.addresses }, 'CWMP endpoint listening');
    return this.listeners.addresses;
  }

  /**
   * Stops taking connections, lets requests in flight finish (up to `graceMs`), then drops what is left. Resolves with
   * how many requests were still unanswered when the grace ran out.
   */
  async close(graceMs = 10_000): Promise<{ requestsCut: number }> {
    this.closing = true;
    this.listening = false;
    const drain = async () => {
      const deadline = Date.now() + graceMs;
      while (this.inFlightRequests > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return { requestsCut: this.inFlightRequests };
    };
    const drained = await (this.listeners ? this.listeners.close(drain) : drain());
    this.warnings.close();
    return drained;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      this.metrics.rejected.labels('method').inc();
      req.resume();
      send(res, { status: 405, headers: { Allow: 'POST' }, body: 'CWMP endpoint: POST only\n' });
      return;
    }
    const sessionId = cookieValue(req.headers.cookie, this.config.session.cookieName);
    // Shed new sessions only: a session already under way is cheaper to finish than to restart later.
    if (this.closing || (sessionId === undefined && this.engine.overloaded())) {
      this.metrics.rejected.labels(this.closing ? 'shutting-down' : 'overloaded').inc();
      this.refuse(req, res, this.engine.retryLater());
      return;
    }
    const max = this.config.limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      this.tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > max) {
        req.off('data', onData);
        chunks.length = 0;
        this.tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (received > max) return;
      this.inFlightRequests += 1;
      void this.process(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received), sessionId).finally(() => {
        this.inFlightRequests -= 1;
      });
    });
    req.on('error', (error) => this.logger.debug({ err: error }, 'request stream error'));
  }

  private async process(req: IncomingMessage, res: ServerResponse, raw: Buffer, sessionId: string | undefined): Promise<void> {
    const remoteAddress = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    let reply: CwmpHttpReply;
    try {
      const body = raw.length === 0 ? '' : decodeBody(raw, {
        contentEncoding: header(req.headers['content-encoding']),
        contentType: header(req.headers['content-type']),
        maxBytes: this.config.limits.maxBodyBytes,
      });
      reply = await this.engine.handle({ body, sessionId, remoteAddress, authorization: req.headers.authorization, method: 'POST' });
    } catch (error) {
      if (error instanceof CwmpParseError) {
        this.metrics.rejected.labels(`body-${error.code}`).inc();
        reply = { status: error.code === 'too-large' ? 413 : 400, headers: {}, body: `bad CWMP request (${error.code}): ${error.message}\n` };
      } else {
        // A store or bus that is down (or a bug): the CPE backs off and retries, and no session state is half-written.
        this.metrics.rejected.labels('internal').inc();
        this.logger.error({ err: error, remote: remoteAddress }, 'could not serve CWMP request');
        reply = this.engine.retryLater();
      }
    }
    send(res, reply);
  }

  /** Answers 413 and drains a little of the body so the client reads the answer, then drops the connection. */
  private tooLarge(req: IncomingMessage, res: ServerResponse): void {
    this.metrics.rejected.labels('too-large').inc();
    this.warnings.warn(req.socket.remoteAddress ?? 'unknown', { remote: req.socket.remoteAddress, contentLength: req.headers['content-length'] }, 'CWMP body too large');
    this.refuse(req, res, { status: 413, headers: {}, body: `request body exceeds ${this.config.limits.maxBodyBytes} bytes\n` });
  }

  private refuse(req: IncomingMessage, res: ServerResponse, reply: CwmpHttpReply): void {
    send(res, { ...reply, headers: { ...reply.headers, Connection: 'close' } });
    let drained = 0;
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
    });
    req.resume();
  }
}

function send(res: ServerResponse, reply: CwmpHttpReply): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[] | number> = { ...reply.headers };
  if (reply.status !== 204) headers['Content-Length'] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : reply.body);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The value of one cookie in a Cookie header, without a general parser: we only ever need our own. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 ? value : undefined;
    }
  }
  return undefined;
}
