import { buildTaskSpec, parseParameterValue } from './task-spec.builder';

describe('buildTaskSpec', () => {
  it('maps each kind to its TaskSpec', () => {
    expect(buildTaskSpec('get', ['Device.DeviceInfo.SoftwareVersion', 'Device.WiFi.'])).toEqual({
      kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion', 'Device.WiFi.'] } },
    });
    expect(buildTaskSpec('refresh', ['Device.WiFi.'])).toEqual({ kind: { $case: 'refreshObject', refreshObject: { path: 'Device.WiFi.' } } });
    expect(buildTaskSpec('names', ['Device.'], { nextLevel: true })).toEqual({
      kind: { $case: 'getParameterNames', getParameterNames: { path: 'Device.', nextLevel: true } },
    });
    expect(buildTaskSpec('delete-object', ['Device.IP.Interface.3'])).toEqual({ kind: { $case: 'deleteObject', deleteObject: { path: 'Device.IP.Interface.3' } } });
    expect(buildTaskSpec('reboot', [])).toEqual({ kind: { $case: 'reboot', reboot: {} } });
    expect(buildTaskSpec('factory-reset', [])).toEqual({ kind: { $case: 'factoryReset', factoryReset: {} } });
    expect(buildTaskSpec('schedule-inform', ['30'])).toEqual({ kind: { $case: 'scheduleInform', scheduleInform: { delaySeconds: 30 } } });
    expect(buildTaskSpec('apply-preset', ['wifi-defaults'])).toEqual({ kind: { $case: 'applyPreset', applyPreset: { name: 'wifi-defaults' } } });
    expect(buildTaskSpec('set-attributes', ['Device.X=2'])).toEqual({
      kind: { $case: 'setParameterAttributes', setParameterAttributes: { attributes: [{ path: 'Device.X', notification: 2, accessList: undefined }] } },
    });
  });

  it('reads set values with an optional CWMP type after the last colon', () => {
    expect(buildTaskSpec('set', ['Device.ManagementServer.PeriodicInformInterval=300:unsignedInt', 'Device.X.Enable=true:xsd:boolean', 'Device.X.Name=a=b'])).toEqual({
      kind: {
        $case: 'setParameterValues',
        setParameterValues: {
          values: [
            { path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'xsd:unsignedInt' },
            { path: 'Device.X.Enable', value: 'true', type: 'xsd:boolean' },
            { path: 'Device.X.Name', value: 'a=b', type: '' },
          ],
        },
      },
    });
  });

  it('keeps colons that do not name a type as part of the value', () => {
    expect(parseParameterValue('Device.ManagementServer.URL=http://acs.example:7547/')).toEqual({ path: 'Device.ManagementServer.URL', value: 'http://acs.example:7547/', type: '' });
    expect(parseParameterValue('Device.Time.X=2024-01-01T00:00:00Z')).toEqual({ path: 'Device.Time.X', value: '2024-01-01T00:00:00Z', type: '' });
    expect(parseParameterValue('Device.X=')).toEqual({ path: 'Device.X', value: '', type: '' });
    // To send a value ending with `:string`, name the type.
    expect(parseParameterValue('Device.X=a:string:string')).toEqual({ path: 'Device.X', value: 'a:string', type: 'xsd:string' });
  });

  it('builds add-object with instance values, and transfers from their options', () => {
    expect(buildTaskSpec('add-object', ['Device.NAT.PortMapping', 'ExternalPort=8080:unsignedInt', 'Enable=true'])).toEqual({
      kind: {
        $case: 'addObject',
        addObject: {
          path: 'Device.NAT.PortMapping',
          values: [
            { name: 'ExternalPort', value: '8080', type: 'xsd:unsignedInt' },
            { name: 'Enable', value: 'true', type: '' },
          ],
        },
      },
    });
    expect(buildTaskSpec('download', [], { url: 'http://files/fw.bin', fileType: '1 Firmware Upgrade Image', fileSize: 1024 })).toEqual({
      kind: {
        $case: 'download',
        download: { url: 'http://files/fw.bin', fileType: '1 Firmware Upgrade Image', username: '', password: '', fileSize: 1024, targetFileName: '', delaySeconds: 0 },
      },
    });
    expect(buildTaskSpec('upload', [], { url: 'http://files/up', fileType: '2 Vendor Log File', delaySeconds: 5 })).toEqual({
      kind: { $case: 'upload', upload: { url: 'http://files/up', fileType: '2 Vendor Log File', username: '', password: '', delaySeconds: 5 } },
    });
  });

  it('refuses what cannot make a task, naming the problem', () => {
    expect(() => buildTaskSpec('explode', [])).toThrow(/unknown task kind "explode"/);
    expect(() => buildTaskSpec('get', [])).toThrow('get: give at least one PATH');
    expect(() => buildTaskSpec('set', ['Device.X'])).toThrow('"Device.X" is not PATH=VALUE[:TYPE]');
    expect(() => buildTaskSpec('refresh', ['a', 'b'])).toThrow('refresh: give exactly one PATH');
    expect(() => buildTaskSpec('reboot', ['now'])).toThrow('reboot takes no arguments');
    expect(() => buildTaskSpec('download', [], { url: 'http://x' })).toThrow('--file-type is required');
    expect(() => buildTaskSpec('get', ['Device.X'], { url: 'http://x' })).toThrow('--url does not apply to a get task');
    expect(() => buildTaskSpec('schedule-inform', ['soon'])).toThrow('not a number of seconds');
    expect(() => buildTaskSpec('set-attributes', ['Device.X=7'])).toThrow('not PATH=NOTIFICATION');
  });
});
