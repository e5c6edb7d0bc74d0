import { createHmac } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { CpeAuthenticator } from '../auth/cpe-authenticator';
import { FileCpeCredentialStore } from '../auth/cpe-credentials';
import { ConnectionRequester, type ConnectionRequestOutcome, type ConnectionRequesterOptions } from './connection-requester';

// The requester against small loopback servers: a Digest CPE built on the gateway's own Digest server, a Basic-only
// CPE, a CPE that never answers, a closed port and a UDP socket. The same requester against the CPE simulator is
// test/e2e/connection-request.e2e-spec.ts (the simulator lib is out of this lib's bounds).

interface Cpe {
  url: string;
  /** Authorization headers received, in order (undefined: none). */
  authorizations: Array<string | undefined>;
  /** TCP connections accepted. */
  connections(): number;
  /** Connections still open. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

async function serve(handler: (request: http.IncomingMessage, response: http.ServerResponse) => void | Promise<void>): Promise<Cpe> {
  const authorizations: Array<string | undefined> = [];
  const server = http.createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    void handler(request, response);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cr/OUI-PC-SN?x=1`,
    authorizations,
    connections: () => connections,
    openConnections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A CPE protected by Digest; `offer` rewrites its challenge (to test one algorithm, or stale nonces). `closeAfter401`:
 * it closes the connection after each challenge, as some CPEs do.
 */
function digestCpe(password: string, offer: (challenge: string[]) => string[] = (c) => c, status = 204, closeAfter401 = false): Promise<Cpe> {
  const authenticator = new CpeAuthenticator(
    { mode: 'digest', realm: 'cpe', acceptUnknown: false, nonceSecret: Buffer.from('cpe-secret'), nonceTtlMs: 60_000 },
    new FileCpeCredentialStore({ cpe: { username: 'acs', password } }),
  );
  return serve(async (request, response) => {
    const verdict = await authenticator.authenticate('cpe', request.headers.authorization, request.method ?? 'GET');
    if (verdict.ok) return void response.writeHead(status).end();
    if (verdict.status === 401) {
      return void response.writeHead(401, { 'www-authenticate': offer(verdict.challenge), ...(closeAfter401 ? { connection: 'close' } : {}) }).end('challenge');
    }
    response.writeHead(403).end();
  });
}

describe('ConnectionRequester', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  const outcomes: ConnectionRequestOutcome[] = [];

  function requester(options: ConnectionRequesterOptions = {}): ConnectionRequester {
    const created = new ConnectionRequester({ timeoutMs: 1000, udpIntervalMs: 1, onOutcome: (o) => outcomes.push(o), ...options });
    cleanups.push(() => created.close());
    return created;
  }

  async function cpe(created: Promise<Cpe>): Promise<Cpe> {
    const c = await created;
    cleanups.push(() => c.close());
    return c;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    outcomes.length = 0;
  });

  it.each([
    ['SHA-256 (preferred)', (c: string[]) => c],
    ['MD5', (c: string[]) => c.filter((x) => x.includes('MD5'))],
    ['MD5-sess', (c: string[]) => c.filter((x) => x.includes('MD5')).map((x) => x.replace('MD5', 'MD5-sess'))],
  ])('wakes a Digest CPE with %s', async (_name, offer) => {
    const device = await cpe(digestCpe('right', offer));
    const outcome = await requester().request({ deviceId: 'd1', url: device.url, username: 'acs', password: 'right' });
    expect(outcome).toMatchObject({ deviceId: 'd1', result: 'woke', via: 'http', status: 204 });
    expect(device.authorizations[0]).toBeUndefined();
    expect(device.authorizations[1]).toMatch(/^Digest .*uri="\/cr\/OUI-PC-SN\?x=1"/);
    expect(outcomes).toEqual([outcome]);
  });

  it('sends both legs of Digest on one connection, and leaves it closed', async () => {
    const device = await cpe(digestCpe('right'));
    const outcome = await requester().request({ deviceId: 'd1', url: device.url, username: 'acs', password: 'right' });
    expect(outcome).toMatchObject({ result: 'woke', status: 204 });
    expect(device.authorizations).toHaveLength(2);
    expect(device.connections()).toBe(1);
    // The requester's end of it is gone: the server sees the close (a sign that nothing is kept for later).
    for (;;) {
      if ((await device.openConnections()) === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('opens a second connection for the answer when the CPE closes the first after its challenge', async () => {
    const device = await cpe(digestCpe('right', (c) => c, 204, true));
    const outcome = await requester().request({ deviceId: 'd1', url: device.url, username: 'acs', password: 'right' });
    expect(outcome).toMatchObject({ result: 'woke', status: 204 });
    expect(device.authorizations).toHaveLength(2);
    expect(device.connections()).toBe(2);
  });

  it('reports auth-failed for a wrong password, and when it knows no credentials', async () => {
    const device = await cpe(digestCpe('right'));
    const r = requester();
    expect(await r.request({ deviceId: 'd1', url: device.url, username: 'acs', password: 'wrong' })).toMatchObject({
      result: 'auth-failed',
      via: 'http',
      status: 401,
      message: 'the CPE refused the credentials',
    });
    expect(await r.request({ deviceId: 'd2', url: device.url })).toMatchObject({ result: 'auth-failed', status: 401 });
  });

  it('answers a stale challenge again with the fresh nonce', async () => {
    const clock = { now: 0 };
    const authenticator = new CpeAuthenticator(
      { mode: 'digest', realm: 'cpe', acceptUnknown: false, nonceSecret: Buffer.from('k'), nonceTtlMs: 1000 },
      new FileCpeCredentialStore({ cpe: { username: 'acs', password: 'right' } }),
      () => clock.now,
    );
    const device = await cpe(
      serve(async (request, response) => {
        // The first answer arrives after its nonce expired: right password, stale nonce.
        if (request.headers.authorization && clock.now === 0) clock.now = 5000;
        const verdict = await authenticator.authenticate('cpe', request.headers.authorization, 'GET');
        if (verdict.ok) return void response.writeHead(200).end();
        response.writeHead(401, verdict.status === 401 ? { 'www-authenticate': verdict.challenge } : {}).end();
      }),
    );
    const outcome = await requester().request({ deviceId: 'd1', url: device.url, username: 'acs', password: 'right' });
    expect(outcome).toMatchObject({ result: 'woke', status: 200 });
    expect(device.authorizations).toHaveLength(3);
  });

  it('never sends a password in Basic unless allowed', async () => {
    const basic = await cpe(
      serve((request, response) => {
        const expected = `Basic ${Buffer.from('acs:pw').toString('base64')}`;
        if (request.headers.authorization === expected) return void response.writeHead(200).end();
        response.writeHead(401, { 'www-authenticate': 'Basic realm="cpe"' }).end();
      }),
    );
    const refused = await requester().request({ deviceId: 'd1', url: basic.url, username: 'acs', password: 'pw' });
    expect(refused).toMatchObject({ result: 'auth-failed', via: 'http', status: 401 });
    expect(refused.message).toMatch(/only Basic/);
    expect(basic.authorizations).toEqual([undefined]);

    const allowed = await requester({ allowBasic: true }).request({ deviceId: 'd1', url: basic.url, username: 'acs', password: 'pw' });
    expect(allowed).toMatchObject({ result: 'woke', status: 200 });
  });

  it('reports unreachable when nothing listens, with the CPE status when it answers something else', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const outcome = await requester().request({ deviceId: 'd1', url: `http://127.0.0.1:${closed}/`, username: 'a', password: 'b' });
    expect(outcome).toMatchObject({ result: 'unreachable', via: 'http' });
    expect(outcome.status).toBeUndefined();
    expect(outcome.message).toMatch(/ECONNREFUSED/);

    const busy = await cpe(serve((_request, response) => void response.writeHead(503).end()));
    expect(await requester().request({ deviceId: 'd2', url: busy.url, udpAddress: '127.0.0.1:9' })).toMatchObject({
      result: 'unreachable',
      via: 'http',
      status: 503,
    });
  });

  it('times out on a CPE that accepts the connection and never answers', async () => {
    const silent = await cpe(serve(() => undefined));
    const outcome = await requester({ timeoutMs: 150 }).request({ deviceId: 'd1', url: silent.url });
    expect(outcome).toMatchObject({ result: 'timeout', via: 'http', message: 'no answer within 150 ms' });
  });

  it('reports no-address without sending, and names an unusable address', async () => {
    const r = requester();
    expect(await r.request({ deviceId: 'd1' })).toMatchObject({ result: 'no-address', via: 'none' });
    expect(await r.request({ deviceId: 'd1', url: 'ftp://x/', udpAddress: 'x:0' })).toMatchObject({
      result: 'no-address',
      message: 'ConnectionRequestURL "ftp://x/" is not an http URL; UDPConnectionRequestAddress "x:0" is not host[:port]',
    });
  });

  describe('over UDP', () => {
    async function udpCpe(): Promise<{ address: string; datagrams: string[]; arrived: (n: number) => Promise<void> }> {
      const socket = dgram.createSocket('udp4');
      const datagrams: string[] = [];
      const waiters: Array<() => void> = [];
      socket.on('message', (m) => {
        datagrams.push(m.toString('utf8'));
        for (const w of waiters.splice(0)) w();
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
      const arrived = async (n: number): Promise<void> => {
        while (datagrams.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      };
      return { address: `127.0.0.1:${socket.address().port}`, datagrams, arrived };
    }

    it('sends the signed request three times with one id when the CPE reports only a UDP address', async () => {
      const device = await udpCpe();
      const before = Math.floor(Date.now() / 1000);
      const outcome = await requester().request({ deviceId: 'd1', udpAddress: device.address, username: 'acs', password: 'pw' });
      expect(outcome).toMatchObject({ result: 'sent', via: 'udp' });
      await device.arrived(3);
      expect(new Set(device.datagrams).size).toBe(1);
      const line = /^GET (http:\/\/[^?]+)\?(\S+) HTTP\/1\.1\r\n/.exec(device.datagrams[0]!)!;
      expect(line[1]).toBe(`http://${device.address}`);
      const q = new URLSearchParams(line[2]);
      expect(Number(q.get('ts'))).toBeGreaterThanOrEqual(before);
      expect(q.get('un')).toBe('acs');
      expect(q.get('sig')).toBe(createHmac('sha1', 'pw').update(`${q.get('ts')}${q.get('id')}acs${q.get('cn')}`).digest('hex'));
    });

    it('falls back to UDP when the HTTP URL cannot be reached, and prefers UDP when configured', async () => {
      const device = await udpCpe();
      const fallback = await requester().request({ deviceId: 'd1', url: 'http://127.0.0.1:1/', udpAddress: device.address, username: 'a', password: 'b' });
      expect(fallback).toMatchObject({ result: 'sent', via: 'udp' });
      expect(fallback.message).toMatch(/^HTTP unreachable/);

      const http204 = await cpe(serve((_request, response) => void response.writeHead(204).end()));
      const preferred = await requester({ preferUdp: true }).request({ deviceId: 'd1', url: http204.url, udpAddress: device.address });
      expect(preferred).toMatchObject({ result: 'sent', via: 'udp' });
      expect(http204.authorizations).toHaveLength(0);
    });
  });

  describe('rate limits', () => {
    it('asks a device at most once per interval', async () => {
      const clock = { now: 0 };
      const device = await cpe(serve((_request, response) => void response.writeHead(200).end()));
      const r = requester({ perDeviceIntervalMs: 5000, clock: () => clock.now });
      expect((await r.request({ deviceId: 'd1', url: device.url })).result).toBe('woke');
      clock.now = 4000;
      expect(await r.request({ deviceId: 'd1', url: device.url })).toMatchObject({ result: 'rate-limited', via: 'none' });
      expect((await r.request({ deviceId: 'd2', url: device.url })).result).toBe('woke');
      clock.now = 5000;
      expect((await r.request({ deviceId: 'd1', url: device.url })).result).toBe('woke');
      expect(device.authorizations).toHaveLength(3);
    });

    it('keeps the pod under its global rate, without spending a device window on a refused request', async () => {
      const clock = { now: 0 };
      const device = await cpe(serve((_request, response) => void response.writeHead(200).end()));
      const r = requester({ globalPerSecond: 2, clock: () => clock.now });
      const results = [];
      for (const id of ['a', 'b', 'c']) results.push((await r.request({ deviceId: id, url: device.url })).result);
      expect(results).toEqual(['woke', 'woke', 'rate-limited']);
      clock.now = 500; // one token back at 2/s
      expect((await r.request({ deviceId: 'c', url: device.url })).result).toBe('woke');
      expect(device.authorizations).toHaveLength(3);
    });
  });

  it('survives an onOutcome hook that throws', async () => {
    const r = requester({ onOutcome: () => { throw new Error('metrics down'); } });
    expect((await r.request({ deviceId: 'd1' })).result).toBe('no-address');
  });
});
