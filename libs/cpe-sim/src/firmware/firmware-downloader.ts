import { FaultCode, faultString } from '@acs/cwmp';
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpAuthenticator } from '../http/http-auth';

/** What a Download RPC says about the file to fetch. */
export interface FirmwareDownloadRequest {
  url: string;
  /** Empty: none (a signed URL carries its own authorisation in its query). */
  username: string;
  password: string;
  /** Bytes the ACS announced; 0: unknown (not checked). */
  fileSize: number;
}

export interface FirmwareDownloadOptions {
  /** HTTP requests that may carry file bytes, the first included (a resumed one is an attempt too). Default 3. */
  attempts?: number;
  /** Wait before the n-th retry: retryDelayMs · 2^(n-1). Default 250. */
  retryDelayMs?: number;
  /** A connection silent for this long is dropped (and resumed if it can be). Default 30 s. */
  idleTimeoutMs?: number;
  localAddress?: string;
  signal?: AbortSignal;
  /** Every byte of the file in order; `restart()` is called when a download starts over from byte 0. */
  sink: { update(chunk: Buffer): void; reset(): void };
  /** Failure injection: drop every connection after its first chunk of file bytes (a flaky line that never recovers). */
  dropEveryConnection?: boolean;
}

/** One HTTP GET that was answered (401 challenges are not attempts; the retry that answers them is). */
export interface FirmwareDownloadAttempt {
  status: number;
  /** The first byte asked for with Range (absent: the whole file). */
  rangeStart?: number;
  /** File bytes this attempt brought. */
  bytes: number;
  /** Why it ended early. */
  error?: string;
}

export type FirmwareDownloadResult =
  | { ok: true; bytes: number; attempts: FirmwareDownloadAttempt[] }
  | { ok: false; faultCode: number; faultString: string; bytes: number; attempts: FirmwareDownloadAttempt[] };

const MAX_REDIRECTS = 5;
const MAX_CHALLENGES_PER_REQUEST = 2;

class FinalFailure extends Error {
  constructor(
    readonly faultCode: number,
    detail: string,
  ) {
    super(`${faultString(faultCode)}: ${detail}`);
  }
}

/** The resume state kept between attempts: what the server promised about the file. */
interface Progress {
  received: number;
  /** Content length of the whole file, once a response told. */
  total?: number;
  /** ETag or Last-Modified for If-Range, when the server also sent Accept-Ranges: bytes. */
  resumeValidator?: string;
}

/**
 * Downloads a file over HTTP(S) as a CPE does (TR-069 A.3.2.8): the URL as given (its query may be a signature),
 * Basic or Digest credentials from the RPC on a 401 challenge, redirects, and on a dropped connection a bounded
 * number of retries that resume with `Range` + `If-Range` where the server allowed it (Accept-Ranges and a
 * validator) and start over otherwise. The file's bytes go to `sink`; nothing is kept here.
 *
 * Fault codes: 9012 credentials missing or refused (401/403), 9016 file not there (404/410, other 4xx),
 * 9013 not HTTP(S), 9018 size differs from FileSize, 9010 attempts used up (5xx, dropped or refused connections).
 */
export async function downloadFirmware(request: FirmwareDownloadRequest, options: FirmwareDownloadOptions): Promise<FirmwareDownloadResult> {
  const attempts: FirmwareDownloadAttempt[] = [];
  const progress: Progress = { received: 0 };
  const maxAttempts = Math.max(1, options.attempts ?? 3);
  const authenticator = request.username ? new HttpAuthenticator({ username: request.username, password: request.password }) : undefined;
  let lastError = 'no attempt made';
  try {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new FinalFailure(FaultCode.UNSUPPORTED_FILE_TRANSFER_PROTOCOL, `"${request.url}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FinalFailure(FaultCode.UNSUPPORTED_FILE_TRANSFER_PROTOCOL, `${url.protocol} is not supported`);
    }
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await abortableDelay((options.retryDelayMs ?? 250) * 2 ** (attempt - 2), options.signal);
      const record: FirmwareDownloadAttempt = { status: 0, bytes: 0 };
      attempts.push(record);
      const outcome = await fetchOnce(url, progress, record, authenticator, options);
      if (outcome.done) {
        if (request.fileSize > 0 && progress.received !== request.fileSize) {
          throw new FinalFailure(FaultCode.FILE_TRANSFER_FILE_CORRUPTED, `received ${progress.received} bytes, FileSize says ${request.fileSize}`);
        }
        return { ok: true, bytes: progress.received, attempts };
      }
      url = outcome.url;
      lastError = outcome.error;
    }
    throw new FinalFailure(FaultCode.FILE_TRANSFER_FAILURE, `${maxAttempts} attempt(s), last: ${lastError}`);
  } catch (error) {
    if (!(error instanceof FinalFailure)) throw error;
    return { ok: false, faultCode: error.faultCode, faultString: error.message, bytes: progress.received, attempts };
  }
}

type FetchOutcome = { done: true } | { done: false; url: URL; error: string };

/** One attempt: the GET (with its 401 challenges and redirects) and its body, until the end or a drop. */
async function fetchOnce(
  start: URL,
  progress: Progress,
  record: FirmwareDownloadAttempt,
  authenticator: HttpAuthenticator | undefined,
  options: FirmwareDownloadOptions,
): Promise<FetchOutcome> {
  let url = start;
  let challenges = 0;
  for (let redirects = 0; ; ) {
    const headers: http.OutgoingHttpHeaders = { accept: '*/*', 'user-agent': 'acs-cpe-sim' };
    const resuming = progress.received > 0 && progress.resumeValidator !== undefined;
    if (resuming) {
      headers.range = `bytes=${progress.received}-`;
      headers['if-range'] = progress.resumeValidator;
      record.rangeStart = progress.received;
    } else {
      delete record.rangeStart;
    }
    const path = `${url.pathname}${url.search}`;
    const authorization = authenticator?.active ? authenticator.authorization('GET', path) : undefined;
    if (authorization) headers.authorization = authorization;

    let response: http.IncomingMessage;
    try {
      response = await get(url, headers, options);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      record.error = messageOf(error);
      return { done: false, url, error: record.error };
    }
    const status = response.statusCode ?? 0;

    record.status = status;
    if (status === 401) {
      response.resume();
      const offered = headerList(response.headers['www-authenticate']);
      if (!authenticator) throw new FinalFailure(FaultCode.FILE_TRANSFER_SERVER_AUTHENTICATION_FAILURE, 'the server asks for credentials and the Download had none');
      const stale = HttpAuthenticator.isStale(offered);
      if (++challenges > MAX_CHALLENGES_PER_REQUEST || (authorization && !stale)) {
        throw new FinalFailure(FaultCode.FILE_TRANSFER_SERVER_AUTHENTICATION_FAILURE, 'the server refused the credentials');
      }
      if (!authenticator.accept(offered)) {
        throw new FinalFailure(FaultCode.FILE_TRANSFER_SERVER_AUTHENTICATION_FAILURE, `no supported challenge in "${offered.join(' | ')}"`);
      }
      continue;
    }
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (++redirects > MAX_REDIRECTS) throw new FinalFailure(FaultCode.FILE_TRANSFER_FAILURE, 'too many redirects');
      url = new URL(response.headers.location, url);
      authenticator?.clear();
      continue;
    }
    if (status === 403) {
      response.resume();
      throw new FinalFailure(FaultCode.FILE_TRANSFER_SERVER_AUTHENTICATION_FAILURE, 'the server refused the download (HTTP 403)');
    }
    if (status === 416) {
      // The file changed under a resumed download: start over.
      response.resume();
      restart(progress, options);
      record.error = 'HTTP 416, starting over';
      return { done: false, url, error: record.error };
    }
    if (status >= 400 && status < 500) {
      response.resume();
      throw new FinalFailure(FaultCode.FILE_TRANSFER_FILE_INACCESSIBLE, `HTTP ${status}`);
    }
    if (status !== 200 && status !== 206) {
      response.resume();
      record.error = `HTTP ${status}`;
      return { done: false, url, error: record.error };
    }

    if (status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''));
      if (!resuming || !range || Number(range[1]) !== progress.received) {
        response.resume();
        restart(progress, options);
        record.error = `unexpected Content-Range "${String(response.headers['content-range'])}"`;
        return { done: false, url, error: record.error };
      }
      progress.total = Number(range[3]);
    } else {
      // 200: the whole file (the server ignored the Range, or If-Range found the file changed).
      if (progress.received > 0) restart(progress, options);
      const length = Number(response.headers['content-length']);
      progress.total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
      const validator = response.headers.etag ?? response.headers['last-modified'];
      progress.resumeValidator = response.headers['accept-ranges'] === 'bytes' && validator ? validator : undefined;
    }
    const ended = await readBody(response, progress, record, options);
    if (ended === 'complete' && (progress.total === undefined || progress.received === progress.total)) return { done: true };
    record.error = ended === 'complete' ? `the body ended at ${progress.received} of ${progress.total} bytes` : ended;
    return { done: false, url, error: record.error };
  }
}

function restart(progress: Progress, options: FirmwareDownloadOptions): void {
  progress.received = 0;
  progress.total = undefined;
  progress.resumeValidator = undefined;
  options.sink.reset();
}

/** Streams the body into the sink; 'complete' at its end, else why the connection dropped. */
function readBody(
  response: http.IncomingMessage,
  progress: Progress,
  record: FirmwareDownloadAttempt,
  options: FirmwareDownloadOptions,
): Promise<'complete' | string> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: string): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      options.sink.update(chunk);
      progress.received += chunk.length;
      record.bytes += chunk.length;
      if (options.dropEveryConnection) {
        finish('connection dropped (injected download failure)');
        response.destroy();
      }
    });
    response.once('end', () => finish('complete'));
    response.once('error', (error) => finish(`connection dropped after ${progress.received} bytes (${messageOf(error)})`));
    response.once('close', () => finish(`connection dropped after ${progress.received} bytes`));
  });
}

function get(url: URL, headers: http.OutgoingHttpHeaders, options: FirmwareDownloadOptions): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'GET',
      headers,
      // A fresh connection per request, as a CPE's download client opens; file servers under test are self-signed.
      agent: false,
      rejectUnauthorized: false,
      localAddress: options.localAddress,
      signal: options.signal,
      timeout: options.idleTimeoutMs ?? 30_000,
    });
    request.once('timeout', () => request.destroy(new Error(`no data for ${options.idleTimeoutMs ?? 30_000} ms`)));
    request.once('response', (response) => {
      // The idle timeout stays on the socket for the body: a stalled transfer is a dropped one.
      response.socket?.setTimeout(options.idleTimeoutMs ?? 30_000, () => response.destroy(new Error('the transfer stalled')));
      resolve(response);
    });
    request.once('error', reject);
    request.end();
  });
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  return String(error);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
