import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { Registry, type Counter } from 'prom-client';
import type { BulkDataReport, BulkDataSink } from './bulkdata-report';
import { loadDiagnosticsHttpConfig, type DiagnosticsHttpConfig } from './diagnostics-http.config';
import { DiagnosticsHttpMetrics } from './diagnostics-http.metrics';
import { DiagnosticsHttpServer } from './diagnostics-http.server';

const SECRET = Buffer.from('diagnostics http spec secret, 32 bytes');
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const HOUR = 3_600_000;
const KiB = 1024;
const MiB = 1024 * KiB;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** performance.now() when the first and the last body byte arrived. */
  firstByteAt?: number;
  lastByteAt?: number;
  firstChunkBytes?: number;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sent in pieces without a Content-Length (chunked), each once the previous drained; stops once an answer came. */
  chunks?: Buffer[];
  localAddress?: string;
}

function call(url: string, { method = 'GET', headers = {}, body, chunks, localAddress }: Call = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, headers, agent: false, localAddress }, (res) => {
      answered = true;
      const received: Buffer[] = [];
      const reply: Partial<Reply> = {};
      res.on('data', (c: Buffer) => {
        const at = performance.now();
        if (reply.firstByteAt === undefined) {
          reply.firstByteAt = at;
          reply.firstChunkBytes = c.length;
        }
        reply.lastByteAt = at;
        received.push(c);
      });
      res.on('end', () => resolve({ ...reply, status: res.statusCode!, headers: res.headers, body: Buffer.concat(received) }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (chunks) {
      void (async () => {
        for (const chunk of chunks) {
          if (answered || req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })();
    } else {
      req.end(body);
    }
  });
}

/** Resolves once `condition` holds; the bound only names what never came instead of hanging until jest's timeout. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function count(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

/** A raw client that sends `head` (and `body`) and then neither reads nor sends: the server's idle timer runs. */
function stalledClient(port: number, head: string, body = ''): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.write(head + body);
  socket.pause();
  socket.on('error', () => undefined);
  return socket;
}

class RecordingSink implements BulkDataSink {
  readonly reports: BulkDataReport[] = [];
  failWith?: Error;
  hang = false;

  accept(report: BulkDataReport): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    if (this.failWith) return Promise.reject(this.failWith);
    this.reports.push(report);
    return Promise.resolve();
  }
}

describe('DiagnosticsHttpServer', () => {
  let server: DiagnosticsHttpServer;
  let metrics: DiagnosticsHttpMetrics;
  let sink: RecordingSink;
  let clock: number;
  let port: number;
  const sockets: Socket[] = [];

  async function start(env: Record<string, string> = {}, tweak: (config: DiagnosticsHttpConfig) => void = () => undefined): Promise<void> {
    const config = loadDiagnosticsHttpConfig({ ACS_DIAGNOSTICS_HTTP_HOST: '127.0.0.1', ACS_DIAGNOSTICS_HTTP_PORT: '0', ...env });
    tweak(config);
    metrics = new DiagnosticsHttpMetrics(new Registry());
    sink = new RecordingSink();
    clock = T0;
    server = new DiagnosticsHttpServer({ config, secret: SECRET, sink, metrics, logger: pino({ level: 'silent' }), now: () => clock });
    port = (await server.start()).http.port;
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.stop(0);
  });

  const downloadUrl = (bytes: number, runId = 'run-1') => server.issueDownloadUrl({ runId, bytes, expiresAt: T0 + HOUR });
  const uploadUrl = (maxBytes: number, runId = 'run-1') => server.issueUploadUrl({ runId, maxBytes, expiresAt: T0 + HOUR });

  describe('download', () => {
    beforeEach(() => start());

    it('sends exactly the bytes the URL asks for, with Content-Length, as data no compressor shrinks', async () => {
      const size = 3 * MiB + 5;
      const reply = await call(downloadUrl(size));
      expect(reply.status).toBe(200);
      expect(reply.headers['content-length']).toBe(String(size));
      expect(reply.headers['cache-control']).toBe('no-store, no-transform');
      expect(reply.body.length).toBe(size);
      expect(gzipSync(reply.body).length).toBeGreaterThan(size * 0.99);
      expect(await count(metrics.transfers, { direction: 'download', outcome: 'completed' })).toBe(1);
      expect(await count(metrics.bytes, { direction: 'download' })).toBe(size);
      expect(server.transfersInFlight).toBe(0);
    });

    it('answers HEAD with the size and no body, without taking a transfer slot', async () => {
      const reply = await call(downloadUrl(10 * MiB), { method: 'HEAD' });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-length']).toBe(String(10 * MiB));
      expect(reply.body.length).toBe(0);
      expect(await count(metrics.transfers, {})).toBe(0);
    });

    it('refuses other methods with 405 and Allow', async () => {
      const reply = await call(downloadUrl(10), { method: 'DELETE' });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    });
  });

  describe('upload', () => {
    beforeEach(() => start());

    it.each(['PUT', 'POST'])('counts and drops a %s body, answering the byte count', async (method) => {
      const size = 2 * MiB + 3;
      const reply = await call(uploadUrl(4 * MiB), { method, body: Buffer.alloc(size, 7) });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body.toString())).toEqual({ receivedBytes: size });
      expect(await count(metrics.bytes, { direction: 'upload' })).toBe(size);
      expect(await count(metrics.transfers, { direction: 'upload', outcome: 'completed' })).toBe(1);
    });

    it('refuses a declared body over the URL\'s size with 413 before reading it', async () => {
      const reply = await call(uploadUrl(1 * MiB), { method: 'PUT', headers: { 'Content-Length': String(1 * MiB + 1) }, body: Buffer.alloc(1 * MiB + 1) });
      expect(reply.status).toBe(413);
      expect(await count(metrics.refused, { reason: 'too-large' })).toBe(1);
      expect(await count(metrics.transfers, {})).toBe(0);
    });

    it('cuts a chunked body with 413 as soon as it passes the URL\'s size', async () => {
      const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * KiB, 1)); // 4 MiB offered
      const reply = await call(uploadUrl(1 * MiB), { method: 'POST', chunks });
      expect(reply.status).toBe(413);
      expect(await count(metrics.transfers, { direction: 'upload', outcome: 'too-large' })).toBe(1);
      expect(await count(metrics.bytes, { direction: 'upload' })).toBeLessThanOrEqual(1 * MiB);
    });
  });

  describe('signed URLs', () => {
    beforeEach(() => start());

    const tamper = (url: string, edit: (u: URL) => void) => {
      const u = new URL(url);
      edit(u);
      return u.toString();
    };

    it.each([
      ['a larger size', (u: URL) => u.searchParams.set('n', '999999')],
      ['a later expiry', (u: URL) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 3600))],
      ['another run', (u: URL) => (u.pathname = '/diagnostics/download/run-2')],
      ['the upload path', (u: URL) => (u.pathname = '/diagnostics/upload/run-1')],
      ['no signature', (u: URL) => u.searchParams.delete('s')],
      ['a signature from another secret', (u: URL) => u.searchParams.set('s', 'A'.repeat(43))],
    ])('refuses a download URL with %s (403 signature-invalid)', async (_case, edit) => {
      const reply = await call(tamper(downloadUrl(1000), edit), { method: _case === 'the upload path' ? 'PUT' : 'GET', body: _case === 'the upload path' ? 'x' : undefined });
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toBe('signature-invalid\n');
    });

    it('refuses an expired URL with 403 signature-expired', async () => {
      const url = server.issueDownloadUrl({ runId: 'run-1', bytes: 1000, expiresAt: T0 + 60_000 });
      expect((await call(url)).status).toBe(200);
      clock = T0 + 60_000;
      const reply = await call(url);
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toBe('signature-expired\n');
      expect(await count(metrics.refused, { reason: 'signature-expired' })).toBe(1);
    });

    it('will not issue a URL over the configured maximum size', () => {
      expect(() => server.issueDownloadUrl({ runId: 'r', bytes: 1024 * MiB + 1, expiresAt: T0 + HOUR })).toThrow(/bytes: must be a whole number of bytes from 1 to 1073741824/);
      expect(() => server.issueUploadUrl({ runId: '', maxBytes: 10, expiresAt: T0 + HOUR })).toThrow(/runId/);
    });
  });

  describe('limits', () => {
    it('answers 503 with Retry-After beyond the concurrent transfers, overall and per client address', async () => {
      await start({ ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS: '2', ACS_DIAGNOSTICS_HTTP_MAX_TRANSFERS_PER_CLIENT: '1' });
      const path = new URL(downloadUrl(256 * MiB)).pathname + new URL(downloadUrl(256 * MiB)).search;
      sockets.push(stalledClient(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
      await eventually(() => server.transfersInFlight === 1, 'the first download to start');

      const sameClient = await call(downloadUrl(10));
      expect(sameClient.status).toBe(503);
      expect(sameClient.headers['retry-after']).toBe('30');
      expect(sameClient.body.toString()).toBe('client-busy\n');

      // Another address on loopback is another client: it gets the second slot…
      const other = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      sockets.push(other);
      other.on('error', () => undefined);
      other.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      other.pause();
      await eventually(() => server.transfersInFlight === 2, 'the second client\'s download to start');
      // …and then the server is full for everyone.
      const third = await call(downloadUrl(10), { localAddress: '127.0.0.3' });
      expect(third.status).toBe(503);
      expect(third.body.toString()).toBe('busy\n');
      expect(await count(metrics.refused, { reason: 'busy' })).toBe(1);
      expect(await count(metrics.refused, { reason: 'client-busy' })).toBe(1);
    });

    it('keeps downloads together under the shared bandwidth cap', async () => {
      const cap = 2 * MiB;
      await start({ ACS_DIAGNOSTICS_HTTP_BANDWIDTH_BPS: String(cap) });
      const replies = await Promise.all([call(downloadUrl(768 * KiB, 'a')), call(downloadUrl(768 * KiB, 'b'), { localAddress: '127.0.0.2' })]);
      for (const reply of replies) expect(reply.body.length).toBe(768 * KiB);
      // Bytes after the first chunk over the time from first to last byte: the bucket's burst is in the first chunk.
      const first = Math.min(...replies.map((r) => r.firstByteAt!));
      const last = Math.max(...replies.map((r) => r.lastByteAt!));
      const bytes = 2 * 768 * KiB - Math.max(...replies.map((r) => r.firstChunkBytes!));
      const rate = bytes / ((last - first) / 1000);
      expect(rate).toBeLessThan(cap * 1.25);
    });

    it('keeps one download under the per-transfer cap', async () => {
      const cap = 1 * MiB;
      await start({ ACS_DIAGNOSTICS_HTTP_TRANSFER_BPS: String(cap) });
      const reply = await call(downloadUrl(640 * KiB));
      expect(reply.body.length).toBe(640 * KiB);
      const rate = (reply.body.length - reply.firstChunkBytes!) / ((reply.lastByteAt! - reply.firstByteAt!) / 1000);
      expect(rate).toBeLessThan(cap * 1.25);
    });

    it('cuts a download the client stopped reading after the idle timeout', async () => {
      await start({ ACS_DIAGNOSTICS_HTTP_IDLE_TIMEOUT_MS: '300' });
      const url = new URL(downloadUrl(64 * MiB));
      const socket = stalledClient(port, `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      sockets.push(socket);
      await eventually(async () => (await count(metrics.transfers, { direction: 'download', outcome: 'idle-timeout' })) === 1, 'the stalled download to be cut');
      await eventually(() => server.transfersInFlight === 0, 'its slot to be released');
    });

    it('cuts an upload whose client stopped sending after the idle timeout', async () => {
      await start({ ACS_DIAGNOSTICS_HTTP_IDLE_TIMEOUT_MS: '300' });
      const url = new URL(uploadUrl(1000));
      sockets.push(stalledClient(port, `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n`, 'x'.repeat(10)));
      await eventually(async () => (await count(metrics.transfers, { direction: 'upload', outcome: 'idle-timeout' })) === 1, 'the stalled upload to be cut');
    });

    it('cuts a transfer that outlasts the maximum duration (here bound by a bandwidth cap)', async () => {
      await start({ ACS_DIAGNOSTICS_HTTP_TRANSFER_BPS: String(256 * KiB), ACS_DIAGNOSTICS_HTTP_MAX_DURATION_MS: '300' });
      // 4 MiB at 256 KiB/s takes 16 s: cut at 300 ms whatever the machine's speed.
      await call(downloadUrl(4 * MiB)).catch(() => undefined);
      await eventually(async () => (await count(metrics.transfers, { direction: 'download', outcome: 'too-long' })) === 1, 'the long download to be cut');
    });

    it('cuts the transfers left when stopping after the grace period', async () => {
      await start();
      const url = new URL(downloadUrl(256 * MiB));
      sockets.push(stalledClient(port, `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
      await eventually(() => server.transfersInFlight === 1, 'the download to start');
      expect(await server.stop(0)).toEqual({ transfersCut: 1 });
      await eventually(async () => (await count(metrics.transfers, { direction: 'download', outcome: 'shutting-down' })) === 1, 'the cut to be counted');
    });
  });

  describe('BulkData collector', () => {
    const DEVICE = '00259E-HG8245-4857544312345678';
    const nvp = JSON.stringify({ Report: [{ CollectionTime: 1_790_000_000, 'Device.IP.Interface.1.Stats.BytesSent': 1000 }] });
    const collect = (body: Buffer | string, headers: Record<string, string> = {}, url = server.issueBulkDataUrl(DEVICE)) =>
      call(url, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8', ...headers }, body });

    beforeEach(() =>
      start({ ACS_DIAGNOSTICS_BULKDATA_MAX_BYTES: String(64 * KiB) }, (config) => {
        config.bulkData.sinkTimeoutMs = 200;
      }),
    );

    it('hands a JSON NameValuePair report to the sink, then answers 204', async () => {
      const reply = await collect(nvp, { 'BBF-Report-Format': 'NameValuePair' });
      expect(reply.status).toBe(204);
      expect(sink.reports).toEqual([
        { deviceId: DEVICE, format: 'NameValuePair', receivedAt: T0, reports: [{ at: 1_790_000_000_000, values: { 'Device.IP.Interface.1.Stats.BytesSent': '1000' } }] },
      ]);
      expect(await count(metrics.bulkDataReports, {})).toBe(1);
    });

    it('reads a JSON ObjectHierarchy report', async () => {
      const body = JSON.stringify({ Report: [{ CollectionTime: 1_790_000_000, Device: { IP: { Interface: { '1': { Stats: { BytesSent: 5 } } } } } }] });
      expect((await collect(body, { 'BBF-Report-Format': 'ObjectHierarchy' })).status).toBe(204);
      expect(sink.reports[0]!.reports).toEqual([{ at: 1_790_000_000_000, values: { 'Device.IP.Interface.1.Stats.BytesSent': '5' } }]);
    });

    it('reads CSV ParameterPerRow and ParameterPerColumn reports', async () => {
      const perRow = 'ReportTimestamp,ParameterName,ParameterValue,ParameterType\n1790000000,Device.A,1,int\n1790000000,Device.B,2,int\n';
      const perColumn = 'ReportTimestamp,Device.A,Device.B\n1790000000,1,2\n1790000060,3,4\n';
      expect((await collect(perRow, { 'Content-Type': 'text/csv; charset=UTF-8', 'BBF-Report-Format': 'ParameterPerRow' })).status).toBe(204);
      expect((await collect(perColumn, { 'Content-Type': 'text/csv; charset=UTF-8', 'BBF-Report-Format': 'ParameterPerColumn' })).status).toBe(204);
      expect(sink.reports.map((r) => [r.format, r.reports])).toEqual([
        ['ParameterPerRow', [{ at: 1_790_000_000_000, values: { 'Device.A': '1', 'Device.B': '2' } }]],
        [
          'ParameterPerColumn',
          [
            { at: 1_790_000_000_000, values: { 'Device.A': '1', 'Device.B': '2' } },
            { at: 1_790_000_060_000, values: { 'Device.A': '3', 'Device.B': '4' } },
          ],
        ],
      ]);
    });

    it('takes a gzip body', async () => {
      expect((await collect(gzipSync(nvp), { 'Content-Encoding': 'gzip' })).status).toBe(204);
      expect(sink.reports[0]!.reports[0]!.values).toEqual({ 'Device.IP.Interface.1.Stats.BytesSent': '1000' });
    });

    it('takes the device\'s Basic credentials on the bare URL, and challenges without them', async () => {
      const bare = `${server.baseUrl}/bulkdata`;
      const unauthenticated = await collect(nvp, {}, bare);
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers['www-authenticate']).toBe('Basic realm="acs-diagnostics", charset="UTF-8"');
      const { username, password } = server.bulkDataCredentials(DEVICE);
      const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
      expect((await collect(nvp, basic(username, `${password}x`), bare)).status).toBe(401);
      expect((await collect(nvp, basic('another-device', password), bare)).status).toBe(401);
      expect((await collect(nvp, basic(username, password), bare)).status).toBe(204);
      expect(sink.reports.map((r) => r.deviceId)).toEqual([DEVICE]);
    });

    it('refuses a report for another device than its token names (403), without reading it into the sink', async () => {
      const forged = new URL(server.issueBulkDataUrl('my-own-device'));
      forged.searchParams.set('d', DEVICE);
      const reply = await collect(nvp, {}, forged.toString());
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toBe('token-invalid\n');
      const noToken = new URL(server.issueBulkDataUrl(DEVICE));
      noToken.searchParams.delete('t');
      expect((await collect(nvp, {}, noToken.toString())).status).toBe(403);
      expect(sink.reports).toEqual([]);
    });

    it('answers a malformed body 400 saying what is wrong', async () => {
      const reply = await collect('{"Report": [1]}');
      expect(reply.status).toBe(400);
      expect(reply.body.toString()).toBe('Report[0] is not an object\n');
      const corrupt = await collect(Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' });
      expect(corrupt.status).toBe(400);
      expect(corrupt.body.toString()).toMatch(/^corrupt gzip body/);
      expect((await collect(nvp, { 'Content-Encoding': 'br' })).status).toBe(415);
      expect(await count(metrics.refused, { reason: 'bad-report' })).toBe(2);
    });

    it('refuses a body over the cap with 413, declared, chunked, or only once decompressed', async () => {
      const big = JSON.stringify({ Report: [{ 'Device.A': 'x'.repeat(100 * KiB) }] });
      expect((await collect(big)).status).toBe(413);
      const chunks = Array.from({ length: 32 }, () => Buffer.alloc(16 * KiB, 0x20));
      expect((await call(server.issueBulkDataUrl(DEVICE), { method: 'POST', chunks })).status).toBe(413);
      const bomb = gzipSync(big);
      expect(bomb.length).toBeLessThan(64 * KiB);
      expect((await collect(bomb, { 'Content-Encoding': 'gzip' })).status).toBe(413);
      expect(await count(metrics.refused, { reason: 'too-large' })).toBe(3);
      expect(sink.reports).toEqual([]);
    });

    it('answers 503 with Retry-After while the sink fails or does not answer, so the CPE retries', async () => {
      sink.failWith = new Error('monitoring store down');
      const failed = await collect(nvp);
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBe('30');
      sink.failWith = undefined;
      sink.hang = true;
      expect((await collect(nvp)).status).toBe(503);
      sink.hang = false;
      expect((await collect(nvp)).status).toBe(204);
      expect(await count(metrics.refused, { reason: 'sink-unavailable' })).toBe(2);
    });
  });
});
