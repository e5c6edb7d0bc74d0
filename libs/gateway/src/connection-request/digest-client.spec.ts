import { CpeAuthenticator } from '../auth/cpe-authenticator';
import { FileCpeCredentialStore } from '../auth/cpe-credentials';
import { basicAuthorization, chooseDigest, digestAuthorization, parseChallenges } from './digest-client';

describe('Digest client', () => {
  it('splits several challenges in one header and keeps commas inside quoted strings', () => {
    const challenges = parseChallenges([
      'Digest realm="cpe, home", qop="auth,auth-int", algorithm=MD5, nonce="n1", Digest realm="x", nonce="n2", algorithm=SHA-256',
      'Basic realm="cpe"',
    ]);
    expect(challenges).toEqual([
      { scheme: 'digest', params: { realm: 'cpe, home', qop: 'auth,auth-int', algorithm: 'MD5', nonce: 'n1' } },
      { scheme: 'digest', params: { realm: 'x', nonce: 'n2', algorithm: 'SHA-256' } },
      { scheme: 'basic', params: { realm: 'cpe' } },
    ]);
  });

  it('prefers SHA-256, skips unknown algorithms and auth-int-only challenges', () => {
    const pick = (header: string) => chooseDigest(parseChallenges([header]));
    expect(pick('Digest nonce="a", algorithm=MD5, Digest nonce="b", algorithm=SHA-256')).toMatchObject({ algorithm: 'SHA-256', qop: undefined });
    expect(pick('Digest nonce="a", algorithm=SHA-512-256, Digest nonce="b", qop="auth"')).toMatchObject({ algorithm: 'MD5', qop: 'auth' });
    expect(pick('Digest nonce="a", qop="auth-int"')).toBeUndefined();
    expect(pick('Basic realm="x"')).toBeUndefined();
  });

  it.each(['MD5', 'SHA-256', 'MD5-sess', 'SHA-256-sess'])('answers a %s challenge the gateway own Digest server accepts', async (algorithm) => {
    const store = new FileCpeCredentialStore({ dev: { username: 'acs', password: 's3cret' } });
    const server = new CpeAuthenticator(
      { mode: 'digest', realm: 'cpe', acceptUnknown: false, nonceSecret: Buffer.from('k'), nonceTtlMs: 60_000 },
      store,
    );
    const challenge = await server.authenticate('dev', undefined, 'GET');
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    // The server offers MD5 and SHA-256; rewrite the offer to test each variant.
    const offered = challenge.challenge[1]!.replace('algorithm=MD5', `algorithm=${algorithm}`);
    const choice = chooseDigest(parseChallenges([offered]))!;
    const header = digestAuthorization(choice, { username: 'acs', password: 's3cret' }, 'GET', '/cr?x=1');
    expect(await server.authenticate('dev', header, 'GET')).toEqual({ ok: true });
    const wrong = digestAuthorization(choice, { username: 'acs', password: 'nope' }, 'GET', '/cr?x=1');
    expect(await server.authenticate('dev', wrong, 'GET')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('quotes usernames with quotes and echoes opaque', () => {
    const choice = chooseDigest(parseChallenges(['Digest realm="r", nonce="n", qop="auth", opaque="op"']))!;
    const header = digestAuthorization(choice, { username: 'a"b', password: 'p' }, 'GET', '/', 'cn');
    expect(header).toContain('username="a\\"b"');
    expect(header).toContain('opaque="op"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="cn"');
  });

  it('builds Basic credentials', () => {
    expect(basicAuthorization({ username: 'u', password: 'p:w' })).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });
});
