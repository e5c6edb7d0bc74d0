import { sourceAddressOf } from './source-address';

describe('sourceAddressOf', () => {
  it.each([
    ['198.51.100.7:51234', '198.51.100.7'],
    ['::ffff:198.51.100.7:51234', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6:443', '2001:db8:1:2::/64'],
    ['2001:db8::1:7547', '2001:db8:0:0::/64'],
    ['2001:DB8:a::%eth0:7547', '2001:db8:a:0::/64'],
    ['::1:40000', '0:0:0:0::/64'],
    ['[2001:db8:1:2::9]:7547', '2001:db8:1:2::/64'],
    ['198.51.100.7', '198.51.100.7'],
  ])('%s counts as %s', (remote, source) => {
    expect(sourceAddressOf(remote)).toBe(source);
  });
});
