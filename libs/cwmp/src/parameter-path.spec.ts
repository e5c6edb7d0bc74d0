import {
  InvalidParameterPathError,
  isObjectPath,
  isParameterPath,
  normalizeParameterPath,
  parameterPathProblem,
  parameterPathSegments,
  parentPath,
  pathSegments,
  rootObjectOf,
} from './parameter-path';

describe('parameter paths', () => {
  it('tells objects from parameters', () => {
    expect(isObjectPath('Device.WiFi.')).toBe(true);
    expect(isObjectPath('Device.WiFi.SSID.1.SSID')).toBe(false);
    expect(isObjectPath('')).toBe(false);
  });

  it('finds the parent object', () => {
    expect(parentPath('Device.WiFi.SSID.1.SSID')).toBe('Device.WiFi.SSID.1.');
    expect(parentPath('Device.WiFi.SSID.1.')).toBe('Device.WiFi.SSID.');
    expect(parentPath('Device.')).toBe('');
    expect(parentPath('Device')).toBe('');
    expect(parentPath('')).toBe('');
  });

  it('splits a path into segments', () => {
    expect(pathSegments('Device.IP.Interface.1.')).toEqual(['Device', 'IP', 'Interface', '1']);
    expect(pathSegments('Device.IP.Interface.1.Enable')).toEqual(['Device', 'IP', 'Interface', '1', 'Enable']);
    expect(pathSegments('')).toEqual([]);
  });

  it('names the root object', () => {
    expect(rootObjectOf('Device.DeviceInfo.SerialNumber')).toBe('Device');
    expect(rootObjectOf('InternetGatewayDevice.')).toBe('InternetGatewayDevice');
    expect(rootObjectOf('Device')).toBe('Device');
    expect(rootObjectOf('Devices.X')).toBeNull();
    expect(rootObjectOf('')).toBeNull();
  });
});

describe('the parameter path rule', () => {
  it('accepts TR-106 names and instance numbers, with or without the trailing dot of an object', () => {
    for (const path of ['Device.DeviceInfo.SoftwareVersion', 'InternetGatewayDevice.WANDevice.1.X_ACME-Thing', 'Device.IP.', 'WiFi.SSID.1']) {
      expect(parameterPathProblem(path)).toBeNull();
    }
    expect(parameterPathSegments('Device.IP.Interface.1.')).toEqual(['Device', 'IP', 'Interface', '1']);
    expect(normalizeParameterPath('Device.IP.')).toBe('Device.IP');
  });

  it('refuses what no data model names, with one error type', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty path'],
      ['.', 'empty path'],
      ['Device..X', 'empty segment'],
      ['Device.$where', 'contains "$"'],
      ['Device.__proto__.x', 'is not a TR-069 name'],
      ['Device.constructor', 'is not a TR-069 name'],
      ['Device._v', 'segment "_v"'],
      ['Device.1a', 'segment "1a"'],
    ];
    for (const [path, reason] of cases) {
      expect(parameterPathProblem(path)).toContain(reason);
      expect(() => parameterPathSegments(path)).toThrow(InvalidParameterPathError);
    }
    expect(() => normalizeParameterPath('Device..X')).toThrow('invalid parameter path "Device..X": empty segment');
  });

  it('tells the stored form (no trailing dot) apart', () => {
    expect(isParameterPath('Device.DeviceInfo')).toBe(true);
    expect(isParameterPath('Device.DeviceInfo.')).toBe(false);
    expect(isParameterPath('Device..X')).toBe(false);
  });
});
