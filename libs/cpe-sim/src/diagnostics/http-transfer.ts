import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';

/** Why a transfer failed, in TR-143's words (the runner picks the object's Error_* state). */
export type TransferFailure = 'CannotResolveHostName' | 'NoRouteToHost' | 'InitConnectionFailed' | 'NoResponse' | 'TransferFailed' | 'LoginFailed' | 'NoTransferComplete';

export interface TransferResult {
  /** Epoch ms with a fraction (µs precision). */
  tcpOpenRequestTime: number;
  tcpOpenResponseTime: number;
  romTime: number;
  bomTime: number;
  eomTime: number;
  /** Payload bytes plus the HTTP response (download) or request (upload) header bytes. */
  testBytes: number;
  totalBytesReceived: number;
  totalBytesSent: number;
}

export class TransferFailedError extends Error {
  constructor(readonly failure: TransferFailure, message: string) {
    super(message);
    this.name = 'TransferFailedError';
  }
}

export interface TransferOptions {
  /** The simulated link's rate (bits/s): the CPE takes bytes no faster; 0: as fast as they come. */
  bitsPerSecond: number;
  timeoutMs: number;
  signal: AbortSignal;
  localAddress?: string;
}

/** Wall-clock epoch ms with the sub-millisecond part of the monotonic clock. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

// IP and TCP headers per full-size segment: how interface byte counts exceed application bytes.
const SEGMENT = 1460;
const withHeaders = (bytes: number): number => bytes + Math.ceil(bytes / SEGMENT) * 40;

/**
 * A link of a given rate between the server and the CPE: every chunk occupies it for its bytes' serialisation
 * time, and the CPE does not read on (the socket stays paused, TCP pushes back) until the link would have carried it.
 * So BOM→EOM throughput is the link's rate whenever the server is faster, and below it otherwise.
 */
class ThrottledLink {
  private busyUntil: number;
  constructor(private readonly bitsPerSecond: number, start: number) {
    this.busyUntil = start;
  }
  /** When `bytes` that arrived now have crossed the link. */
  carry(bytes: number): number {
    if (this.bitsPerSecond <= 0) return preciseNow();
    this.busyUntil = Math.max(this.busyUntil, preciseNow()) + (bytes * 8 * 1000) / this.bitsPerSecond;
    return this.busyUntil;
  }
}

function wait(untilMs: number, signal: AbortSignal): Promise<void> {
  const delay = untilMs - preciseNow();
  if (delay <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function connectionFailure(error: NodeJS.ErrnoException, responded: boolean, upload: boolean): TransferFailedError {
  if (error instanceof TransferFailedError) return error;
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransferFailedError('CannotResolveHostName', error.message);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new TransferFailedError('NoRouteToHost', error.message);
  if (code === 'ECONNREFUSED') return new TransferFailedError('InitConnectionFailed', error.message);
  if (!responded) return new TransferFailedError(upload ? 'NoTransferComplete' : 'NoResponse', error.message);
  return new TransferFailedError(upload ? 'NoTransferComplete' : 'TransferFailed', error.message);
}

function requestFor(url: string, method: string, options: TransferOptions, headers: http.OutgoingHttpHeaders): http.ClientRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TransferFailedError('InitConnectionFailed', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TransferFailedError('InitConnectionFailed', `${parsed.protocol} is not HTTP(S)`);
  const client = parsed.protocol === 'https:' ? https : http;
  // A fresh connection per test: its TCP open is part of what the test measures.
  return client.request(parsed, { method, agent: false, headers, localAddress: options.localAddress, rejectUnauthorized: false });
}

const headerBytes = (raw: string[]): number => raw.reduce((sum, part, i) => sum + part.length + (i % 2 === 0 ? 2 : 2), 0) + 2;

/** TR-143 download: GET the URL, reading at most at the link's rate; the TR-143 times and byte counts. */
export function httpDownload(url: string, options: TransferOptions): Promise<TransferResult> {
  return new Promise<TransferResult>((resolve, reject) => {
    const times = { tcpOpenRequestTime: preciseNow(), tcpOpenResponseTime: 0, romTime: 0, bomTime: 0, eomTime: 0 };
    let request: http.ClientRequest;
    try {
      request = requestFor(url, 'GET', options, { 'user-agent': 'acs-cpe-sim diagnostics' });
    } catch (error) {
      return reject(error as Error);
    }
    let responded = false;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      request.destroy();
      reject(options.signal.aborted ? (options.signal.reason as Error) : connectionFailure(error, responded, false));
    };
    const onAbort = (): void => fail(options.signal.reason as Error);
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.setTimeout(options.timeoutMs, () => fail(new TransferFailedError(responded ? 'TransferFailed' : 'NoResponse', `no progress for ${options.timeoutMs} ms`)));
    request.on('socket', (socket) => socket.once('connect', () => (times.tcpOpenResponseTime = preciseNow())));
    request.on('finish', () => (times.romTime = preciseNow()));
    request.on('error', fail);
    request.on('response', (response) => {
      responded = true;
      times.bomTime = preciseNow();
      const status = response.statusCode ?? 0;
      if (status === 401 || status === 403) return fail(new TransferFailedError('LoginFailed', `HTTP ${status}`));
      if (status < 200 || status > 299) return fail(new TransferFailedError('TransferFailed', `HTTP ${status}`));
      const link = new ThrottledLink(options.bitsPerSecond, times.bomTime);
      const head = headerBytes(response.rawHeaders) + `HTTP/1.1 ${status} ${response.statusMessage ?? ''}\r\n`.length;
      let body = 0;
      let crossed = times.bomTime;
      response.on('data', (chunk: Buffer) => {
        body += chunk.length;
        crossed = link.carry(chunk.length);
        if (crossed > preciseNow()) {
          response.pause();
          wait(crossed, options.signal).then(() => response.resume(), fail);
        }
      });
      response.on('error', fail);
      response.on('aborted', () => fail(new TransferFailedError('TransferFailed', 'the server closed the connection mid-transfer')));
      response.on('end', () => {
        const expected = Number(response.headers['content-length']);
        if (Number.isFinite(expected) && expected !== body) return fail(new TransferFailedError('TransferFailed', `${body} of ${expected} bytes`));
        wait(crossed, options.signal).then(() => {
          if (settled) return;
          settled = true;
          options.signal.removeEventListener('abort', onAbort);
          times.eomTime = Math.max(crossed, times.bomTime);
          resolve({ ...times, testBytes: body + head, totalBytesReceived: withHeaders(body + head), totalBytesSent: withHeaders(300) });
        }, fail);
      });
    });
    request.end();
  });
}

const UPLOAD_CHUNK = Buffer.alloc(16 * 1024, 0x5a);

/** TR-143 upload: PUT `length` bytes to the URL at most at the link's rate; EOM when the server confirmed them. */
export function httpUpload(url: string, length: number, options: TransferOptions): Promise<TransferResult> {
  return new Promise<TransferResult>((resolve, reject) => {
    const times = { tcpOpenRequestTime: preciseNow(), tcpOpenResponseTime: 0, romTime: 0, bomTime: 0, eomTime: 0 };
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(length), 'user-agent': 'acs-cpe-sim diagnostics' };
    let request: http.ClientRequest;
    try {
      request = requestFor(url, 'PUT', options, headers);
    } catch (error) {
      return reject(error as Error);
    }
    let responded = false;
    let settled = false;
    let crossed = 0;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      request.destroy();
      reject(options.signal.aborted ? (options.signal.reason as Error) : connectionFailure(error, responded, true));
    };
    const onAbort = (): void => fail(options.signal.reason as Error);
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.setTimeout(options.timeoutMs, () => fail(new TransferFailedError(responded ? 'NoTransferComplete' : 'NoResponse', `no progress for ${options.timeoutMs} ms`)));
    request.on('error', fail);
    request.on('response', (response) => {
      responded = true;
      const status = response.statusCode ?? 0;
      response.resume();
      if (status === 401 || status === 403) return fail(new TransferFailedError('LoginFailed', `HTTP ${status}`));
      if (status < 200 || status > 299) return fail(new TransferFailedError('NoTransferComplete', `HTTP ${status}`));
      const answeredAt = preciseNow();
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      times.eomTime = Math.max(answeredAt, crossed);
      const head = Object.entries(headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0) + `PUT ${url} HTTP/1.1\r\n`.length;
      resolve({ ...times, testBytes: length + head, totalBytesSent: withHeaders(length + head), totalBytesReceived: withHeaders(200) });
    });
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        times.tcpOpenResponseTime = preciseNow();
        times.romTime = times.tcpOpenResponseTime;
        void send();
      });
    });
    const send = async (): Promise<void> => {
      times.bomTime = preciseNow();
      const link = new ThrottledLink(options.bitsPerSecond, times.bomTime);
      try {
        for (let sent = 0; sent < length && !settled; ) {
          const size = Math.min(UPLOAD_CHUNK.length, length - sent);
          const more = request.write(size === UPLOAD_CHUNK.length ? UPLOAD_CHUNK : UPLOAD_CHUNK.subarray(0, size));
          sent += size;
          crossed = link.carry(size);
          if (!more) await new Promise<void>((r) => request.once('drain', r));
          await wait(crossed, options.signal);
        }
        if (!settled) request.end();
      } catch (error) {
        fail(error as Error);
      }
    };
    request.flushHeaders();
  });
}
