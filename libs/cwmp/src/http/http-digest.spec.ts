import {
  basicAuthorization,
  basicCredentialsMatch,
  chooseDigestChallenge,
  digestAuthorization,
  digestChallenge,
  digestCredentialsMatch,
  digestResponse,
  isStaleDigestChallenge,
  parseAuthChallenges,
  parseDigestAuthorization,
  type DigestAlgorithm,
} from './http-digest';

describe('parseAuthChallenges', () => {
  it('splits several challenges in one header and keeps commas inside quoted strings', () => {
    const challenges = parseAuthChallenges([
      'Digest realm="cpe, home", qop="auth,auth-int", algorithm=MD5, nonce="n1", Digest realm="x", nonce="n2", algorithm=SHA-256',
      'Basic realm="cpe"',
    ]);
    expect(challenges).toEqual([
      { scheme: 'digest', params: { realm: 'cpe, home', qop: 'auth,auth-int', algorithm: 'MD5', nonce: 'n1' } },
      { scheme: 'digest', params: { realm: 'x', nonce: 'n2', algorithm: 'SHA-256' } },
      { scheme: 'basic', params: { realm: 'cpe' } },
    ]);
  });

  it('unescapes quoted strings and keeps a token68 apart from parameters', () => {
    expect(
      parseAuthChallenges([
        'Digest realm="a, \\"b\\"", qop="auth,auth-int", algorithm=SHA-256, nonce="n1", Basic realm="x"',
        'Basic dXNlcjpwYXNz==',
        'Negotiate abc==, Basic realm=y',
      ]),
    ).toEqual([
      { scheme: 'digest', params: { realm: 'a, "b"', qop: 'auth,auth-int', algorithm: 'SHA-256', nonce: 'n1' } },
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'basic', params: { token68: 'dXNlcjpwYXNz==' } },
      { scheme: 'negotiate', params: { token68: 'abc==' } },
      { scheme: 'basic', params: { realm: 'y' } },
    ]);
  });

  it('steps over stray characters and survives an unterminated quote', () => {
    expect(parseAuthChallenges(['  , Digest ; realm="r", nonce="n'])).toEqual([{ scheme: 'digest', params: { realm: 'r', nonce: 'n' } }]);
    expect(parseAuthChallenges([''])).toEqual([]);
  });
});

describe('digestResponse', () => {
  // RFC 7616 section 3.9.1.
  const rfc7616 = {
    username: 'Mufasa',
    password: 'Circle of Life',
    realm: 'http-auth@example.org',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    method: 'GET',
    uri: '/dir/index.html',
    qop: 'auth',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('matches the RFC 7616 examples for MD5 and SHA-256', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('matches the RFC 2617 example', () => {
    // RFC 2617 section 3.5: the same user and URI as RFC 7616, another password, realm, nonce and cnonce.
    const rfc2617 = { password: 'Circle Of Life', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', cnonce: '0a4f113b' };
    expect(digestResponse({ ...rfc7616, ...rfc2617, algorithm: 'MD5' })).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('folds nonce and cnonce into HA1 for -sess and leaves qop out of an RFC 2069 answer', () => {
    const base = { username: 'u', password: 'p', realm: 'r', nonce: 'n', method: 'GET', uri: '/', cnonce: 'c' };
    expect(digestResponse({ ...base, algorithm: 'MD5-sess' })).not.toBe(digestResponse({ ...base, algorithm: 'MD5' }));
    expect(digestResponse({ ...base, algorithm: 'MD5-sess' })).not.toBe(digestResponse({ ...base, algorithm: 'MD5-sess', cnonce: 'd' }));
    // Without qop, nc and cnonce (outside -sess) play no part.
    expect(digestResponse({ ...base, algorithm: 'SHA-256', nc: '00000009' })).toBe(digestResponse({ ...base, algorithm: 'SHA-256', cnonce: 'x' }));
  });
});

describe('chooseDigestChallenge', () => {
  const pick = (header: string) => chooseDigestChallenge(parseAuthChallenges([header]));

  it('prefers SHA-256, skips unknown algorithms, nonce-less and auth-int-only challenges', () => {
    expect(pick('Digest nonce="a", algorithm=MD5, Digest nonce="b", algorithm=SHA-256')).toMatchObject({ algorithm: 'SHA-256', qop: undefined });
    expect(pick('Digest nonce="a", algorithm=SHA-512-256, Digest nonce="b", qop="auth"')).toMatchObject({ algorithm: 'MD5', qop: 'auth' });
    expect(pick('Digest nonce="a", qop="auth-int"')).toBeUndefined();
    expect(pick('Digest realm="r", algorithm=SHA-256')).toBeUndefined();
    expect(pick('Basic realm="x"')).toBeUndefined();
  });

  it('reads stale=true', () => {
    expect(isStaleDigestChallenge(parseAuthChallenges(['Digest realm="r", nonce="n", stale=TRUE']))).toBe(true);
    expect(isStaleDigestChallenge(parseAuthChallenges(['Digest realm="r", nonce="n", stale=false', 'Basic stale=true']))).toBe(false);
  });
});

describe('digestAuthorization', () => {
  it('quotes usernames with quotes, echoes opaque and counts nonces', () => {
    const choice = chooseDigestChallenge(parseAuthChallenges(['Digest realm="r", nonce="n", qop="auth", opaque="op"']))!;
    const header = digestAuthorization(choice, { username: 'a"b', password: 'p' }, { method: 'GET', uri: '/', cnonce: 'cn' });
    expect(header).toContain('username="a\\"b"');
    expect(header).toContain('opaque="op"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="cn"');
    const third = digestAuthorization(choice, { username: 'u', password: 'p' }, { method: 'GET', uri: '/', nonceCount: 26 });
    expect(third).toMatch(/nc=0000001a, cnonce="[0-9a-f]{24}"/);
  });

  it('sends the cnonce of a -sess answer even without qop', () => {
    const choice = chooseDigestChallenge(parseAuthChallenges(['Digest realm="r", nonce="n", algorithm=MD5-sess']))!;
    const header = digestAuthorization(choice, { username: 'u', password: 'p' }, { method: 'GET', uri: '/', cnonce: 'cn' });
    expect(header).toContain('cnonce="cn"');
    expect(header).not.toContain('qop=');
  });

  it('builds Basic credentials', () => {
    expect(basicAuthorization({ username: 'u', password: 'p:w' })).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });
});

describe('the server side', () => {
  const credentials = { username: 'acs', password: 's3cret' };

  it.each<[DigestAlgorithm, boolean]>([
    ['MD5', true],
    ['MD5-sess', true],
    ['SHA-256', true],
    ['SHA-256-sess', true],
    ['MD5', false],
    ['SHA-256-sess', false],
  ])('accepts its own %s answer (qop: %s) and only with the right password', (algorithm, withQop) => {
    let offer = digestChallenge({ realm: 'cpe "x"', algorithm, nonce: 'n1' });
    if (!withQop) offer = offer.replace('qop="auth", ', '');
    const choice = chooseDigestChallenge(parseAuthChallenges([offer]))!;
    expect(choice).toMatchObject({ algorithm, qop: withQop ? 'auth' : undefined });
    const given = parseDigestAuthorization(digestAuthorization(choice, credentials, { method: 'GET', uri: '/cr?x=1' }))!;
    expect(given).toMatchObject({ algorithm, username: 'acs', realm: 'cpe "x"', nonce: 'n1', uri: '/cr?x=1' });
    expect(digestCredentialsMatch(given, credentials, 'GET')).toBe(true);
    expect(digestCredentialsMatch(given, credentials, 'POST')).toBe(false);
    expect(digestCredentialsMatch(given, { ...credentials, password: 'nope' }, 'GET')).toBe(false);
    expect(digestCredentialsMatch(given, { ...credentials, username: 'acz' }, 'GET')).toBe(false);
    expect(digestCredentialsMatch({ ...given, response: given.response.toUpperCase() }, credentials, 'GET')).toBe(true);
  });

  it('refuses to read Authorization headers missing what it must check', () => {
    const full = 'Digest username="u", realm="r", nonce="n", uri="/", response="abc"';
    expect(parseDigestAuthorization(full)).toMatchObject({ algorithm: 'MD5', username: 'u' });
    expect(parseDigestAuthorization(full.replace('realm="r"', 'realm=""'))).toMatchObject({ realm: '' });
    for (const field of ['username', 'realm', 'nonce', 'uri', 'response']) {
      expect(parseDigestAuthorization(full.replace(new RegExp(`${field}="[^"]*"`), ''))).toBeUndefined();
    }
    expect(parseDigestAuthorization(`${full}, algorithm=SHA-512`)).toBeUndefined();
    expect(parseDigestAuthorization(basicAuthorization({ username: 'u', password: 'p' }))).toBeUndefined();
  });

  it('checks Basic credentials', () => {
    expect(basicCredentialsMatch(basicAuthorization(credentials), credentials)).toBe(true);
    expect(basicCredentialsMatch(basicAuthorization({ username: 'acs', password: 'x' }), credentials)).toBe(false);
    expect(basicCredentialsMatch(`Basic ${Buffer.from('no-colon').toString('base64')}`, credentials)).toBe(false);
    expect(basicCredentialsMatch('Digest username="acs"', credentials)).toBe(false);
    expect(basicCredentialsMatch('Basic', credentials)).toBe(false);
  });
});
