import {
  basicAuthorization,
  chooseDigestChallenge,
  digestAuthorization,
  parseAuthChallenges,
  type HttpCredentials,
} from '@acs/cwmp';
import { DownloadAuthorizer, DownloadSigner, signDownload, type AuthorizationOutcome } from './download-auth';

const SECRET = Buffer.from('a shared secret of enough bytes');
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const GRANT = { fileId: 'img-1', name: 'router fw 2.0.bin', deviceId: '00259E-HG8245-SN:01', expiresAt: T0 + 3_600_000, baseUrl: 'https://files.example.net:7549/' };

describe('download signing and authorisation', () => {
  let now: number;
  let authorizer: DownloadAuthorizer;

  beforeEach(() => {
    now = T0;
    authorizer = new DownloadAuthorizer({ secret: SECRET, realm: 'acs-files', nonceTtlMs: 300_000, now: () => now });
  });

  function bySignedUrl(url: string): AuthorizationOutcome {
    const parsed = new URL(url);
    const fileId = decodeURIComponent(parsed.pathname.split('/')[2]!);
    return authorizer.authorize({ fileId, query: parsed.searchParams, authorization: undefined, method: 'GET', uri: parsed.pathname + parsed.search });
  }

  function withHeader(authorization: string | undefined, fileId = GRANT.fileId, uri = '/files/img-1/fw.bin'): AuthorizationOutcome {
    return authorizer.authorize({ fileId, query: new URLSearchParams(), authorization, method: 'GET', uri });
  }

  function digestAnswer(credentials: HttpCredentials, uri = '/files/img-1/fw.bin'): string {
    const challenge = withHeader(undefined);
    if (challenge.ok || challenge.status !== 401) throw new Error('expected a challenge');
    const choice = chooseDigestChallenge(parseAuthChallenges(challenge.challenge));
    return digestAuthorization(choice!, credentials, { method: 'GET', uri });
  }

  it('signs a URL under the base, naming the file, that works on its own until it expires', () => {
    const signed = signDownload(SECRET, GRANT);
    expect(signed.url).toMatch(/^https:\/\/files\.example\.net:7549\/files\/img-1\/router%20fw%202\.0\.bin\?d=00259E-HG8245-SN%3A01&e=\d+&s=[\w-]{43}$/);
    expect(bySignedUrl(signed.url)).toEqual({ ok: true, deviceId: GRANT.deviceId, via: 'signed-url' });
    now = GRANT.expiresAt;
    expect(bySignedUrl(signed.url)).toEqual({ ok: false, status: 403, reason: 'signature-expired', deviceId: GRANT.deviceId });
  });

  it('refuses a URL with another device, expiry, file or signature, or a part missing', () => {
    const { url } = new DownloadSigner(SECRET).sign(GRANT);
    const tamper = (change: (u: URL) => void) => {
      const u = new URL(url);
      change(u);
      return bySignedUrl(u.toString());
    };
    expect(tamper((u) => u.searchParams.set('d', 'another-device'))).toMatchObject({ ok: false, status: 403, reason: 'signature-invalid' });
    expect(tamper((u) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 86_400)))).toMatchObject({ status: 403, reason: 'signature-invalid' });
    expect(tamper((u) => (u.pathname = '/files/img-2/fw.bin'))).toMatchObject({ status: 403, reason: 'signature-invalid' });
    expect(tamper((u) => u.searchParams.set('s', `${u.searchParams.get('s')!.slice(0, -1)}A`))).toMatchObject({ status: 403, reason: 'signature-invalid' });
    expect(tamper((u) => u.searchParams.delete('e'))).toMatchObject({ status: 403, reason: 'signature-invalid' });
    expect(bySignedUrl(signDownload(Buffer.from('another secret of enough bytes!'), GRANT).url)).toMatchObject({ status: 403, reason: 'signature-invalid' });
  });

  it('accepts the credentials as Basic, for that file only, until they expire', () => {
    const { username, password } = signDownload(SECRET, GRANT);
    expect(username).not.toContain(':');
    expect(withHeader(basicAuthorization({ username, password }))).toEqual({ ok: true, deviceId: GRANT.deviceId, via: 'basic' });
    expect(withHeader(basicAuthorization({ username, password }), 'img-2')).toMatchObject({ ok: false, status: 401, reason: 'credentials-invalid' });
    expect(withHeader(basicAuthorization({ username, password: `${password}x` }))).toMatchObject({ status: 401, reason: 'credentials-invalid' });
    expect(withHeader(basicAuthorization({ username: username.replace(/\.\d+\./, '.9999999999.'), password }))).toMatchObject({ status: 401, reason: 'credentials-invalid' });
    expect(withHeader(basicAuthorization({ username: 'admin', password: 'admin' }))).toMatchObject({ status: 401, reason: 'credentials-invalid' });
    now = GRANT.expiresAt + 1;
    expect(withHeader(basicAuthorization({ username, password }))).toEqual({ ok: false, status: 403, reason: 'credentials-expired', deviceId: GRANT.deviceId });
  });

  it('challenges a request without credentials with Digest SHA-256, MD5 and Basic', () => {
    const outcome = withHeader(undefined);
    expect(outcome).toMatchObject({ ok: false, status: 401, reason: 'credentials-missing' });
    const schemes = parseAuthChallenges((outcome as { challenge: string[] }).challenge).map((c) => `${c.scheme} ${c.params['algorithm'] ?? ''}`.trim());
    expect(schemes).toEqual(['digest SHA-256', 'digest MD5', 'basic']);
  });

  it('accepts a Digest answer with the credentials, and refuses wrong, expired or replayed-elsewhere ones', () => {
    const credentials = signDownload(SECRET, GRANT);
    expect(withHeader(digestAnswer(credentials))).toEqual({ ok: true, deviceId: GRANT.deviceId, via: 'digest' });
    expect(withHeader(digestAnswer({ ...credentials, password: 'guess' }))).toMatchObject({ status: 401, reason: 'credentials-invalid' });
    // An answer computed for one URL does not open another.
    expect(withHeader(digestAnswer(credentials, '/files/img-1/fw.bin'), GRANT.fileId, '/files/img-1/other.bin')).toMatchObject({ status: 401, reason: 'credentials-invalid' });
    const answer = digestAnswer(credentials);
    now = GRANT.expiresAt;
    expect(withHeader(answer)).toMatchObject({ ok: false, status: 403, reason: 'credentials-expired' });
    expect(withHeader(digestAnswer(credentials))).toMatchObject({ ok: false, status: 403, reason: 'credentials-expired' });
  });

  it('says stale, not wrong, when a right Digest answer comes with an old nonce', () => {
    const credentials = signDownload(SECRET, { ...GRANT, expiresAt: T0 + 86_400_000 });
    const answer = digestAnswer(credentials);
    now += 300_001;
    const outcome = withHeader(answer);
    expect(outcome).toMatchObject({ ok: false, status: 401, reason: 'nonce-stale' });
    expect((outcome as { challenge: string[] }).challenge[0]).toContain('stale=true');
  });

  it('refuses a secret too short to sign with', () => {
    expect(() => new DownloadSigner(Buffer.from('short'))).toThrow(/at least 16 bytes/);
  });
});
