import { isObjectPath, parentPath, pathSegments, rootObjectOf } from './parameter-path';

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
