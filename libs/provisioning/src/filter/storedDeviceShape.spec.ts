import { InvalidParameterPathError, isParameterPath as isStorableParameterPath } from '@acs/cwmp';

import { fromStoredDevice, storedFieldPath, toStoredDevice } from './storedDeviceShape';
import { SAMPLE_DEVICES, sampleDevice } from './test-support/sample-devices';

describe('stored device shape', () => {
  it('nests parameters by segment with _v/_t/_w/_o/_at leaves', () => {
    const stored = toStoredDevice(SAMPLE_DEVICES[0]);
    expect(stored._id).toBe('d1');
    expect(stored.tags).toEqual(['lab', 'wifi']);
    expect(stored.p).toMatchObject({
      Device: {
        DeviceInfo: { SoftwareVersion: { _v: '1.2', _t: 'string', _w: true, _at: expect.any(Number) } },
        WiFi: { SSID: { _o: true, 1: { _o: true, SSID: { _v: 'home' }, Enable: { _v: true, _t: 'boolean' } } } },
      },
    });
    expect(stored).not.toHaveProperty('hardwareVersion');
  });

  it('round-trips every sample device', () => {
    for (const device of SAMPLE_DEVICES) expect(fromStoredDevice(toStoredDevice(device))).toEqual(device);
  });

  it('does not share arrays with the record it came from', () => {
    const device = sampleDevice({ id: 'x', tags: ['a'] });
    const stored = toStoredDevice(device);
    stored.tags.push('b');
    expect(device.tags).toEqual(['a']);
  });

  it('refuses paths that cannot be nested keys', () => {
    for (const path of ['Device..X', 'Device.$where', 'Device.__proto__.x', 'Device._v', '']) {
      expect(isStorableParameterPath(path)).toBe(false);
    }
    expect(isStorableParameterPath('InternetGatewayDevice.WANDevice.1.X_ACME-Thing')).toBe(true);
    const device = sampleDevice({ id: 'x', parameters: { 'Device.$where': { learnedAt: 1, value: 'x' } } });
    expect(() => toStoredDevice(device)).toThrow(InvalidParameterPathError);
  });

  it('names the stored key of each filter field', () => {
    expect(storedFieldPath({ kind: 'device', name: 'id' })).toBe('_id');
    expect(storedFieldPath({ kind: 'device', name: 'lastInform' })).toBe('lastInform');
    expect(storedFieldPath({ kind: 'tag' })).toBe('tags');
    expect(storedFieldPath({ kind: 'parameter', path: 'Device.A.B' })).toBe('p.Device.A.B._v');
  });
});
