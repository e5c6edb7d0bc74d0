import { udpConnectionRequestSignature } from '@acs/cwmp';
import { buildUdpConnectionRequest, InvalidUdpAddressError, parseUdpAddress } from './udp-connection-request';

describe('UDP connection request (TR-111 / TR-069 Annex G)', () => {
  it('reads UDPConnectionRequestAddress in its host:port and host forms', () => {
    expect(parseUdpAddress('203.0.113.7:7549')).toEqual({ host: '203.0.113.7', port: 7549, authority: '203.0.113.7:7549', family: 4 });
    expect(parseUdpAddress('cpe.example.net')).toEqual({ host: 'cpe.example.net', port: 80, authority: 'cpe.example.net', family: 4 });
    expect(parseUdpAddress('[2001:db8::1]:5000')).toEqual({ host: '2001:db8::1', port: 5000, authority: '[2001:db8::1]:5000', family: 6 });
    for (const bad of ['', 'host:0', 'host:70000', 'http://host:1', 'host:1/path', 'user@host:1']) {
      expect(() => parseUdpAddress(bad)).toThrow(InvalidUdpAddressError);
    }
  });

  it('builds a bodiless HTTP 1.1 GET with an absolute URI, empty path and url-encoded values', () => {
    const destination = parseUdpAddress('10.1.1.1:8080');
    const fields = { ts: 1120673700, id: 1234, username: 'CPE 57689&x', cnonce: 'XTGRWIPC6D3IPXS3' };
    const text = buildUdpConnectionRequest(destination, fields, 'cpe-secret').toString('utf8');
    const sig = udpConnectionRequestSignature(fields, 'cpe-secret');
    expect(text).toBe(
      `GET http://10.1.1.1:8080?ts=1120673700&id=1234&un=CPE%2057689%26x&cn=XTGRWIPC6D3IPXS3&sig=${sig} HTTP/1.1\r\n` +
        'Host: 10.1.1.1:8080\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
