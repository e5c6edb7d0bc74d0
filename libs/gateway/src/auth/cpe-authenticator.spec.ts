import { createHash } from 'node:crypto';
import { chooseDigestChallenge, digestAuthorization, parseAuthChallenges } from '@acs/cwmp';
import { CpeAuthenticator, type CpeAuthOptions } from './cpe-authenticator';
import { FileCpeCredentialStore } from './cpe-credentials';

const BASE: CpeAuthOptions = { mode: 'digest', realm: 'acs', acceptUnknown: true, nonceSecret: Buffer.from('k'), nonceTtlMs: 60_000 };

function digestAnswer(challenge: string, user: string, password: string, algorithm: 'MD5' | 'SHA-256', uri = '/'): string {
  const { nonce, realm } = parseAuthChallenges([challenge])[0]!.params;
  const h = (s: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const nc = '00000001';
  const cnonce = 'abcdef';
  const response = h(`${h(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${h(`POST:${uri}`)}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}

describe('CpeAuthenticator', () => {
  const clock = { now: 1_000_000 };
  const store = new FileCpeCredentialStore({ 'OUI-PC-SN2': { username: 'own', password: 'secret2' } });
  const auth = new CpeAuthenticator({ ...BASE, defaultCredentials: { username: 'cpe', password: 'pw' } }, store, () => clock.now);

  it.each(['MD5', 'SHA-256'] as const)('accepts a correct Digest %s answer to its own challenge', async (algorithm) => {
    const challenge = await auth.authenticate('OUI-PC-SN1', undefined, 'POST');
    expect(challenge).toMatchObject({ ok: false, status: 401, reason: 'missing' });
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    const header = challenge.challenge.find((c) => c.includes(`algorithm=${algorithm}`))!;
    expect(await auth.authenticate('OUI-PC-SN1', digestAnswer(header, 'cpe', 'pw', algorithm), 'POST')).toEqual({ ok: true });
  });

  it('prefers per-device credentials over the shared default', async () => {
    const challenge = (await auth.authenticate('OUI-PC-SN2', undefined, 'POST')) as { challenge: string[] };
    expect(await auth.authenticate('OUI-PC-SN2', digestAnswer(challenge.challenge[1], 'cpe', 'pw', 'MD5'), 'POST')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await auth.authenticate('OUI-PC-SN2', digestAnswer(challenge.challenge[1], 'own', 'secret2', 'MD5'), 'POST')).toEqual({ ok: true });
  });

  it('refuses a wrong password, a forged nonce, and marks an expired nonce stale', async () => {
    const challenge = (await auth.authenticate('D', undefined, 'POST')) as { challenge: string[] };
    expect(await auth.authenticate('D', digestAnswer(challenge.challenge[0], 'cpe', 'nope', 'SHA-256'), 'POST')).toMatchObject({ reason: 'invalid' });
    const forged = challenge.challenge[0].replace(/nonce="([^"]+)"/, 'nonce="0.AAAA.BBBB"');
    expect(await auth.authenticate('D', digestAnswer(forged, 'cpe', 'pw', 'SHA-256'), 'POST')).toMatchObject({ reason: 'invalid' });
    const answer = digestAnswer(challenge.challenge[0], 'cpe', 'pw', 'SHA-256');
    clock.now += 120_000;
    expect(await auth.authenticate('D', answer, 'POST')).toMatchObject({ status: 401, reason: 'stale' });
  });

  it('checks Basic credentials in basic mode', async () => {
    const basic = new CpeAuthenticator({ ...BASE, mode: 'basic', defaultCredentials: { username: 'cpe', password: 'pw' } }, store);
    const token = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(await basic.authenticate('D', token('cpe', 'pw'), 'POST')).toEqual({ ok: true });
    expect(await basic.authenticate('D', token('cpe', 'x'), 'POST')).toMatchObject({ status: 401, challenge: ['Basic realm="acs"'] });
  });

  it('refuses devices without credentials when unknown devices are not accepted', async () => {
    const strict = new CpeAuthenticator({ ...BASE, acceptUnknown: false, defaultCredentials: { username: 'cpe', password: 'pw' } }, store);
    expect(await strict.authenticate('OUI-PC-NEW', undefined, 'POST')).toEqual({ ok: false, status: 403, reason: 'unknown-device' });
    expect(await strict.authenticate('OUI-PC-SN2', undefined, 'POST')).toMatchObject({ status: 401 });
  });

  it.each(['MD5', 'SHA-256', 'MD5-sess', 'SHA-256-sess'])('accepts the shared Digest client answering a %s challenge', async (algorithm) => {
    const strict = new CpeAuthenticator(
      { mode: 'digest', realm: 'cpe', acceptUnknown: false, nonceSecret: Buffer.from('k'), nonceTtlMs: 60_000 },
      new FileCpeCredentialStore({ dev: { username: 'acs', password: 's3cret' } }),
    );
    const challenge = await strict.authenticate('dev', undefined, 'GET');
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    // The server offers SHA-256 and MD5; rewrite the offer to test each variant.
    const offered = challenge.challenge[1]!.replace('algorithm=MD5', `algorithm=${algorithm}`);
    const choice = chooseDigestChallenge(parseAuthChallenges([offered]))!;
    const header = digestAuthorization(choice, { username: 'acs', password: 's3cret' }, { method: 'GET', uri: '/cr?x=1' });
    expect(await strict.authenticate('dev', header, 'GET')).toEqual({ ok: true });
    const wrong = digestAuthorization(choice, { username: 'acs', password: 'nope' }, { method: 'GET', uri: '/cr?x=1' });
    expect(await strict.authenticate('dev', wrong, 'GET')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
