import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { TestFileServer } from '../testing/test-file-server';
import { downloadFirmware, type FirmwareDownloadRequest } from './firmware-downloader';
import { simulatorImage } from './simulator-image';

/** Collects what the downloader delivers, restarts included. */
class Collector {
  chunks: Buffer[] = [];
  resets = 0;
  update(chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  reset(): void {
    this.chunks = [];
    this.resets++;
  }
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const image = simulatorImage({ version: '2.0.0', size: 200_000 });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('downloadFirmware', () => {
  let files: TestFileServer;
  let base: string;

  beforeEach(async () => {
    files = new TestFileServer();
    base = await files.listen();
  });
  afterEach(() => files.close());

  async function download(path: string, request: Partial<FirmwareDownloadRequest> = {}, extra: { dropEveryConnection?: boolean; attempts?: number } = {}) {
    const sink = new Collector();
    const result = await downloadFirmware(
      { url: `${base}${path}`, username: '', password: '', fileSize: image.length, ...request },
      { sink, retryDelayMs: 1, ...extra },
    );
    return { result, sink };
  }

  it('downloads a file without authentication', async () => {
    files.put('/fw.bin', { body: image });
    const { result, sink } = await download('/fw.bin');
    expect(result).toEqual({ ok: true, bytes: image.length, attempts: [{ status: 200, bytes: image.length }] });
    expect(sha(sink.body)).toBe(sha(image));
  });

  it.each(['basic', 'digest'] as const)('answers a %s challenge with the RPC credentials', async (scheme) => {
    files.put('/fw.bin', { body: image, auth: { scheme, credentials: { username: 'cpe', password: 's3cret' } } });
    const { result, sink } = await download('/fw.bin', { username: 'cpe', password: 's3cret' });
    expect(result.ok).toBe(true);
    expect(sink.body.equals(image)).toBe(true);
    expect(files.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(files.requests[1]!.authorization).toMatch(scheme === 'basic' ? /^Basic / : /^Digest .*uri="\/fw\.bin"/);
  });

  it.each([
    ['wrong credentials', { username: 'cpe', password: 'wrong' }, 'the server refused the credentials'],
    ['no credentials', {}, 'the Download had none'],
  ])('fails with 9012 on %s', async (_, credentials, why) => {
    files.put('/fw.bin', { body: image, auth: { scheme: 'digest', credentials: { username: 'cpe', password: 's3cret' } } });
    const { result } = await download('/fw.bin', credentials);
    expect(result).toMatchObject({ ok: false, faultCode: 9012, faultString: expect.stringContaining(why) });
  });

  it('keeps the query of a signed URL; an expired or wrong signature is 9012', async () => {
    files.put('/fw.bin', { body: image, auth: { token: 'sig-1' } });
    expect((await download('/fw.bin?token=sig-1&expires=99')).result.ok).toBe(true);
    expect((await download('/fw.bin?token=sig-0')).result).toMatchObject({ ok: false, faultCode: 9012 });
  });

  it('resumes a cut download with Range and If-Range, and records the attempts', async () => {
    files.put('/fw.bin', { body: image, cut: { afterBytes: 70_000, times: 2 } });
    const { result, sink } = await download('/fw.bin');
    expect(result.ok).toBe(true);
    expect(sink.resets).toBe(0);
    expect(sha(sink.body)).toBe(sha(image));
    expect(result.attempts).toEqual([
      { status: 200, bytes: 70_000, error: expect.stringContaining('dropped') },
      { status: 206, rangeStart: 70_000, bytes: 70_000, error: expect.stringContaining('dropped') },
      { status: 206, rangeStart: 140_000, bytes: image.length - 140_000 },
    ]);
    expect(files.requests.map((r) => [r.range, r.ifRange])).toEqual([
      [undefined, undefined],
      ['bytes=70000-', expect.stringMatching(/^"/)],
      ['bytes=140000-', expect.stringMatching(/^"/)],
    ]);
  });

  it('starts over when the server does not offer ranges', async () => {
    files.put('/fw.bin', { body: image, ranges: false, cut: { afterBytes: 50_000, times: 1 } });
    const { result, sink } = await download('/fw.bin');
    expect(result).toMatchObject({ ok: true, bytes: image.length });
    expect(sink.resets).toBe(1);
    expect(sink.body.equals(image)).toBe(true);
    expect(files.requests.map((r) => r.range)).toEqual([undefined, undefined]);
  });

  it('starts over when the file changed between attempts (If-Range no longer matches)', async () => {
    const other = simulatorImage({ version: '2.0.1', size: image.length });
    files.put('/fw.bin', { body: image, cut: { afterBytes: 50_000, times: 1 } });
    const sink = new Collector();
    const swap = { update: (chunk: Buffer) => (sink.update(chunk), files.put('/fw.bin', { body: other })), reset: () => sink.reset() };
    const result = await downloadFirmware({ url: `${base}/fw.bin`, username: '', password: '', fileSize: 0 }, { sink: swap, retryDelayMs: 1 });
    expect(result.ok).toBe(true);
    expect(sink.resets).toBe(1);
    expect(sink.body.equals(other)).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([200, 200]);
  });

  it('gives up with 9010 after its attempts when every connection drops', async () => {
    files.put('/fw.bin', { body: image });
    const { result } = await download('/fw.bin', {}, { dropEveryConnection: true, attempts: 3 });
    expect(result).toMatchObject({ ok: false, faultCode: 9010, faultString: expect.stringContaining('3 attempt(s)') });
    if (result.ok) return;
    expect(result.attempts).toHaveLength(3);
    expect(result.attempts.slice(1).every((a) => a.rangeStart !== undefined)).toBe(true);
  });

  it('fails with 9016 on a missing file, 9018 on a size other than FileSize, 9013 on another protocol', async () => {
    files.put('/fw.bin', { body: image });
    expect((await download('/nothing.bin')).result).toMatchObject({ ok: false, faultCode: 9016 });
    expect((await download('/fw.bin', { fileSize: image.length + 1 })).result).toMatchObject({ ok: false, faultCode: 9018 });
    const sink = new Collector();
    const ftp = await downloadFirmware({ url: 'ftp://files/fw.bin', username: '', password: '', fileSize: 0 }, { sink });
    expect(ftp).toMatchObject({ ok: false, faultCode: 9013 });
  });

  it('retries a server error and a refused connection, then reports 9010', async () => {
    let calls = 0;
    const flaky = http.createServer((_, response) => {
      calls++;
      if (calls === 1) response.writeHead(503).end();
      else response.writeHead(200, { 'content-length': image.length }).end(image);
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const port = (flaky.address() as AddressInfo).port;
    try {
      const sink = new Collector();
      const ok = await downloadFirmware({ url: `http://127.0.0.1:${port}/fw`, username: '', password: '', fileSize: 0 }, { sink, retryDelayMs: 1 });
      expect(ok).toMatchObject({ ok: true, attempts: [{ status: 503 }, { status: 200 }] });
    } finally {
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
    const refused = await downloadFirmware(
      { url: `http://127.0.0.1:${port}/fw`, username: '', password: '', fileSize: 0 },
      { sink: new Collector(), retryDelayMs: 1, attempts: 2 },
    );
    expect(refused).toMatchObject({ ok: false, faultCode: 9010, attempts: [{ status: 0, error: expect.stringContaining('ECONNREFUSED') }, { status: 0 }] });
  });

  it('follows a redirect', async () => {
    files.put('/fw.bin', { body: image });
    const redirect = http.createServer((_, response) => response.writeHead(302, { location: `${base}/fw.bin` }).end());
    await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
    try {
      const sink = new Collector();
      const result = await downloadFirmware(
        { url: `http://127.0.0.1:${(redirect.address() as AddressInfo).port}/latest`, username: '', password: '', fileSize: image.length },
        { sink },
      );
      expect(result.ok).toBe(true);
      expect(sink.body.equals(image)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => redirect.close(() => resolve()));
    }
  });

  it('downloads over HTTPS from a self-signed server, with Basic credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-tls-'));
    const secure = new TestFileServer();
    try {
      execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1'], { cwd: dir, stdio: 'pipe' });
      const secureBase = await secure.listen({ key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') });
      secure.put('/fw.bin', { body: image, auth: { scheme: 'basic', credentials: { username: 'cpe', password: 'pw' } } });
      const sink = new Collector();
      const result = await downloadFirmware({ url: `${secureBase}/fw.bin`, username: 'cpe', password: 'pw', fileSize: image.length }, { sink });
      expect(result.ok).toBe(true);
      expect(sink.body.equals(image)).toBe(true);
    } finally {
      await secure.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops when aborted', async () => {
    files.put('/fw.bin', { body: image });
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(
      downloadFirmware({ url: `${base}/fw.bin`, username: '', password: '', fileSize: 0 }, { sink: new Collector(), signal: controller.signal }),
    ).rejects.toThrow();
  });
});
