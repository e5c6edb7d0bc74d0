import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestResponse, parseAuthChallenges } from '@acs/cwmp';
import { ConnectionRequestListener } from './connection-request-listener';
import { CwmpHttpClient } from './cwmp-http-client';
import { HttpAuthenticator } from './http-auth';

// The parser, the response computation and their RFC examples are tested with the shared module in
// libs/cwmp/src/http; these tests cover the simulator's use of it.

describe('HttpAuthenticator', () => {
  it('prefers SHA-256 over MD5 and Digest over Basic', () => {
    const auth = new HttpAuthenticator({ username: 'u', password: 'p' });
    expect(auth.accept(['Basic realm="r"', 'Digest realm="r", nonce="1", algorithm=MD5', 'Digest realm="r", nonce="2", algorithm=SHA-256'])).toBe(true);
    expect(auth.authorization('POST', '/')).toMatch(/^Digest .*nonce="2".*algorithm=SHA-256/);
    expect(auth.accept(['Bearer realm="r"'])).toBe(false);
  });

  it('falls back to Basic, and counts nonces with a cnonce unique per request', () => {
    const basic = new HttpAuthenticator({ username: 'u', password: 'p' });
    expect(basic.accept(['Digest realm="r", nonce="1", qop="auth-int"', 'Basic realm="r"'])).toBe(true);
    expect(basic.authorization('POST', '/')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    const digest = new HttpAuthenticator({ username: 'u', password: 'p' });
    expect(digest.authorization('POST', '/')).toBeUndefined();
    digest.accept(['Digest realm="r", nonce="1", qop="auth"']);
    const first = parseAuthChallenges([digest.authorization('POST', '/')!])[0]!.params;
    const second = parseAuthChallenges([digest.authorization('POST', '/')!])[0]!.params;
    expect([first['nc'], second['nc']]).toEqual(['00000001', '00000002']);
    expect(first['cnonce']).not.toBe(second['cnonce']);
    expect(HttpAuthenticator.isStale(['Digest realm="r", nonce="2", stale=true'])).toBe(true);
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
