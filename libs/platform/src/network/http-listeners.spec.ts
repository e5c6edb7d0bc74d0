import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { listenHttp } from './http-listeners';

const TIMEOUTS = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 4_000 };

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('listenHttp', () => {
  it('serves the handler on the port it picked and closes with what the drain returned', async () => {
    const listeners = await listenHttp((_req, res) => res.end('served'), { http: { host: '127.0.0.1', port: 0 } }, TIMEOUTS);
    const { port } = listeners.addresses.http;
    expect(port).toBeGreaterThan(0);
    expect(listeners.addresses.https).toBeUndefined();
    expect(await get(port)).toBe('served');

    await expect(listeners.close(async () => ({ requestsCut: 0 }))).resolves.toEqual({ requestsCut: 0 });
    expect(await portIsFree(port)).toBe(true);
  });

  it('closes the plain listener when the HTTPS one cannot start, and says why', async () => {
    const free = await listenHttp((_req, res) => res.end(), { http: { host: '127.0.0.1', port: 0 } }, TIMEOUTS);
    const httpPort = free.addresses.http.port;
    await free.close(async () => undefined);
    const missing = join(tmpdir(), `acs-no-such-cert-${process.pid}.pem`);
    const started = listenHttp(
      (_req, res) => res.end(),
      { http: { host: '127.0.0.1', port: httpPort }, https: { host: '127.0.0.1', port: 0, certFile: missing, keyFile: missing } },
      TIMEOUTS,
    );
    await expect(started).rejects.toThrow(/no-such-cert/);
    expect(await portIsFree(httpPort)).toBe(true);
  });

  it('rejects when the port is taken', async () => {
    const first = await listenHttp((_req, res) => res.end(), { http: { host: '127.0.0.1', port: 0 } }, TIMEOUTS);
    await expect(listenHttp((_req, res) => res.end(), { http: { host: '127.0.0.1', port: first.addresses.http.port } }, TIMEOUTS)).rejects.toThrow(/EADDRINUSE/);
    await first.close(async () => undefined);
  });
});
