import { deviceIdOf, escapeDeviceIdPart } from './device-id';

const id = (oui: string, productClass: string, serialNumber: string) =>
  deviceIdOf({ manufacturer: 'ignored', oui, productClass, serialNumber });

describe('deviceIdOf', () => {
  it('joins OUI, ProductClass and SerialNumber with dashes', () => {
    expect(id('00D09E', 'IGD', 'ABC123')).toBe('00D09E-IGD-ABC123');
  });

  it('leaves out an empty ProductClass, as GenieACS does', () => {
    expect(id('00D09E', '', 'ABC123')).toBe('00D09E-ABC123');
  });

  it('escapes everything but letters, digits and underscore, so the dashes stay unambiguous', () => {
    expect(id('00D09E', 'Home-Gateway', 'SN-1')).toBe('00D09E-Home%2DGateway-SN%2D1');
    expect(id('AA1234', 'IAD_001', 'S99998888')).toBe('AA1234-IAD_001-S99998888');
    expect(id('00040E', 'FRITZ!Box', '00150C492F89')).toBe('00040E-FRITZ%21Box-00150C492F89');
    expect(escapeDeviceIdPart("a b.c~d*e'f(g)h%i/j")).toBe('a%20b%2Ec%7Ed%2Ae%27f%28g%29h%25i%2Fj');
  });

  it('escapes non-ASCII as UTF-8 bytes in upper-case hex', () => {
    expect(escapeDeviceIdPart('Café')).toBe('Caf%C3%A9');
    expect(escapeDeviceIdPart('無線')).toBe('%E7%84%A1%E7%B7%9A');
  });

  it('keeps GenieACS quirks: one hex digit below 0x10, surrogate halves escaped one by one', () => {
    expect(escapeDeviceIdPart('a\tb')).toBe('a%9b');
    expect(escapeDeviceIdPart('😀')).toBe('%EF%BF%BD%EF%BF%BD');
  });
});
