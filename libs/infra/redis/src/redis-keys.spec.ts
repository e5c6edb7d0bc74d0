import { newSessionId } from '@acs/platform';

import { hashTag, RedisKeys } from './redis-keys';

/** Redis Cluster's key → slot: CRC16/XMODEM of the hash tag (or the whole key) modulo 16384, per the cluster spec. */
function slotOf(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(hashed, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

describe('RedisKeys', () => {
  const keys = new RedisKeys('acs');

  it('computes slots the way Redis does (values from the cluster spec and CLUSTER KEYSLOT)', () => {
    expect(slotOf('123456789')).toBe(0x31c3 % 16384);
    expect(slotOf('foo')).toBe(12182);
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
  });

  it.each(['000000-Router-SN1', 'ABCDEF-Box%2D1-X', 'odd-{tag}-id', '}leading-brace', 'ü-unicode', '%7B-escaped'])(
    'puts every key of device %s in one slot',
    (deviceId) => {
      const sessionId = newSessionId(deviceId, 'r4nd0m');
      const all = [keys.sessionLock(deviceId), keys.session(deviceId, sessionId), keys.plan(deviceId, sessionId), keys.queue(deviceId)];
      expect(new Set(all.map(slotOf)).size).toBe(1);
      expect(keys.sessionById(sessionId)).toBe(keys.session(deviceId, sessionId));
    },
  );

  it('lays keys out under the device tag', () => {
    expect(keys.sessionLock('dev')).toBe('acs:{dev}:session-lock');
    expect(keys.queue('dev')).toBe('acs:{dev}:queue');
    expect(keys.plan('dev', 's1')).toBe('acs:{dev}:plan:s1');
    expect(keys.session('dev', 's1')).toBe('acs:{dev}:session:s1');
    expect(keys.address('10.0.0.1:5000')).toBe('acs:addr:10.0.0.1:5000');
  });

  it('escapes braces and percent signs one-to-one', () => {
    expect(hashTag('a{b}c%d')).toBe('a%7Bb%7Dc%25d');
    expect(hashTag('%7B')).not.toBe(hashTag('{'));
  });

  it('finds no key for session ids that do not carry a device id', () => {
    expect(keys.sessionById('plain-random-id')).toBeNull();
    expect(keys.sessionById('')).toBeNull();
  });
});
