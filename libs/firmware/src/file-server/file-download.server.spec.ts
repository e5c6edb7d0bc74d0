import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import pino from 'pino';
import { basicAuthorization, chooseDigestChallenge, digestAuthorization, parseAuthChallenges } from '@acs/cwmp';
import { DirectoryFileSource } from './directory-file-source';
import { DownloadAuthorizer, DownloadSigner, type SignedDownload } from './download-auth';
import type { DownloadRecord } from './download-log';
import { FileDownloadServer } from './file-download.server';
import type { FileServerConfig } from './file-server.config';
import { FileServerMetrics } from './file-server.metrics';
import type { ByteRange, FileSource, ServedFile } from './file-source';

const SECRET = Buffer.from('file server spec secret, 32 bytes');
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const HOUR = 3_600_000;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Resolves once `condition` holds; the bound only names what never came instead of hanging until jest's timeout. */
async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads the body until `cutAfter` bytes arrived, then drops the connection: a CPE whose download broke. */
function getCut(url: string, cutAfter: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
        if (received >= cutAfter) {
          req.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      res.on('end', () => reject(new Error('the whole file came before the cut')));
    });
    req.on('error', () => undefined);
    req.end();
  });
}

/** A client that sends its request and then reads nothing: the server's writes back up. */
function stalledClient(port: number, path: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  socket.pause();
  socket.on('error', () => undefined);
  return socket;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A large file generated as it is read (a block repeated), so the specs can serve hundreds of MiB without writing
 * them; it counts the bytes it produced and keeps the streams it opened.
 */
class GeneratedFileSource implements FileSource {
  private static readonly BLOCK = 65_521; // prime: the pattern never lines up with read sizes
  private readonly doubled: Buffer;
  readonly streams: Readable[] = [];
  produced = 0;
  private file?: ServedFile;

  constructor(private readonly size: number) {
    const block = randomBytes(GeneratedFileSource.BLOCK);
    this.doubled = Buffer.concat([block, block]);
  }

  async stat(fileId: string): Promise<ServedFile | null> {
    if (fileId !== 'big') return null;
    if (!this.file) {
      const hash = createHash('sha256');
      for await (const chunk of this.read(0, this.size - 1, false)) hash.update(chunk as Buffer);
      this.file = { size: this.size, sha256: hash.digest('hex'), updatedAt: T0, name: 'big.bin' };
    }
    return this.file;
  }

  async open(_fileId: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const stream = this.read(range?.start ?? 0, range?.end ?? this.size - 1, true);
    this.streams.push(stream);
    return stream;
  }

  private read(start: number, end: number, counted: boolean): Readable {
    let offset = start;
    const doubled = this.doubled;
    const produced = (length: number) => {
      if (counted) this.produced += length;
    };
    return new Readable({
      highWaterMark: 64 * 1024,
      read(size) {
        if (offset > end) {
          this.push(null);
          return;
        }
        const at = offset % GeneratedFileSource.BLOCK;
        const length = Math.min(size, GeneratedFileSource.BLOCK, end - offset + 1);
        offset += length;
        produced(length);
        this.push(doubled.subarray(at, at + length));
      },
    });
  }
}

function limits(overrides: Partial<FileServerConfig['limits']> = {}): FileServerConfig['limits'] {
  return {
    maxDownloads: 100,
    maxDownloadsPerDevice: 2,
    retryAfterSeconds: 7,
    headersTimeoutMs: 20_000,
    sendIdleTimeoutMs: 60_000,
    keepAliveTimeoutMs: 1000,
    ...overrides,
  };
}

async function startServer(source: FileSource, limitOverrides: Partial<FileServerConfig['limits']> = {}, https?: FileServerConfig['https']) {
  const clock = { now: T0 };
  const registry = new Registry();
  const metrics = new FileServerMetrics(registry);
  const records: DownloadRecord[] = [];
  const authorizer = new DownloadAuthorizer({ secret: SECRET, realm: 'acs-files', nonceTtlMs: 300_000, now: () => clock.now });
  const server = new FileDownloadServer({
    source,
    authorizer,
    config: { http: { host: '127.0.0.1', port: 0 }, https, limits: limits(limitOverrides) },
    metrics,
    logger: pino({ level: 'silent' }),
    downloadLog: { record: (entry) => void records.push(entry) },
    now: () => clock.now,
  });
  const { http, https: httpsAddress } = await server.listen();
  const baseUrl = `http://127.0.0.1:${http.port}`;
  const signer = new DownloadSigner(SECRET);
  const sign = (fileId: string, deviceId = 'dev-1', name = 'fw.bin'): SignedDownload =>
    signer.sign({ fileId, name, deviceId, expiresAt: clock.now + HOUR, baseUrl });
  const counted = async (metric: string, labels: Record<string, string> = {}): Promise<number> => {
    const values = (await registry.getSingleMetric(metric)!.get()).values;
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
  };
  return { server, clock, records, baseUrl, sign, counted, port: http.port, httpsPort: httpsAddress?.port };
}

describe('FileDownloadServer', () => {
  let dir: string;
  let content: Buffer;
  let file: ServedFile;
  let env: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acs-file-server-'));
    const source = new DirectoryFileSource(dir, () => T0 - HOUR);
    content = randomBytes(3 * 1024 * 1024 + 17);
    file = await source.put('img1', 'fw.bin', content);
    env = await startServer(source);
  });

  afterAll(async () => {
    await env?.server.close(0);
    await rm(dir, { recursive: true, force: true });
  });

  describe('serving a file', () => {
    it('answers GET with the whole file and the headers a CPE needs, and records the download', async () => {
      const { url } = env.sign('img1', 'dev-get');
      const reply = await get(url);
      expect(reply.status).toBe(200);
      expect(sha256(reply.body)).toBe(file.sha256);
      expect(reply.headers).toMatchObject({
        'content-length': String(content.length),
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        etag: `"${file.sha256}"`,
        'last-modified': new Date(T0 - HOUR).toUTCString(),
      });
      await eventually(() => env.records.some((r) => r.deviceId === 'dev-get'), 'the download record');
      expect(env.records.find((r) => r.deviceId === 'dev-get')).toMatchObject({ fileId: 'img1', bytes: content.length, outcome: 'completed', status: 200 });
    });

    it('answers HEAD with the same headers and no body, and records nothing', async () => {
      const before = env.records.length;
      const reply = await get(env.sign('img1', 'dev-head').url, {}, 'HEAD');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-length']).toBe(String(content.length));
      expect(reply.headers.etag).toBe(`"${file.sha256}"`);
      expect(reply.body.length).toBe(0);
      expect(env.records.length).toBe(before);
    });

    it('serves single ranges a-b, a- and -n as 206 with Content-Range', async () => {
      const { url } = env.sign('img1');
      const cases: Array<[string, number, number]> = [
        ['bytes=0-99', 0, 99],
        ['bytes=1000000-', 1_000_000, content.length - 1],
        ['bytes=-4096', content.length - 4096, content.length - 1],
      ];
      for (const [range, start, end] of cases) {
        const reply = await get(url, { Range: range });
        expect(reply.status).toBe(206);
        expect(reply.headers['content-range']).toBe(`bytes ${start}-${end}/${content.length}`);
        expect(reply.headers['content-length']).toBe(String(end - start + 1));
        expect(reply.body.equals(content.subarray(start, end + 1))).toBe(true);
      }
    });

    it('answers an unsatisfiable range 416 with the size, and several ranges with the whole file', async () => {
      const { url } = env.sign('img1');
      const beyond = await get(url, { Range: `bytes=${content.length}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${content.length}`);
      const several = await get(url, { Range: 'bytes=0-9, 20-29' });
      expect(several.status).toBe(200);
      expect(several.body.length).toBe(content.length);
      expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'range-not-satisfiable' })).toBeGreaterThanOrEqual(1);
    });

    it('answers 304 to If-None-Match with the ETag and to If-Modified-Since, and sends a changed file', async () => {
      const { url } = env.sign('img1');
      const byTag = await get(url, { 'If-None-Match': `"other", "${file.sha256}"` });
      expect(byTag.status).toBe(304);
      expect(byTag.headers.etag).toBe(`"${file.sha256}"`);
      expect(byTag.body.length).toBe(0);
      expect((await get(url, { 'If-None-Match': '"other"' })).status).toBe(200);
      expect((await get(url, { 'If-Modified-Since': new Date(T0 - HOUR).toUTCString() })).status).toBe(304);
      expect((await get(url, { 'If-Modified-Since': new Date(T0 - 2 * HOUR).toUTCString() })).status).toBe(200);
      expect(await env.counted('acs_firmware_downloads_not_modified_total')).toBeGreaterThanOrEqual(2);
    });

    it('honours If-Range: the range while the file is the same, the whole file once it changed', async () => {
      const { url } = env.sign('img1');
      expect((await get(url, { Range: 'bytes=0-9', 'If-Range': `"${file.sha256}"` })).status).toBe(206);
      expect((await get(url, { Range: 'bytes=0-9', 'If-Range': new Date(T0 - HOUR).toUTCString() })).status).toBe(206);
      const changed = await get(url, { Range: 'bytes=0-9', 'If-Range': '"an-older-image"' });
      expect(changed.status).toBe(200);
      expect(changed.body.length).toBe(content.length);
    });

    it('completes a download cut mid-way when the CPE resumes it with Range', async () => {
      const { url } = env.sign('img1', 'dev-resume');
      const head = await getCut(url, 1024 * 1024);
      await eventually(() => env.records.some((r) => r.deviceId === 'dev-resume' && r.outcome === 'failed'), 'the cut download recorded');
      const cut = env.records.find((r) => r.deviceId === 'dev-resume')!;
      expect(cut.reason).toBe('client-closed');
      const rest = await get(url, { Range: `bytes=${head.length}-`, 'If-Range': `"${file.sha256}"` });
      expect(rest.status).toBe(206);
      expect(sha256(Buffer.concat([head, rest.body]))).toBe(file.sha256);
      await eventually(() => env.records.some((r) => r.deviceId === 'dev-resume' && r.outcome === 'completed'), 'the resumed download recorded');
      expect(env.records.find((r) => r.deviceId === 'dev-resume' && r.outcome === 'completed')).toMatchObject({
        range: { start: head.length, end: content.length - 1 },
        bytes: content.length - head.length,
        status: 206,
      });
    });

    it('answers 503 with Retry-After when the store fails, counted', async () => {
      const failing: FileSource = {
        stat: async () => {
          throw new Error('store down');
        },
        open: async () => {
          throw new Error('store down');
        },
      };
      const down = await startServer(failing);
      try {
        const reply = await get(down.sign('img1').url);
        expect(reply.status).toBe(503);
        expect(reply.headers['retry-after']).toBe('7');
        expect(await down.counted('acs_firmware_downloads_refused_total', { reason: 'source-error' })).toBe(1);
        expect(down.server.downloadsInFlight).toBe(0);
      } finally {
        await down.server.close(0);
      }
    });

    it('answers 404 for an unknown file or path and 405 for other methods', async () => {
      expect((await get(env.sign('nope').url)).status).toBe(404);
      expect((await get(`${env.baseUrl}/other/img1/fw.bin`)).status).toBe(404);
      const post = await get(env.sign('img1').url, {}, 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
    });
  });

  describe('authorisation', () => {
    it('serves a signed URL on its own, and refuses a tampered or expired one (403), counted', async () => {
      const { url } = env.sign('img1', 'dev-url');
      expect((await get(url)).status).toBe(200);
      const tampered = new URL(url);
      tampered.searchParams.set('d', 'dev-other');
      const before = await env.counted('acs_firmware_downloads_refused_total', { reason: 'signature-invalid' });
      expect((await get(tampered.toString())).status).toBe(403);
      expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'signature-invalid' })).toBe(before + 1);

      const expiring = env.sign('img1', 'dev-expiring');
      env.clock.now += HOUR;
      try {
        expect((await get(expiring.url)).status).toBe(403);
      } finally {
        env.clock.now -= HOUR;
      }
      expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'signature-expired' })).toBe(1);
      expect(env.records.find((r) => r.deviceId === 'dev-expiring')).toMatchObject({ outcome: 'refused', reason: 'signature-expired', status: 403 });
    });

    it('challenges a bare URL, and serves it with the credentials as Basic; wrong ones 401, expired 403', async () => {
      const bare = `${env.baseUrl}/files/img1/fw.bin`;
      const challenged = await get(bare);
      expect(challenged.status).toBe(401);
      expect(challenged.headers['www-authenticate']).toEqual(expect.stringContaining('Digest realm="acs-files"'));

      const { username, password } = env.sign('img1', 'dev-basic');
      const ok = await get(bare, { Authorization: basicAuthorization({ username, password }) });
      expect(ok.status).toBe(200);
      expect(sha256(ok.body)).toBe(file.sha256);
      expect((await get(bare, { Authorization: basicAuthorization({ username, password: 'wrong' }) })).status).toBe(401);
      env.clock.now += 2 * HOUR;
      try {
        expect((await get(bare, { Authorization: basicAuthorization({ username, password }) })).status).toBe(403);
      } finally {
        env.clock.now -= 2 * HOUR;
      }
      expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'credentials-invalid' })).toBeGreaterThanOrEqual(1);
      expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'credentials-expired' })).toBeGreaterThanOrEqual(1);
    });

    it('serves a bare URL to a Digest answer with the credentials; wrong ones 401, expired 403', async () => {
      const path = '/files/img1/fw.bin';
      const digestGet = async (credentials: { username: string; password: string }) => {
        const challenged = await get(`${env.baseUrl}${path}`);
        const offers = challenged.headers['www-authenticate']!;
        const choice = chooseDigestChallenge(parseAuthChallenges(Array.isArray(offers) ? offers : [offers]))!;
        return get(`${env.baseUrl}${path}`, { Authorization: digestAuthorization(choice, credentials, { method: 'GET', uri: path }) });
      };
      const credentials = env.sign('img1', 'dev-digest');
      const ok = await digestGet(credentials);
      expect(ok.status).toBe(200);
      expect(sha256(ok.body)).toBe(file.sha256);
      expect((await digestGet({ ...credentials, password: 'guess' })).status).toBe(401);
      env.clock.now += 2 * HOUR;
      try {
        expect((await digestGet(credentials)).status).toBe(403);
      } finally {
        env.clock.now -= 2 * HOUR;
      }
      // The completed download is recorded once its last byte left, which may be after the refusals that followed it.
      await eventually(() => env.records.filter((r) => r.deviceId === 'dev-digest').length === 3, 'three records of dev-digest');
      expect(env.records.filter((r) => r.deviceId === 'dev-digest').map((r) => `${r.outcome} ${r.reason ?? ''}`.trim()).sort()).toEqual([
        'completed',
        'refused credentials-expired',
        'refused credentials-invalid',
      ]);
    });
  });
});

describe('FileDownloadServer under load', () => {
  const SIZE = 256 * 1024 * 1024;
  let source: GeneratedFileSource;
  let env: Awaited<ReturnType<typeof startServer>>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    source = new GeneratedFileSource(SIZE);
    await source.stat('big');
    env = await startServer(source, { maxDownloads: 2, maxDownloadsPerDevice: 1 });
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await env?.server.close(0);
  });

  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  it('reads from the source only as fast as clients take, caps downloads, and closes the source of a client that leaves', async () => {
    sockets.push(stalledClient(env.port, pathOf(env.sign('big', 'dev-a').url)));
    await eventually(() => source.streams.length === 1 && source.streams[0]!.isPaused(), 'the first download held back by its client');

    // Per device: a second download of the same device waits its turn.
    const again = await get(env.sign('big', 'dev-a').url);
    expect(again.status).toBe(503);
    expect(again.headers['retry-after']).toBe('7');

    sockets.push(stalledClient(env.port, pathOf(env.sign('big', 'dev-b').url)));
    await eventually(() => source.streams.length === 2 && source.streams[1]!.isPaused(), 'the second download held back by its client');
    // Memory: what was read is what the sockets' buffers hold, far below the file, however long the clients stall.
    expect(source.produced).toBeLessThan(2 * 48 * 1024 * 1024);

    const third = await get(env.sign('big', 'dev-c').url);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('7');
    expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'busy' })).toBe(1);
    expect(await env.counted('acs_firmware_downloads_refused_total', { reason: 'device-busy' })).toBe(1);

    for (const s of sockets.splice(0)) s.destroy();
    await eventually(() => source.streams.every((s) => s.destroyed) && env.server.downloadsInFlight === 0, 'the sources of the gone clients closed');
    await eventually(() => env.records.filter((r) => r.outcome === 'failed').length === 2, 'the cut downloads recorded');
    expect(env.records.filter((r) => r.outcome === 'failed').map((r) => r.reason)).toEqual(['client-closed', 'client-closed']);
    expect(await env.counted('acs_firmware_downloads_failed_total', { reason: 'client-closed' })).toBe(2);
  });

  it('on close, stops listening and cuts the downloads still running after the grace, closing their sources', async () => {
    const closing = await startServer(source);
    const opened = source.streams.length;
    sockets.push(stalledClient(closing.port, pathOf(closing.sign('big', 'dev-closing').url)));
    await eventually(() => closing.server.downloadsInFlight === 1, 'the download under way');
    expect(await closing.server.close(0)).toEqual({ downloadsCut: 1 });
    await eventually(() => closing.records.some((r) => r.deviceId === 'dev-closing'), 'the cut download recorded');
    expect(closing.records.find((r) => r.deviceId === 'dev-closing')).toMatchObject({ outcome: 'failed', reason: 'shutting-down' });
    expect(source.streams[opened]!.destroyed).toBe(true);
  });

  it('cuts a client that stops reading once the idle timeout passes', async () => {
    const idle = await startServer(source, { sendIdleTimeoutMs: 200 });
    const opened = source.streams.length;
    try {
      sockets.push(stalledClient(idle.port, pathOf(idle.sign('big', 'dev-idle').url)));
      await eventually(() => idle.records.some((r) => r.deviceId === 'dev-idle'), 'the stalled download cut');
      expect(idle.records.find((r) => r.deviceId === 'dev-idle')).toMatchObject({ outcome: 'failed', reason: 'idle-timeout' });
      await eventually(() => source.streams.length > opened && source.streams[opened]!.destroyed, 'its source closed');
    } finally {
      await idle.server.close(0);
    }
  });
});

describe('FileDownloadServer over HTTPS', () => {
  let dir: string;
  let env: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acs-file-server-tls-'));
    // A self-signed certificate for 127.0.0.1, made with openssl (an EC key: quick to make).
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
    const source = new DirectoryFileSource(join(dir, 'files'));
    await source.put('img1', 'fw.bin', Buffer.from('firmware over TLS'));
    env = await startServer(source, {}, { host: '127.0.0.1', port: 0, certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') });
  });

  afterAll(async () => {
    await env?.server.close(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a signed URL on the TLS port', async () => {
    const url = env.sign('img1').url.replace(env.baseUrl, `https://127.0.0.1:${env.httpsPort}`);
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = httpsRequest(url, { ca: readFileSync(join(dir, 'server.crt')), agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('firmware over TLS');
  });
});
