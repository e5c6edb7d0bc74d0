import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionRequestListener } from './connection-request-listener';
import { CwmpHttpClient } from './cwmp-http-client';
import { digestResponse, HttpAuthenticator, parseAuthChallenges } from './http-auth';

describe('parseAuthChallenges', () => {
  it('reads several challenges, quoted strings with commas and escapes, and token68', () => {
    expect(
      parseAuthChallenges([
        'Digest realm="a, \\"b\\"", qop="auth,auth-int", algorithm=SHA-256, nonce="n1", Basic realm="x"',
        'Basic dXNlcjpwYXNz==',
      ]),
    ).toEqual([
      { scheme: 'digest', params: { realm: 'a, "b"', qop: 'auth,auth-int', algorithm: 'SHA-256', nonce: 'n1' } },
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'basic', params: { token68: 'dXNlcjpwYXNz==' } },
    ]);
  });
});

describe('digestResponse', () => {
  // RFC 7616 section 3.9.1.
  const example = {
    username: 'Mufasa',
    password: 'Circle of Life',
    realm: 'http-auth@example.org',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    method: 'GET',
    uri: '/dir/index.html',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  it('matches the RFC 7616 examples for MD5 and SHA-256', () => {
    expect(digestResponse({ ...example, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...example, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('HttpAuthenticator', () => {
  it('prefers SHA-256 over MD5 and Digest over Basic', () => {
    const auth = new HttpAuthenticator({ username: 'u', password: 'p' });
    expect(auth.accept(['Basic realm="r"', 'Digest realm="r", nonce="1", algorithm=MD5', 'Digest realm="r", nonce="2", algorithm=SHA-256'])).toBe(true);
    expect(auth.authorization('POST', '/')).toMatch(/^Digest .*nonce="2".*algorithm=SHA-256/);
    expect(auth.accept(['Bearer realm="r"'])).toBe(false);
  });
});

describe('CwmpHttpClient with Digest against a local server', () => {
  let server: http.Server;
  let url: string;
  let nonces = 0;
  const authorizations: string[] = [];

  beforeAll(async () => {
    // A minimal Digest server: fresh nonce per challenge, stale=true once the nonce has served two requests.
    server = http.createServer((request, response) => {
      request.resume();
      const header = request.headers.authorization;
      const challenge = () =>
        response
          .writeHead(401, { 'www-authenticate': `Digest realm="acs", qop="auth", algorithm=MD5, nonce="n${++nonces}"${header ? ', stale=true' : ''}` })
          .end();
      if (!header) return challenge();
      const [given] = parseAuthChallenges([header]);
      const p = given!.params;
      const expected = digestResponse({
        algorithm: 'MD5',
        username: 'cpe',
        password: 'pw',
        realm: 'acs',
        nonce: p['nonce']!,
        method: 'POST',
        uri: p['uri']!,
        qop: 'auth',
        nc: p['nc'],
        cnonce: p['cnonce'],
      });
      if (p['response'] !== expected) return void response.writeHead(403).end();
      if (p['nc'] === '00000003') return challenge();
      authorizations.push(`${p['nonce']} ${p['nc']}`);
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cwmp?x=1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('authenticates, counts nonces, and renews a stale nonce', async () => {
    const client = new CwmpHttpClient({ urls: [url], auth: { username: 'cpe', password: 'pw' } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) await client.post('', (s) => statuses.push(s));
    client.endSession();
    expect(statuses).toEqual([401, 204, 204, 401, 204]);
    expect(authorizations).toEqual(['n1 00000001', 'n1 00000002', 'n2 00000001']);
  });
});

describe('ConnectionRequestListener', () => {
  it('accepts a Digest GET with the current credentials only', async () => {
    const listener = new ConnectionRequestListener({ host: '127.0.0.1', port: 0, algorithm: 'SHA-256' });
    await listener.listen();
    let credentials = { username: 'acs', password: 'one' };
    let requests = 0;
    listener.register('/dev-1', { credentials: () => credentials, onConnectionRequest: () => requests++ });
    const url = listener.urlFor('/dev-1');
    try {
      expect((await fetch(`${url}x`)).status).toBe(404);
      const first = await fetch(url);
      expect(first.status).toBe(401);
      const challenge = first.headers.get('www-authenticate')!;
      expect(challenge).toContain('algorithm=SHA-256');
      const client = new HttpAuthenticator({ username: 'acs', password: 'one' });
      client.accept([challenge]);
      expect((await fetch(url, { headers: { authorization: client.authorization('GET', '/dev-1')! } })).status).toBe(200);
      expect(requests).toBe(1);
      // The ACS changed the credentials (SetParameterValues): the old ones no longer open the door.
      credentials = { username: 'acs', password: 'two' };
      expect((await fetch(url, { headers: { authorization: client.authorization('GET', '/dev-1')! } })).status).toBe(401);
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);
      expect(requests).toBe(1);
    } finally {
      await listener.close();
    }
  });
});
