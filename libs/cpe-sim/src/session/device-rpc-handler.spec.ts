import type { CwmpFault, CpeResponse } from '@acs/cwmp';
import { DataModel } from '../data-model/data-model';
import { DeviceRpcHandler, SUPPORTED_METHODS } from './device-rpc-handler';

function setup(kind: 'tr181' | 'tr098' = 'tr181') {
  const model = DataModel.builtin(kind).clone();
  return { model, handler: new DeviceRpcHandler(model) };
}

function asFault(response: CpeResponse | CwmpFault): CwmpFault {
  expect(response.kind).toBe('Fault');
  return response as CwmpFault;
}

describe('DeviceRpcHandler', () => {
  it('lists its methods', () => {
    const { handler } = setup();
    expect(handler.handle({ kind: 'GetRPCMethods' }).response).toEqual({
      kind: 'GetRPCMethodsResponse',
      methodList: [...SUPPORTED_METHODS],
    });
  });

  it('answers GetParameterValues for full and partial paths, 9005 for unknown names', () => {
    const { handler } = setup();
    const { response } = handler.handle({
      kind: 'GetParameterValues',
      parameterNames: ['Device.DeviceInfo.SoftwareVersion', 'Device.WiFi.SSID.1.', 'Device.ManagementServer.PeriodicInformInterval'],
    });
    if (response.kind !== 'GetParameterValuesResponse') throw new Error(response.kind);
    const byName = new Map(response.parameterList.map((p) => [p.name, p.value]));
    expect(byName.get('Device.DeviceInfo.SoftwareVersion')).toEqual({ type: 'string', value: '1.0.0' });
    expect(byName.get('Device.WiFi.SSID.1.Enable')).toEqual({ type: 'boolean', value: true });
    expect(byName.get('Device.ManagementServer.PeriodicInformInterval')).toEqual({ type: 'unsignedInt', value: 3600 });
    expect(byName.has('Device.WiFi.SSID.1.')).toBe(false);
    expect(byName.has('Device.WiFi.SSID.2.SSID')).toBe(false);

    expect(asFault(handler.handle({ kind: 'GetParameterValues', parameterNames: ['Device.Nope'] }).response).faultCode).toBe(9005);
  });

  it('answers GetParameterNames with NextLevel true and false', () => {
    const { handler } = setup('tr098');
    const names = (parameterPath: string, nextLevel: boolean) => {
      const { response } = handler.handle({ kind: 'GetParameterNames', parameterPath, nextLevel });
      if (response.kind !== 'GetParameterNamesResponse') return response;
      return response.parameterList.map((p) => `${p.name}${p.writable ? ' w' : ''}`);
    };
    expect(names('', true)).toEqual(['InternetGatewayDevice.']);
    expect(names('InternetGatewayDevice.LANDevice.1.WLANConfiguration.', true)).toEqual([
      'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1. w',
      'InternetGatewayDevice.LANDevice.1.WLANConfiguration.2. w',
    ]);
    const subtree = names('InternetGatewayDevice.Time.', false) as string[];
    expect(subtree[0]).toBe('InternetGatewayDevice.Time.');
    expect(subtree).toContain('InternetGatewayDevice.Time.NTPServer1 w');
    expect(names('InternetGatewayDevice.Time.Status', false)).toEqual(['InternetGatewayDevice.Time.Status']);
    expect((names('', false) as string[]).length).toBeGreaterThan(100);
    expect(asFault(names('InternetGatewayDevice.Nope.', true) as CwmpFault).faultCode).toBe(9005);
    expect(asFault(names('InternetGatewayDevice.Time.Status', true) as CwmpFault).faultCode).toBe(9003);
  });

  it('applies SetParameterValues atomically and sets the ParameterKey', () => {
    const { model, handler } = setup();
    const { response } = handler.handle({
      kind: 'SetParameterValues',
      parameterKey: 'key-1',
      parameterList: [
        { name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'Home' } },
        { name: 'Device.ManagementServer.PeriodicInformInterval', value: { type: 'string', value: '600' } },
        { name: 'Device.WiFi.SSID.1.Enable', value: { type: 'boolean', value: false } },
      ],
    });
    expect(response).toEqual({ kind: 'SetParameterValuesResponse', status: 0 });
    expect(model.value('Device.WiFi.SSID.1.SSID')).toBe('Home');
    expect(model.value('Device.ManagementServer.PeriodicInformInterval')).toBe('600');
    expect(model.value('Device.WiFi.SSID.1.Enable')).toBe('false');
    expect(model.value('Device.ManagementServer.ParameterKey')).toBe('key-1');
  });

  it('answers per-parameter faults 9005/9007/9008 under 9003 and applies nothing', () => {
    const { model, handler } = setup();
    const fault = asFault(
      handler.handle({
        kind: 'SetParameterValues',
        parameterKey: 'key-2',
        parameterList: [
          { name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'Applied?' } },
          { name: 'Device.WiFi.SSID.1.Nope', value: { type: 'string', value: 'x' } },
          { name: 'Device.ManagementServer.PeriodicInformInterval', value: { type: 'string', value: 'often' } },
          { name: 'Device.DeviceInfo.SerialNumber', value: { type: 'string', value: 'X' } },
          { name: 'Device.WiFi.SSID.1.Enable', value: { type: 'string', value: 'maybe' } },
          { name: 'Device.Time.CurrentLocalTime', value: { type: 'dateTime', value: '2024-01-01T00:00:00Z' } },
        ],
      }).response,
    );
    expect(fault.faultCode).toBe(9003);
    expect(fault.setParameterValuesFault.map((f) => [f.parameterName, f.faultCode])).toEqual([
      ['Device.WiFi.SSID.1.Nope', 9005],
      ['Device.ManagementServer.PeriodicInformInterval', 9007],
      ['Device.DeviceInfo.SerialNumber', 9008],
      ['Device.WiFi.SSID.1.Enable', 9007],
      ['Device.Time.CurrentLocalTime', 9008],
    ]);
    expect(model.value('Device.WiFi.SSID.1.SSID')).toBe('Sim-2G');
    expect(model.value('Device.ManagementServer.ParameterKey')).toBe('');
  });

  it('adds and deletes objects', () => {
    const { model, handler } = setup();
    expect(handler.handle({ kind: 'AddObject', objectName: 'Device.WiFi.SSID.', parameterKey: 'a' }).response).toEqual({
      kind: 'AddObjectResponse',
      instanceNumber: 3,
      status: 0,
    });
    expect(model.has('Device.WiFi.SSID.3.SSID')).toBe(true);
    expect(handler.handle({ kind: 'DeleteObject', objectName: 'Device.WiFi.SSID.3.', parameterKey: 'd' }).response).toEqual({
      kind: 'DeleteObjectResponse',
      status: 0,
    });
    expect(model.value('Device.ManagementServer.ParameterKey')).toBe('d');
    expect(asFault(handler.handle({ kind: 'DeleteObject', objectName: 'Device.WiFi.SSID.3.', parameterKey: 'x' }).response).faultCode).toBe(9005);
    expect(asFault(handler.handle({ kind: 'AddObject', objectName: 'Device.Nope.', parameterKey: 'x' }).response).faultCode).toBe(9005);
    expect(model.value('Device.ManagementServer.ParameterKey')).toBe('d');
  });

  it('sets and gets attributes; a later change by the device is reported with its source', () => {
    const { model, handler } = setup();
    const changes: string[] = [];
    model.onChange((p, source) => {
      if (p.notification > 0) changes.push(`${p.name}:${source}`);
    });
    expect(
      handler.handle({
        kind: 'SetParameterAttributes',
        parameterList: [
          { name: 'Device.WiFi.SSID.1.', notificationChange: true, notification: 2, accessListChange: false, accessList: [] },
          { name: 'Device.Time.NTPServer1', notificationChange: true, notification: 1, accessListChange: true, accessList: ['Subscriber'] },
        ],
      }).response,
    ).toEqual({ kind: 'SetParameterAttributesResponse' });
    const { response } = handler.handle({ kind: 'GetParameterAttributes', parameterNames: ['Device.WiFi.SSID.1.SSID', 'Device.Time.NTPServer1'] });
    expect(response).toEqual({
      kind: 'GetParameterAttributesResponse',
      parameterList: [
        { name: 'Device.WiFi.SSID.1.SSID', notification: 2, accessList: [] },
        { name: 'Device.Time.NTPServer1', notification: 1, accessList: ['Subscriber'] },
      ],
    });
    model.set('Device.WiFi.SSID.1.SSID', 'Changed locally');
    handler.handle({
      kind: 'SetParameterValues',
      parameterKey: '',
      parameterList: [{ name: 'Device.Time.NTPServer1', value: { type: 'string', value: 'ntp.acs' } }],
    });
    expect(changes).toEqual(['Device.WiFi.SSID.1.SSID:device', 'Device.Time.NTPServer1:acs']);
    expect(
      asFault(
        handler.handle({
          kind: 'SetParameterAttributes',
          parameterList: [{ name: 'Device.Nope', notificationChange: true, notification: 1, accessListChange: false, accessList: [] }],
        }).response,
      ).faultCode,
    ).toBe(9005);
  });

  it('turns Reboot, FactoryReset, Download, Upload and ScheduleInform into actions', () => {
    const { handler } = setup();
    expect(handler.handle({ kind: 'Reboot', commandKey: 'r1' })).toEqual({
      response: { kind: 'RebootResponse' },
      action: { kind: 'reboot', commandKey: 'r1' },
    });
    expect(handler.handle({ kind: 'FactoryReset' }).action).toEqual({ kind: 'factoryReset' });
    const download = handler.handle({
      kind: 'Download',
      commandKey: 'fw',
      fileType: '1 Firmware Upgrade Image',
      url: 'http://files/fw.bin',
      username: 'dl',
      password: 'pw',
      fileSize: 10,
      targetFileName: '',
      delaySeconds: 0,
      successURL: '',
      failureURL: '',
    });
    expect(download.response).toMatchObject({ kind: 'DownloadResponse', status: 1 });
    expect(download.action).toMatchObject({ kind: 'transfer', direction: 'download', commandKey: 'fw', username: 'dl', password: 'pw', fileSize: 10 });
    const upload = handler.handle({
      kind: 'Upload',
      commandKey: 'cfg',
      fileType: '1 Vendor Configuration File',
      url: 'http://files/up',
      username: '',
      password: '',
      delaySeconds: 0,
    });
    expect(upload.response).toMatchObject({ kind: 'UploadResponse', status: 1 });
    expect(upload.action).toMatchObject({ direction: 'upload' });
    expect(handler.handle({ kind: 'ScheduleInform', commandKey: 's', delaySeconds: 5 }).action).toEqual({
      kind: 'scheduleInform',
      commandKey: 's',
      delaySeconds: 5,
    });
  });

  it('answers 9000 to methods it does not implement', () => {
    const { handler } = setup();
    expect(asFault(handler.handle({ kind: 'GetQueuedTransfers' }).response)).toMatchObject({
      faultCode: 9000,
      faultString: 'Method not supported',
    });
  });
});
