import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { listenHttp, sourceAddressOf, type HttpListeners, type Logger } from '@acs/platform';
import { BandwidthLimiter, reserveAll } from './bandwidth-limiter';
import type { BulkDataReport, BulkDataSink } from './bulkdata-report';
import { BulkDataParseError, parseBulkDataBody } from './bulkdata-report.parser';
import type { DiagnosticsHttpConfig } from './diagnostics-http.config';
import type { DiagnosticsHttpMetrics } from './diagnostics-http.metrics';
import { BULKDATA_PATH, DiagnosticsUrlSigner, DOWNLOAD_PATH, UPLOAD_PATH, type DownloadUrlGrant, type TransferDirection, type UploadUrlGrant } from './diagnostics-url.signer';
import { TestPayload } from './test-payload';

export interface DiagnosticsHttpServerDeps {
  config: DiagnosticsHttpConfig;
  /** resolveDiagnosticsHttpSecret's, or ACS_DIAGNOSTICS_HTTP_SECRET. */
  secret: Buffer;
  sink: BulkDataSink;
  metrics: DiagnosticsHttpMetrics;
  logger: Logger;
  /** Wall-clock epoch milliseconds: URL expiry and the time of receipt of reports. */
  now?: () => number;
}

type TransferOutcome = 'completed' | 'client-closed' | 'idle-timeout' | 'too-long' | 'too-large' | 'shutting-down';

// After refusing a request whose body is still coming, the body is read and dropped for this long so the client, still
// sending, reads the answer instead of a reset connection; then the connection is cut.
const REFUSED_BODY_LINGER_MS = 2000;

/**
 * The diagnostics service's HTTP server, one port for what CPEs send to or fetch from the ACS for diagnostics:
 * - `GET`/`HEAD /diagnostics/download/<runId>?n=&e=&s=`: a TR-143 download test's payload, generated as the socket
 *   takes it (TestPayload), `n` bytes;
 * - `PUT`/`POST /diagnostics/upload/<runId>?n=&e=&s=`: a TR-143 upload test's body, counted and dropped, at most `n`
 *   bytes (413 beyond);
 * - `POST`/`PUT /bulkdata?d=&t=` (or Basic credentials): BulkData HTTP reports, parsed and handed to the BulkDataSink.
 * Transfer URLs are signed per run and expire; limits on size, concurrent transfers (overall and per client address),
 * bandwidth (shared and per transfer) and time keep the endpoints from being a free traffic generator (ADR 38).
 * Plain node:http, as the CWMP endpoint and the firmware file server (ADR 2): it streams, and needs nothing more.
 */
export class DiagnosticsHttpServer {
  readonly signer: DiagnosticsUrlSigner;
  private listeners?: HttpListeners;
  private readonly sharedBandwidth: BandwidthLimiter;
  private readonly perClient = new Map<string, number>();
  private readonly inFlight = new Set<() => void>();
  private transfers = 0;
  private closing = false;
  private drained?: () => void;
  private readonly now: () => number;
  addresses: { http?: AddressInfo; https?: AddressInfo } = {};

  constructor(private readonly deps: DiagnosticsHttpServerDeps) {
    this.now = deps.now ?? Date.now;
    this.signer = new DiagnosticsUrlSigner(deps.secret, { maxBytes: deps.config.transfers.maxBytes });
    this.sharedBandwidth = new BandwidthLimiter(deps.config.transfers.bandwidthBytesPerSecond);
    deps.metrics.inFlightSource = () => this.transfers;
  }

  /** Test transfers under way now. */
  get transfersInFlight(): number {
    return this.transfers;
  }

  async start(): Promise<{ http: AddressInfo; https?: AddressInfo }> {
    const { http, https, headersTimeoutMs, keepAliveTimeoutMs } = this.deps.config;
    // node's whole-request timeout is off: an upload test may rightly take minutes; the transfers' own idle timeout
    // and maximum duration bound every body instead.
    this.listeners = await listenHttp((req, res) => this.onRequest(req, res), { http, https }, { requestTimeoutMs: 0, headersTimeoutMs, keepAliveTimeoutMs });
    this.addresses = this.listeners.addresses;
    if (!this.deps.config.publicUrl) {
      this.deps.logger.warn({ baseUrl: this.baseUrl }, 'ACS_DIAGNOSTICS_HTTP_URL is unset: CPEs are given this server\'s own address, which only CPEs on this host can reach');
    }
    this.deps.logger.info({ lifecycle: 'listening', ...this.addresses }, 'diagnostics HTTP server listening');
    return this.listeners.addresses;
  }

  /**
   * Stops taking requests, lets transfers in flight finish for up to `graceMs`, then cuts what is left (the run
   * fails with the CPE's error and may be repeated). Resolves with how many transfers were cut.
   */
  async stop(graceMs = 10_000): Promise<{ transfersCut: number }> {
    this.closing = true;
    const drain = async () => {
      if (this.transfers > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => (this.drained = resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      const cut = this.transfers;
      for (const cutTransfer of [...this.inFlight]) cutTransfer();
      return { transfersCut: cut };
    };
    return this.listeners ? this.listeners.close(drain) : drain();
  }

  /** Where CPEs reach this server: ACS_DIAGNOSTICS_HTTP_URL, else its own HTTP address once started. */
  get baseUrl(): string {
    if (this.deps.config.publicUrl) return this.deps.config.publicUrl;
    const address = this.addresses.http;
    if (!address) throw new Error('the diagnostics HTTP server is not started and ACS_DIAGNOSTICS_HTTP_URL is unset: no URL to give CPEs');
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** The DownloadURL of a TR-143 download test (throws ValidationError for a size over ACS_DIAGNOSTICS_HTTP_MAX_BYTES). */
  issueDownloadUrl(grant: DownloadUrlGrant): string {
    return this.signer.issueDownloadUrl(this.baseUrl, grant);
  }

  /** The UploadURL of a TR-143 upload test; the CPE's TestFileLength must be at most `maxBytes`. */
  issueUploadUrl(grant: UploadUrlGrant): string {
    return this.signer.issueUploadUrl(this.baseUrl, grant);
  }

  /** The `BulkData.Profile.{i}.HTTP.URL` for a device. */
  issueBulkDataUrl(deviceId: string): string {
    return this.signer.issueBulkDataUrl(this.baseUrl, deviceId);
  }

  /** `HTTP.Username`/`HTTP.Password` for a device's profile, accepted as Basic credentials on the bare collector URL. */
  bulkDataCredentials(deviceId: string): { username: string; password: string } {
    return this.signer.bulkDataCredentials(deviceId);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      this.deps.logger.error({ err: error, path: pathOf(req.url) }, 'could not serve a diagnostics HTTP request');
      if (!res.headersSent) this.refuse(req, res, 'internal-error', 500);
      else res.destroy();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://diagnostics.invalid');
    } catch {
      return this.refuse(req, res, 'not-found', 404);
    }
    if (this.closing) return this.refuse(req, res, 'shutting-down', 503, { 'Retry-After': String(this.deps.config.retryAfterSeconds) });
    const path = url.pathname;
    if (path.startsWith(DOWNLOAD_PATH)) return this.download(req, res, runIdOf(path, DOWNLOAD_PATH), url.searchParams);
    if (path.startsWith(UPLOAD_PATH)) return this.upload(req, res, runIdOf(path, UPLOAD_PATH), url.searchParams);
    if (path === BULKDATA_PATH) return this.bulkData(req, res, url.searchParams);
    return this.refuse(req, res, 'not-found', 404);
  }

  // --- TR-143 download ---

  private async download(req: IncomingMessage, res: ServerResponse, runId: string | undefined, query: URLSearchParams): Promise<void> {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') return this.refuse(req, res, 'method', 405, { Allow: 'GET, HEAD' });
    const grant = this.checkTransfer(req, res, 'download', runId, query);
    if (!grant) return;
    const headers: OutgoingHttpHeaders = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': grant.bytes,
      // Signed per run: no cache may keep it or hand it out, and nothing on the way may recompress it.
      'Cache-Control': 'no-store, no-transform',
    };
    if (method === 'HEAD') {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    const client = this.acquire(req, res);
    if (!client) return;
    const startedAt = performance.now();
    const payload = new TestPayload(grant.bytes, this.limitersForTransfer(), chunkBytesFor(this.deps.config.transfers));
    let bytes = 0;
    payload.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const watch = this.watchTransfer(res, () => payload.destroy());
    res.writeHead(200, headers);
    try {
      await pipeline(payload, res);
    } catch {
      // The outcome says why (client gone, idle, too long, shutting down); the error adds nothing.
    } finally {
      const outcome = watch.end(res.writableFinished);
      this.release(client);
      this.finishTransfer('download', grant.runId, outcome, bytes, startedAt, req);
    }
  }

  // --- TR-143 upload ---

  private async upload(req: IncomingMessage, res: ServerResponse, runId: string | undefined, query: URLSearchParams): Promise<void> {
    const method = req.method ?? '';
    if (method !== 'PUT' && method !== 'POST') return this.refuse(req, res, 'method', 405, { Allow: 'PUT, POST' });
    const grant = this.checkTransfer(req, res, 'upload', runId, query);
    if (!grant) return;
    const declared = declaredLength(req);
    if (declared !== undefined && declared > grant.bytes) return this.refuse(req, res, 'too-large', 413);
    const client = this.acquire(req, res);
    if (!client) return;
    const startedAt = performance.now();
    const limiters = this.limitersForTransfer();
    let bytes = 0;
    let overLimit = false;
    const watch = this.watchTransfer(res, () => req.destroy());
    try {
      await new Promise<void>((resolve) => {
        const settle = () => {
          req.off('data', onData);
          resolve();
        };
        const onData = (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > grant.bytes) {
            overLimit = true;
            settle();
            return;
          }
          const wait = reserveAll(limiters, chunk.length);
          if (wait > 0) {
            // Not reading is what slows a sender down: TCP's window closes until we resume.
            req.pause();
            const timer = setTimeout(() => req.resume(), wait);
            req.once('close', () => clearTimeout(timer));
          }
        };
        req.on('data', onData);
        req.once('end', settle);
        req.once('close', settle);
      });
    } finally {
      this.deps.metrics.bytes.labels('upload').inc(Math.min(bytes, grant.bytes));
      const complete = req.complete && !overLimit;
      const watched = watch.end(complete);
      const outcome = overLimit ? 'too-large' : watched;
      this.release(client);
      this.finishTransfer('upload', grant.runId, outcome, Math.min(bytes, grant.bytes), startedAt, req);
      if (overLimit) this.refuse(req, res, 'too-large', 413);
      else if (complete) this.reply(res, 200, { 'Content-Type': 'application/json' }, `${JSON.stringify({ receivedBytes: bytes })}\n`);
    }
  }

  private checkTransfer(
    req: IncomingMessage,
    res: ServerResponse,
    direction: TransferDirection,
    runId: string | undefined,
    query: URLSearchParams,
  ): { runId: string; bytes: number } | undefined {
    if (runId === undefined) {
      this.refuse(req, res, 'not-found', 404);
      return undefined;
    }
    const check = this.signer.checkTransfer(direction, runId, query, this.now());
    if (!check.ok) {
      this.refuse(req, res, check.reason, 403);
      return undefined;
    }
    // Signed under a larger ACS_DIAGNOSTICS_HTTP_MAX_BYTES than the one in force now.
    if (check.bytes > this.deps.config.transfers.maxBytes) {
      this.refuse(req, res, 'size-over-limit', 403);
      return undefined;
    }
    return { runId, bytes: check.bytes };
  }

  private limitersForTransfer(): BandwidthLimiter[] {
    const { perTransferBytesPerSecond } = this.deps.config.transfers;
    return [this.sharedBandwidth, new BandwidthLimiter(perTransferBytesPerSecond)].filter((limiter) => !limiter.unlimited);
  }

  /**
   * Cuts the transfer when the connection moves nothing for the idle timeout (the socket's timer: a slow but steady
   * client is not cut), when it runs past the maximum duration, or when the server stops; `end` says how it ended.
   */
  private watchTransfer(res: ServerResponse, cut: () => void): { end(finished: boolean): TransferOutcome } {
    const { idleTimeoutMs, maxDurationMs } = this.deps.config.transfers;
    let reason: TransferOutcome | undefined;
    const stop = (why: TransferOutcome) => {
      reason ??= why;
      cut();
      res.destroy();
    };
    res.setTimeout(idleTimeoutMs, () => stop('idle-timeout'));
    const deadline = setTimeout(() => stop('too-long'), maxDurationMs);
    const onStop = () => stop('shutting-down');
    this.inFlight.add(onStop);
    return {
      end: (finished) => {
        clearTimeout(deadline);
        this.inFlight.delete(onStop);
        return finished && reason === undefined ? 'completed' : (reason ?? (this.closing ? 'shutting-down' : 'client-closed'));
      },
    };
  }

  private finishTransfer(direction: TransferDirection, runId: string, outcome: TransferOutcome, bytes: number, startedAt: number, req: IncomingMessage): void {
    const metrics = this.deps.metrics;
    metrics.transfers.labels(direction, outcome).inc();
    if (direction === 'download') metrics.bytes.labels('download').inc(bytes);
    const durationMs = Math.round(performance.now() - startedAt);
    this.deps.logger.info({ runId, direction, bytes, durationMs, outcome, client: req.socket.remoteAddress }, outcome === 'completed' ? 'test transfer completed' : 'test transfer cut');
  }

  private acquire(req: IncomingMessage, res: ServerResponse): string | undefined {
    const { maxConcurrent, maxConcurrentPerClient } = this.deps.config.transfers;
    const client = sourceAddressOf(req.socket.remoteAddress ?? 'unknown');
    const retry = { 'Retry-After': String(this.deps.config.retryAfterSeconds) };
    if (this.transfers >= maxConcurrent) {
      this.refuse(req, res, 'busy', 503, retry);
      return undefined;
    }
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= maxConcurrentPerClient) {
      this.refuse(req, res, 'client-busy', 503, retry);
      return undefined;
    }
    this.transfers += 1;
    this.perClient.set(client, mine + 1);
    return client;
  }

  private release(client: string): void {
    this.transfers -= 1;
    const mine = (this.perClient.get(client) ?? 1) - 1;
    if (mine > 0) this.perClient.set(client, mine);
    else this.perClient.delete(client);
    if (this.transfers === 0) this.drained?.();
  }

  // --- BulkData collector ---

  private async bulkData(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const method = req.method ?? '';
    if (method !== 'POST' && method !== 'PUT') return this.refuse(req, res, 'method', 405, { Allow: 'POST, PUT' });
    const deviceId = this.bulkDataDevice(req, res, query);
    if (deviceId === undefined) return;
    const { maxReportBytes, sinkTimeoutMs } = this.deps.config.bulkData;
    const declared = declaredLength(req);
    if (declared !== undefined && declared > maxReportBytes) return this.refuse(req, res, 'too-large', 413);
    const encoding = (header(req.headers['content-encoding']) ?? 'identity').trim().toLowerCase();
    if (!['identity', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) return this.refuse(req, res, 'unsupported-encoding', 415, {}, `unsupported Content-Encoding "${encoding.slice(0, 40)}"`);
    const receivedAt = this.now();

    const body = await this.readReportBody(req, encoding, maxReportBytes);
    if (body === 'too-large') return this.refuse(req, res, 'too-large', 413, {}, `the report is over ${maxReportBytes} bytes (ACS_DIAGNOSTICS_BULKDATA_MAX_BYTES)`);
    if (body === 'client-closed') return;
    if (!Buffer.isBuffer(body)) return this.refuse(req, res, 'bad-report', 400, {}, body.error);

    let report: BulkDataReport;
    try {
      const parsed = parseBulkDataBody({
        text: body.toString('utf8'),
        reportFormat: header(req.headers['bbf-report-format']),
        contentType: header(req.headers['content-type']),
        receivedAt,
        fieldSeparator: query.get('fs') ?? undefined,
        escapeCharacter: query.get('ec') ?? undefined,
      });
      report = { deviceId, format: parsed.format, receivedAt, reports: parsed.reports };
    } catch (error) {
      if (!(error instanceof BulkDataParseError)) throw error;
      this.deps.logger.warn({ deviceId, reason: error.message }, 'BulkData report refused');
      return this.refuse(req, res, 'bad-report', 400, {}, error.message);
    }

    try {
      await withTimeout(this.deps.sink.accept(report), sinkTimeoutMs);
    } catch (error) {
      this.deps.logger.warn({ err: error, deviceId }, 'BulkData sink did not take a report; the CPE is told to retry');
      return this.refuse(req, res, 'sink-unavailable', 503, { 'Retry-After': String(this.deps.config.retryAfterSeconds) });
    }
    this.deps.metrics.bulkDataReports.inc(report.reports.length);
    this.deps.logger.debug({ deviceId, format: report.format, reports: report.reports.length }, 'BulkData report accepted');
    this.reply(res, 204, {});
  }

  /** The device a report is from: the URL's `d` and its token `t`, or Basic credentials; undefined once refused. */
  private bulkDataDevice(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): string | undefined {
    const deviceId = query.get('d');
    if (deviceId !== null) {
      const check = this.signer.checkBulkDataToken(deviceId, query.get('t') ?? '');
      if (check.ok) return check.deviceId;
      this.deps.logger.warn({ deviceId, client: req.socket.remoteAddress }, 'BulkData report with a wrong token refused');
      this.refuse(req, res, check.reason, 403);
      return undefined;
    }
    const challenge = { 'WWW-Authenticate': `Basic realm="${this.deps.config.realm}", charset="UTF-8"` };
    const credentials = basicCredentials(header(req.headers.authorization));
    if (!credentials) {
      this.refuse(req, res, 'credentials-missing', 401, challenge);
      return undefined;
    }
    const check = this.signer.checkBulkDataCredentials(credentials.username, credentials.password);
    if (check.ok) return check.deviceId;
    this.refuse(req, res, check.reason, 401, challenge);
    return undefined;
  }

  /** The body, decompressed, stopping (without keeping more) as soon as it passes `maxBytes` before or after decoding. */
  private readReportBody(req: IncomingMessage, encoding: string, maxBytes: number): Promise<Buffer | 'too-large' | 'client-closed' | { error: string }> {
    const { idleTimeoutMs, maxDurationMs } = this.deps.config.transfers;
    return new Promise((resolve) => {
      const decoder: Gunzip | Inflate | undefined = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
      const chunks: Buffer[] = [];
      let raw = 0;
      let decoded = 0;
      let settled = false;
      const deadline = setTimeout(() => req.destroy(), maxDurationMs);
      req.setTimeout(idleTimeoutMs, () => req.destroy());
      const settle = (result: Buffer | 'too-large' | 'client-closed' | { error: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        req.off('data', onRaw);
        if (decoder) {
          req.unpipe(decoder);
          decoder.destroy();
        }
        resolve(result);
      };
      const onRaw = (chunk: Buffer) => {
        raw += chunk.length;
        if (raw > maxBytes) settle('too-large');
      };
      const onDecoded = (chunk: Buffer) => {
        decoded += chunk.length;
        if (decoded > maxBytes) settle('too-large');
        else chunks.push(chunk);
      };
      req.on('data', onRaw);
      req.once('close', () => {
        if (!req.complete) settle('client-closed');
      });
      if (decoder) {
        decoder.on('data', onDecoded);
        decoder.once('end', () => settle(Buffer.concat(chunks)));
        decoder.once('error', (error) => settle({ error: `corrupt ${encoding} body: ${error.message}` }));
        req.pipe(decoder);
      } else {
        req.on('data', onDecoded);
        req.once('end', () => settle(Buffer.concat(chunks)));
      }
    });
  }

  // --- answers ---

  /**
   * Answers a refusal; when the request's body is still coming, reads and drops it for a moment so the client sees the
   * answer rather than a reset, then closes the connection (its rest is not worth reading).
   */
  private refuse(req: IncomingMessage, res: ServerResponse, reason: string, status: number, headers: OutgoingHttpHeaders = {}, message?: string): void {
    this.deps.metrics.refused.labels(reason).inc();
    const bodyPending = !req.complete && !req.destroyed;
    this.reply(res, status, bodyPending ? { ...headers, Connection: 'close' } : headers, `${message ?? reason}\n`);
    if (bodyPending) {
      req.removeAllListeners('data');
      req.resume();
      const linger = setTimeout(() => req.socket.destroy(), REFUSED_BODY_LINGER_MS).unref();
      req.once('close', () => clearTimeout(linger));
    }
  }

  private reply(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: string): void {
    if (res.headersSent || res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Type': headers['Content-Type'] ?? 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }
}

function runIdOf(path: string, prefix: string): string | undefined {
  const rest = path.slice(prefix.length);
  if (rest === '' || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

/** Chunks small enough that a throttled transfer still moves bytes well within the idle timeout. */
function chunkBytesFor(transfers: DiagnosticsHttpConfig['transfers']): number {
  const rates = [transfers.bandwidthBytesPerSecond, transfers.perTransferBytesPerSecond].filter((rate) => rate > 0);
  if (rates.length === 0) return 64 * 1024;
  return Math.max(1024, Math.min(64 * 1024, Math.floor(Math.min(...rates) / 20)));
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = header(req.headers['content-length']);
  return raw === undefined || !/^\d+$/.test(raw) ? undefined : Number(raw);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function basicCredentials(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = authorization && /^basic\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0]!;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
