import { withoutTrailingDot } from '@acs/cwmp';
import type { DeviceRecord } from '../domain/device';
import { sampleDevice } from '../filter/test-support/sample-devices';
import { GPV_BATCH, firstRpcs, nextStep, objectPath, typedValue } from './task-rpcs';

const device: DeviceRecord = sampleDevice({
  id: 'dev-1',
  parameters: { 'Device.ManagementServer.PeriodicInformInterval': { learnedAt: 1, value: 600, type: 'unsignedInt' }, 'Device.IP.Interface.3.Enable': { learnedAt: 1, value: true, type: 'boolean' } },
});

describe('task RPCs', () => {
  describe('firstRpcs', () => {
    it('sends values with the declared type, else the one the device reported, else the value\'s own', () => {
      const [rpc] = firstRpcs(
        {
          kind: 'setParameterValues',
          values: [
            { path: 'Device.ManagementServer.PeriodicInformInterval', value: '300' },
            { path: 'Device.X.Name', value: 7, type: 'xsd:string' },
            { path: 'Device.X.Flag', value: true },
          ],
        },
        'task-1',
        device,
      );
      expect(rpc).toEqual({
        kind: 'SetParameterValues',
        parameterKey: 'task-1',
        parameterList: [
          { name: 'Device.ManagementServer.PeriodicInformInterval', value: { type: 'unsignedInt', value: 300 } },
          { name: 'Device.X.Name', value: { type: 'string', value: '7' } },
          { name: 'Device.X.Flag', value: { type: 'boolean', value: true } },
        ],
      });
    });

    it('names the task as the command key of the RPCs the CPE reports on later', () => {
      expect(firstRpcs({ kind: 'reboot' }, 'task-2', null)).toEqual([{ kind: 'Reboot', commandKey: 'task-2' }]);
      expect(firstRpcs({ kind: 'scheduleInform', delaySeconds: 5 }, 'task-2', null)).toEqual([{ kind: 'ScheduleInform', delaySeconds: 5, commandKey: 'task-2' }]);
      const [download] = firstRpcs({ kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files/fw.bin' }, 'task-2', null);
      expect(download).toMatchObject({ kind: 'Download', commandKey: 'task-2', url: 'http://files/fw.bin', username: '', fileSize: 0 });
    });

    it('asks for objects with their trailing dot', () => {
      expect(firstRpcs({ kind: 'refreshObject', path: 'Device.WiFi' }, 't', null)).toEqual([{ kind: 'GetParameterNames', parameterPath: 'Device.WiFi.', nextLevel: false }]);
      expect(firstRpcs({ kind: 'addObject', path: 'Device.IP.Interface' }, 't', null)).toEqual([{ kind: 'AddObject', objectName: 'Device.IP.Interface.', parameterKey: 't' }]);
      expect(firstRpcs({ kind: 'deleteObject', path: 'Device.IP.Interface.3' }, 't', null)).toEqual([{ kind: 'DeleteObject', objectName: 'Device.IP.Interface.3.', parameterKey: 't' }]);
    });
  });

  describe('nextStep', () => {
    it('follows a refresh\'s names with batches of GetParameterValues', () => {
      const names = Array.from({ length: GPV_BATCH + 1 }, (_, i) => ({ name: `Device.X.${i}`, writable: false }));
      const step = nextStep(
        { kind: 'refreshObject', path: 'Device.X' },
        't',
        { kind: 'GetParameterNames', parameterPath: 'Device.X.', nextLevel: false },
        { kind: 'GetParameterNamesResponse', parameterList: [{ name: 'Device.X.', writable: false }, ...names] },
        null,
      );
      expect('next' in step && step.next.map((rpc) => (rpc.kind === 'GetParameterValues' ? rpc.parameterNames.length : 0))).toEqual([GPV_BATCH, 1]);
    });

    it('ends a refresh that found no parameters', () => {
      const step = nextStep({ kind: 'refreshObject', path: 'Device.X' }, 't', { kind: 'GetParameterNames', parameterPath: 'Device.X.', nextLevel: false }, { kind: 'GetParameterNamesResponse', parameterList: [] }, null);
      expect(step).toEqual({ done: { parameters: 0 } });
    });

    it('sets an added instance\'s values with the types known for them', () => {
      const step = nextStep(
        { kind: 'addObject', path: 'Device.IP.Interface', values: [{ name: 'Enable', value: 'true' }] },
        't',
        { kind: 'AddObject', objectName: 'Device.IP.Interface.', parameterKey: 't' },
        { kind: 'AddObjectResponse', instanceNumber: 3, status: 0 },
        device,
      );
      expect(step).toEqual({ next: [{ kind: 'SetParameterValues', parameterKey: 't', parameterList: [{ name: 'Device.IP.Interface.3.Enable', value: { type: 'boolean', value: true } }] }] });
      const bare = nextStep({ kind: 'addObject', path: 'Device.IP.Interface' }, 't', { kind: 'AddObject', objectName: 'Device.IP.Interface.', parameterKey: 't' }, { kind: 'AddObjectResponse', instanceNumber: 4, status: 0 }, null);
      expect(bare).toEqual({ done: { instance: 'Device.IP.Interface.4' } });
    });

    it('waits for TransferComplete when a transfer goes on after the session', () => {
      const spec = { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://f/x' } as const;
      const request = firstRpcs(spec, 't', null)[0];
      expect(nextStep(spec, 't', request, { kind: 'DownloadResponse', status: 1, startTime: '', completeTime: '' }, null)).toEqual({ awaitTransfer: true });
      expect(nextStep(spec, 't', request, { kind: 'DownloadResponse', status: 0, startTime: 'a', completeTime: 'b' }, null)).toEqual({ done: { status: 0, startTime: 'a', completeTime: 'b' } });
    });

    it('keeps the values read as a GetParameterValues task\'s result', () => {
      const step = nextStep(
        { kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] },
        't',
        { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] },
        { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '2.0' } }] },
        null,
      );
      expect(step).toEqual({ done: { values: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '2.0', type: 'string' }] } });
    });
  });

  it('types values strictly and keeps what does not fit as text', () => {
    expect(typedValue('12', 'xsd:unsignedInt', undefined)).toEqual({ type: 'unsignedInt', value: 12 });
    expect(typedValue('99999999999999999999', 'unsignedLong', undefined)).toEqual({ type: 'unsignedLong', value: '99999999999999999999' });
    expect(typedValue('TRUE', undefined, 'boolean')).toEqual({ type: 'boolean', value: true });
    expect(typedValue(5, undefined, undefined)).toEqual({ type: 'int', value: 5 });
  });

  it('adds and strips the trailing dot of object paths', () => {
    expect(objectPath('')).toBe('');
    expect(objectPath('Device.WiFi')).toBe('Device.WiFi.');
    expect(objectPath('Device.WiFi.')).toBe('Device.WiFi.');
    expect(withoutTrailingDot('Device.WiFi.')).toBe('Device.WiFi');
  });
});
