import {
  formatUdpConnectionRequest,
  parseUdpConnectionRequest,
  udpConnectionRequestSignature,
  udpConnectionRequestSignatureMatches,
} from './udp-connection-request';

describe('UDP connection request message (TR-111 / TR-069 Annex G)', () => {
  const fields = { ts: 1120673700, id: 1234, username: 'CPE57689', cnonce: 'XTGRWIPC6D3IPXS3' };

  it('signs ts+id+un+cn with HMAC-SHA1 keyed by the password (vector from openssl dgst -sha1 -hmac)', () => {
    expect(udpConnectionRequestSignature(fields, 'cpe-secret')).toBe('c01dfe6666916ee92211384c1e28d3b63ec18e66');
  });

  it('formats a bodiless HTTP 1.1 GET with an absolute URI, empty path and url-encoded values', () => {
    const odd = { ...fields, username: 'CPE 57689&x' };
    const sig = udpConnectionRequestSignature(odd, 'cpe-secret');
    expect(formatUdpConnectionRequest('10.1.1.1:8080', odd, 'cpe-secret').toString('utf8')).toBe(
      `GET http://10.1.1.1:8080?ts=1120673700&id=1234&un=CPE%2057689%26x&cn=XTGRWIPC6D3IPXS3&sig=${sig} HTTP/1.1\r\n` +
        'Host: 10.1.1.1:8080\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('parses what it formats and checks the signature over the text it read', () => {
    const parsed = parseUdpConnectionRequest(formatUdpConnectionRequest('cpe.example.net', { ...fields, username: 'a b' }, 'pw').toString('utf8'))!;
    expect(parsed.fields).toEqual({ ts: '1120673700', id: '1234', username: 'a b', cnonce: 'XTGRWIPC6D3IPXS3' });
    expect(udpConnectionRequestSignatureMatches(parsed.fields, 'pw', parsed.sig)).toBe(true);
    expect(udpConnectionRequestSignatureMatches(parsed.fields, 'other', parsed.sig)).toBe(false);
    expect(udpConnectionRequestSignatureMatches(parsed.fields, 'pw', parsed.sig.toUpperCase())).toBe(true);
    expect(udpConnectionRequestSignatureMatches({ ...parsed.fields, ts: '01120673700' }, 'pw', parsed.sig)).toBe(false);
  });

  it('refuses what is not such a message', () => {
    const good = formatUdpConnectionRequest('h:1', fields, 'pw').toString('utf8');
    for (const bad of [
      '',
      good.replace('GET', 'POST'),
      good.replace('HTTP/1.1', 'HTTP/1.0'),
      good.replace('Content-Length: 0', 'Content-Length: 5'),
      `${good}body`,
      good.replace('http://h:1?', 'http://h:1/path?'),
      good.replace(/sig=[0-9a-f]+/, 'sig=xyz'),
      good.replace('&cn=XTGRWIPC6D3IPXS3', ''),
      good.replace('ts=1120673700', 'ts=-1'),
    ]) {
      expect(parseUdpConnectionRequest(bad)).toBeUndefined();
    }
  });
});
