import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { listenHttp, type HttpListeners, type Logger } from '@acs/platform';
import { contentRange, parseRangeHeader, unsatisfiedRange, type RangeRequest } from './byte-range';
import type { DownloadAuthorizer, RefusalReason } from './download-auth';
import type { DownloadLog, DownloadRecord } from './download-log';
import type { FileServerConfig } from './file-server.config';
import type { FileServerMetrics } from './file-server.metrics';
import type { ByteRange, FileSource, ServedFile } from './file-source';

export interface FileDownloadServerDeps {
  source: FileSource;
  authorizer: DownloadAuthorizer;
  config: Pick<FileServerConfig, 'http' | 'https' | 'limits'>;
  metrics: FileServerMetrics;
  logger: Logger;
  /** Where each download is recorded; none: metrics and logs only. */
  downloadLog?: DownloadLog;
  now?: () => number;
}

type Refusal = RefusalReason | 'method' | 'not-found' | 'busy' | 'device-busy' | 'shutting-down' | 'range-not-satisfiable' | 'source-error';
type FailureReason = 'client-closed' | 'idle-timeout' | 'source-error' | 'shutting-down';

interface Target {
  fileId: string;
  query: URLSearchParams;
}

/**
 * The HTTP(S) server CPEs download files from: `GET`/`HEAD /files/<fileId>/<name>`, every request authorised by a
 * signed URL or per-download credentials (DownloadAuthorizer), with single byte ranges for resumed downloads, strong
 * ETags and conditional requests. Plain node:http for the same reason as the CWMP endpoint (ADR 2): it streams files
 * and needs nothing a framework adds. Bodies are piped from the FileSource with backpressure, so memory per download
 * is the source's read buffer and the socket's, whatever the file size; a client that stops reading is cut after
 * `sendIdleTimeoutMs`, and a client that goes away destroys its source stream.
 */
export class FileDownloadServer {
  private listeners?: HttpListeners;
  private readonly perDevice = new Map<string, number>();
  private downloads = 0;
  private closing = false;
  private drained?: () => void;
  private readonly now: () => number;
  addresses: { http?: AddressInfo; https?: AddressInfo } = {};

  constructor(private readonly deps: FileDownloadServerDeps) {
    this.now = deps.now ?? Date.now;
    deps.metrics.inFlightSource = () => this.downloads;
  }

  /** GET requests holding a download slot now. */
  get downloadsInFlight(): number {
    return this.downloads;
  }

  async listen(): Promise<{ http: AddressInfo; https?: AddressInfo }> {
    const { http, https, limits } = this.deps.config;
    // A download request has no body: all of it is headers, so one timeout covers the whole request.
    const timeouts = { requestTimeoutMs: limits.headersTimeoutMs, headersTimeoutMs: limits.headersTimeoutMs, keepAliveTimeoutMs: limits.keepAliveTimeoutMs };
    this.listeners = await listenHttp((req, res) => this.onRequest(req, res), { http, https }, timeouts);
    this.addresses = this.listeners.addresses;
    this.deps.logger.info({ lifecycle: 'listening', ...this.addresses }, 'firmware file server listening');
    return this.listeners.addresses;
  }

  /**
   * Stops taking requests, lets downloads in flight finish for up to `graceMs`, then cuts what is left (a CPE
   * resumes with a Range request on another pod). Resolves with how many downloads were cut.
   */
  async close(graceMs = 10_000): Promise<{ downloadsCut: number }> {
    this.closing = true;
    const drain = async () => {
      if (this.downloads > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (this.drained = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      return { downloadsCut: this.downloads };
    };
    return this.listeners ? this.listeners.close(drain) : drain();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = this.now();
    this.serve(req, res, startedAt).catch((error: unknown) => {
      // A store that failed before the body began (or a bug): the CPE retries later, and the error is ours to see.
      this.deps.logger.error({ err: error, url: redactedUrl(req.url) }, 'could not serve file request');
      if (!res.headersSent) this.refuse(res, 'source-error', 503, { 'Retry-After': String(this.deps.config.limits.retryAfterSeconds) });
      else res.destroy();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, startedAt: number): Promise<void> {
    req.resume();
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') return this.refuse(res, 'method', 405, { Allow: 'GET, HEAD' });
    const target = targetOf(req.url);
    if (!target) return this.refuse(res, 'not-found', 404);
    const get = method === 'GET';
    const log = (entry: Omit<DownloadRecord, 'fileId' | 'durationMs'>) => {
      if (get) this.record({ fileId: target.fileId, durationMs: this.now() - startedAt, ...entry });
    };
    if (this.closing) return this.refuse(res, 'shutting-down', 503, { 'Retry-After': String(this.deps.config.limits.retryAfterSeconds) });

    const auth = this.deps.authorizer.authorize({ ...target, authorization: req.headers.authorization, method, uri: req.url ?? '/' });
    if (!auth.ok) {
      // The first request of every Digest exchange carries no credentials: not worth a record, only a count.
      if (auth.reason !== 'credentials-missing') log({ deviceId: auth.deviceId, bytes: 0, outcome: 'refused', reason: auth.reason, status: auth.status });
      return this.refuse(res, auth.reason, auth.status, auth.status === 401 ? { 'WWW-Authenticate': auth.challenge } : {});
    }
    const deviceId = auth.deviceId;

    if (!get) {
      const file = await this.deps.source.stat(target.fileId);
      if (!file) return this.refuse(res, 'not-found', 404);
      const answer = this.answerFor(req, file);
      if (answer.status === 416) return this.refuse(res, 'range-not-satisfiable', 416, answer.headers);
      this.reply(res, answer.status, answer.headers);
      return;
    }

    const limits = this.deps.config.limits;
    const slot = this.acquire(deviceId);
    if (slot !== 'ok') {
      log({ deviceId, bytes: 0, outcome: 'refused', reason: slot, status: 503 });
      return this.refuse(res, slot, 503, { 'Retry-After': String(limits.retryAfterSeconds) });
    }
    try {
      const file = await this.deps.source.stat(target.fileId);
      if (!file) {
        log({ deviceId, bytes: 0, outcome: 'refused', reason: 'not-found', status: 404 });
        return this.refuse(res, 'not-found', 404);
      }
      const answer = this.answerFor(req, file);
      if (answer.status === 304) {
        this.deps.metrics.notModified.inc();
        log({ deviceId, bytes: 0, outcome: 'not-modified', status: 304 });
        this.reply(res, 304, answer.headers);
        return;
      }
      if (answer.status === 416) {
        log({ deviceId, bytes: 0, outcome: 'refused', reason: 'range-not-satisfiable', status: 416 });
        return this.refuse(res, 'range-not-satisfiable', 416, answer.headers);
      }
      const range = answer.range;
      const sent = await this.send(res, target.fileId, answer.status, answer.headers, range);
      const durationMs = this.now() - startedAt;
      const outcome = sent.failure ? 'failed' : 'completed';
      this.deps.metrics.duration.labels(outcome).observe(durationMs / 1000);
      if (sent.failure) this.deps.metrics.failed.labels(sent.failure).inc();
      else this.deps.metrics.completed.inc();
      log({ deviceId, bytes: sent.bytes, outcome, reason: sent.failure, range, status: answer.status });
      this.deps.logger.info(
        { fileId: target.fileId, deviceId, bytes: sent.bytes, durationMs, outcome, reason: sent.failure, range },
        outcome === 'completed' ? 'file download completed' : 'file download cut',
      );
    } finally {
      this.release(deviceId);
    }
  }

  /** What a GET or HEAD of `file` is answered, from its conditional and Range headers. */
  private answerFor(req: IncomingMessage, file: ServedFile): { status: 200 | 206 | 304 | 416; headers: OutgoingHttpHeaders; range?: ByteRange } {
    const etag = `"${file.sha256}"`;
    const validators: OutgoingHttpHeaders = { ETag: etag, 'Last-Modified': new Date(file.updatedAt).toUTCString() };
    if (notModified(req, etag, file.updatedAt)) return { status: 304, headers: validators };
    const headers: OutgoingHttpHeaders = {
      ...validators,
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      // Signed per device: no shared cache should keep or hand out the answer.
      'Cache-Control': 'private, no-transform',
    };
    const range: RangeRequest = ifRangeHolds(req, etag, file.updatedAt) ? parseRangeHeader(header(req.headers.range), file.size) : { kind: 'none' };
    if (range.kind === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': unsatisfiedRange(file.size) } };
    if (range.kind === 'single') {
      const { start, end } = range;
      return { status: 206, headers: { ...headers, 'Content-Range': contentRange({ start, end }, file.size), 'Content-Length': end - start + 1 }, range: { start, end } };
    }
    return { status: 200, headers: { ...headers, 'Content-Length': file.size } };
  }

  /** Streams the body; resolves with the bytes handed to the connection and, when it was cut, why. */
  private async send(
    res: ServerResponse,
    fileId: string,
    status: number,
    headers: OutgoingHttpHeaders,
    range: ByteRange | undefined,
  ): Promise<{ bytes: number; failure?: FailureReason }> {
    const stream = await this.deps.source.open(fileId, range);
    res.writeHead(status, headers);
    this.deps.metrics.started.inc();
    let bytes = 0;
    let timedOut = false;
    // Whichever side failed first: once one fails, pipeline destroys the other, which then reports an error too.
    let firstToFail: 'source' | 'client' | undefined;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      this.deps.metrics.bytesSent.inc(chunk.length);
    });
    stream.once('error', () => (firstToFail ??= 'source'));
    res.once('close', () => {
      if (!res.writableFinished) firstToFail ??= 'client';
    });
    // The socket's idle timer: it fires only when nothing moved for this long, so a slow but steady CPE is not cut.
    res.setTimeout(this.deps.config.limits.sendIdleTimeoutMs, () => {
      timedOut = true;
      res.destroy();
    });
    try {
      await pipeline(stream, res);
      return { bytes };
    } catch (error) {
      if (timedOut) return { bytes, failure: 'idle-timeout' };
      if (firstToFail === 'source') {
        this.deps.logger.warn({ err: error, fileId }, 'file source failed during a download');
        return { bytes, failure: 'source-error' };
      }
      return { bytes, failure: this.closing ? 'shutting-down' : 'client-closed' };
    }
  }

  private acquire(deviceId: string): 'ok' | 'busy' | 'device-busy' {
    const { maxDownloads, maxDownloadsPerDevice } = this.deps.config.limits;
    if (this.downloads >= maxDownloads) return 'busy';
    const mine = this.perDevice.get(deviceId) ?? 0;
    if (mine >= maxDownloadsPerDevice) return 'device-busy';
    this.downloads += 1;
    this.perDevice.set(deviceId, mine + 1);
    return 'ok';
  }

  private release(deviceId: string): void {
    this.downloads -= 1;
    const mine = (this.perDevice.get(deviceId) ?? 1) - 1;
    if (mine > 0) this.perDevice.set(deviceId, mine);
    else this.perDevice.delete(deviceId);
    if (this.downloads === 0) this.drained?.();
  }

  private refuse(res: ServerResponse, reason: Refusal, status: number, headers: OutgoingHttpHeaders = {}): void {
    this.deps.metrics.refused.labels(reason).inc();
    this.reply(res, status, headers, `${reason}\n`);
  }

  private reply(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: string): void {
    if (res.headersSent) return;
    if (body === undefined) {
      // 304 and HEAD: the headers describe the file, and there is no body.
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  private record(entry: DownloadRecord): void {
    const log = this.deps.downloadLog;
    if (!log) return;
    const failed = (error: unknown) => this.deps.logger.warn({ err: error, fileId: entry.fileId, deviceId: entry.deviceId }, 'could not record a download');
    try {
      const pending = log.record(entry);
      if (pending) pending.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}

/** `/files/<fileId>/<name>` and its query; undefined for any other path. The name is the client's to choose. */
function targetOf(url: string | undefined): Target | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://files.invalid');
  } catch {
    return undefined;
  }
  const parts = parsed.pathname.split('/');
  if (parts.length !== 4 || parts[0] !== '' || parts[1] !== 'files' || parts[2] === '' || parts[3] === '') return undefined;
  try {
    return { fileId: decodeURIComponent(parts[2]!), query: parsed.searchParams };
  } catch {
    return undefined;
  }
}

/** If-None-Match decides when present (weak comparison, RFC 9110 §13.1.2); otherwise If-Modified-Since, in seconds. */
function notModified(req: IncomingMessage, etag: string, updatedAt: number): boolean {
  const ifNoneMatch = header(req.headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ifModifiedSince = header(req.headers['if-modified-since']);
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(updatedAt / 1000) <= Math.floor(since / 1000);
}

/**
 * If-Range: serve the range only if the file is still the one the client has part of (strong ETag comparison, or the
 * exact Last-Modified); otherwise the whole file, so a resumed download never mixes two images.
 */
function ifRangeHolds(req: IncomingMessage, etag: string, updatedAt: number): boolean {
  const ifRange = header(req.headers['if-range'])?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === etag;
  const date = Date.parse(ifRange);
  return !Number.isNaN(date) && Math.floor(date / 1000) === Math.floor(updatedAt / 1000);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The request target without its signature, for logs. */
function redactedUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&]s=)[^&]*/, '$1…');
}
