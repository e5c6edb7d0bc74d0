import {
  basicCredentialsMatch,
  digestChallenge,
  digestCredentialsMatch,
  parseDigestAuthorization,
  type HttpCredentials,
} from '@acs/cwmp';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TestFile {
  body: Buffer;
  /** Who may download it: Basic or Digest credentials, or a `token` query parameter (a signed URL's stand-in). */
  auth?: { scheme: 'basic' | 'digest'; credentials: HttpCredentials } | { token: string };
  /** Answer with Accept-Ranges and an ETag (default true): resumable. */
  ranges?: boolean;
  /** Cut the connection after this many body bytes, on the first `times` GETs of the file (a flaky line). */
  cut?: { afterBytes: number; times: number };
}

export interface TestFileServerRequest {
  path: string;
  status: number;
  range?: string;
  ifRange?: string;
  authorization?: string;
}

/**
 * A file server for the simulator's own tests (node:http): Basic/Digest challenges or a token in the query, Range
 * with If-Range against an ETag, and connections cut on purpose. The real one is libs/firmware's file server.
 */
export class TestFileServer {
  readonly requests: TestFileServerRequest[] = [];
  private readonly files = new Map<string, TestFile & { cutsLeft: number; etag: string }>();
  private server?: http.Server;
  private nonce = 0;

  /** Listens on a free loopback port; with `tls` (PEM key and certificate), over HTTPS. Returns the base URL. */
  async listen(tls?: { key: string; cert: string }): Promise<string> {
    const serve = (request: http.IncomingMessage, response: http.ServerResponse): void => this.serve(request, response);
    this.server = tls ? https.createServer(tls, serve) : http.createServer(serve);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `file` at `path` (replacing what was there: a new ETag). */
  put(path: string, file: TestFile): void {
    const etag = `"${createHash('sha256').update(file.body).digest('hex').slice(0, 16)}"`;
    this.files.set(path, { ...file, cutsLeft: file.cut?.times ?? 0, etag });
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = this.files.get(url.pathname);
    const log = (status: number): void => {
      this.requests.push({
        path: url.pathname,
        status,
        range: request.headers.range,
        ifRange: headerText(request.headers['if-range']),
        authorization: request.headers.authorization,
      });
    };
    if (!file) {
      log(404);
      response.writeHead(404).end();
      return;
    }
    const refusal = this.refusal(file, request, url);
    if (refusal) {
      log(refusal.status);
      response.writeHead(refusal.status, refusal.headers).end();
      return;
    }
    const size = file.body.length;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream' };
    if (file.ranges !== false) Object.assign(headers, { 'accept-ranges': 'bytes', etag: file.etag });
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const ifRange = headerText(request.headers['if-range']);
    if (file.ranges !== false && range && (ifRange === undefined || ifRange === file.etag)) {
      start = Number(range[1]);
      if (start >= size) {
        log(416);
        response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    }
    headers['content-length'] = size - start;
    log(status);
    response.writeHead(status, headers);
    if (file.cutsLeft > 0 && file.cut) {
      file.cutsLeft--;
      const end = Math.min(size, start + file.cut.afterBytes);
      // Flushed before the cut, so the client really holds these bytes when the connection drops.
      response.write(file.body.subarray(start, end), () => response.socket?.destroy());
      return;
    }
    response.end(file.body.subarray(start));
  }

  private refusal(file: TestFile, request: http.IncomingMessage, url: URL): { status: number; headers?: http.OutgoingHttpHeaders } | undefined {
    const auth = file.auth;
    if (!auth) return undefined;
    if ('token' in auth) return url.searchParams.get('token') === auth.token ? undefined : { status: 403 };
    const given = request.headers.authorization;
    if (auth.scheme === 'basic') {
      if (given && basicCredentialsMatch(given, auth.credentials)) return undefined;
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="files"' } };
    }
    const digest = given ? parseDigestAuthorization(given) : undefined;
    if (digest && digest.realm === 'files' && digestCredentialsMatch(digest, auth.credentials, request.method ?? 'GET')) return undefined;
    return { status: 401, headers: { 'www-authenticate': digestChallenge({ realm: 'files', algorithm: 'MD5', nonce: `n${++this.nonce}` }) } };
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
