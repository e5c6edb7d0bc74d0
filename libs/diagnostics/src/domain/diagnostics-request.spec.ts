import { ValidationError } from '@acs/platform';
import { DATA_MODEL_ROOTS, DIAGNOSTICS_KINDS, dataModelRootOf, diagnosticsCatalog, diagnosticsOf } from './diagnostics-catalog';
import { requestValues } from './diagnostics-request';

function violationsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldViolations.map((v) => [v.field, v.reason]);
  }
  throw new Error('expected a ValidationError');
}

describe('diagnostics catalog', () => {
  it('picks the object by the device root', () => {
    expect(diagnosticsOf('ipPing', 'Device')?.path).toBe('Device.IP.Diagnostics.IPPing.');
    expect(diagnosticsOf('ipPing', 'InternetGatewayDevice')?.path).toBe('InternetGatewayDevice.IPPingDiagnostics.');
    expect(diagnosticsOf('nsLookup', 'Device')?.path).toBe('Device.DNS.Diagnostics.NSLookupDiagnostics.');
    expect(diagnosticsOf('traceRoute', 'InternetGatewayDevice')?.tables[0].parameters.map((p) => p.name)).toEqual(['HopHost', 'HopHostAddress', 'HopErrorCode', 'HopRTTimes']);
    expect(dataModelRootOf('InternetGatewayDevice.DeviceInfo.SerialNumber')).toBe('InternetGatewayDevice');
    expect(dataModelRootOf('Device.')).toBe('Device');
    expect(dataModelRootOf('Devices.X')).toBeUndefined();
  });

  it('has every kind on TR-181 and only those TR-098 defines', () => {
    expect(diagnosticsCatalog('Device').map((d) => d.kind)).toEqual(DIAGNOSTICS_KINDS);
    expect(diagnosticsCatalog('InternetGatewayDevice').map((d) => d.kind)).toEqual(['ipPing', 'traceRoute', 'download', 'upload', 'nsLookup']);
    expect(diagnosticsOf('ipLayerCapacity', 'InternetGatewayDevice')).toBeUndefined();
  });

  it('keeps every object well formed: paths end in a dot, names unique, result keys unique', () => {
    for (const root of DATA_MODEL_ROOTS) {
      for (const d of diagnosticsCatalog(root)) {
        expect(d.path.startsWith(`${root}.`) && d.path.endsWith('.')).toBe(true);
        expect(new Set(d.inputs.map((i) => i.name)).size).toBe(d.inputs.length);
        expect(new Set(d.results.map((p) => p.key)).size).toBe(d.results.length);
        expect(d.errorStates.every((s) => s.startsWith('Error'))).toBe(true);
        for (const input of d.inputs) if (input.default !== undefined) expect(() => requestValues(d.kind, root, { ...required(d.kind), [input.name]: input.default })).not.toThrow();
      }
    }
  });
});

function required(kind: string): Record<string, unknown> {
  switch (kind) {
    case 'download':
      return { DownloadURL: 'http://acs.example/diag/1MB' };
    case 'upload':
      return { UploadURL: 'http://acs.example/diag/upload', TestFileLength: 1000000 };
    case 'nsLookup':
      return { HostName: 'example.com' };
    case 'serverSelection':
      return { HostList: ['a.example', 'b.example'] };
    case 'ipLayerCapacity':
      return { ServerList: 'udpst.example' };
    default:
      return { Host: '192.0.2.1' };
  }
}

describe('requestValues', () => {
  it('types the inputs, fills ACS defaults and sets DiagnosticsState=Requested last (TR-181 ping)', () => {
    expect(requestValues('ipPing', 'Device', { Host: ' 192.0.2.1 ', DataBlockSize: '1400', ProtocolVersion: 'IPv4' })).toEqual([
      { path: 'Device.IP.Diagnostics.IPPing.ProtocolVersion', value: 'IPv4', type: 'string' },
      { path: 'Device.IP.Diagnostics.IPPing.Host', value: '192.0.2.1', type: 'string' },
      { path: 'Device.IP.Diagnostics.IPPing.NumberOfRepetitions', value: 4, type: 'unsignedInt' },
      { path: 'Device.IP.Diagnostics.IPPing.Timeout', value: 1000, type: 'unsignedInt' },
      { path: 'Device.IP.Diagnostics.IPPing.DataBlockSize', value: 1400, type: 'unsignedInt' },
      { path: 'Device.IP.Diagnostics.IPPing.DiagnosticsState', value: 'Requested', type: 'string' },
    ]);
  });

  it('builds every kind on both models with DiagnosticsState last', () => {
    for (const root of DATA_MODEL_ROOTS) {
      for (const d of diagnosticsCatalog(root)) {
        const values = requestValues(d.kind, root, required(d.kind));
        expect(values.at(-1)).toEqual({ path: `${d.path}DiagnosticsState`, value: 'Requested', type: 'string' });
        expect(values.every((v) => v.path.startsWith(d.path))).toBe(true);
      }
    }
  });

  it('sends lists joined, unsignedLong file lengths and booleans typed', () => {
    const ss = requestValues('serverSelection', 'Device', { HostList: ['a.example', 'b.example'], Protocol: 'UDP Echo' });
    expect(ss.find((v) => v.path.endsWith('.HostList'))?.value).toBe('a.example,b.example');
    expect(ss.find((v) => v.path.endsWith('.ProtocolVersion'))?.value).toBe('Any');
    const up = requestValues('upload', 'Device', { UploadURL: 'http://x/u', TestFileLength: 5_000_000_000, EnablePerConnectionResults: 'true' });
    expect(up.find((v) => v.path.endsWith('.TestFileLength'))).toEqual({ path: 'Device.IP.Diagnostics.UploadDiagnostics.TestFileLength', value: 5_000_000_000, type: 'unsignedLong' });
    expect(up.find((v) => v.path.endsWith('.EnablePerConnectionResults'))?.value).toBe(true);
    const up098 = requestValues('upload', 'InternetGatewayDevice', { UploadURL: 'http://x/u', TestFileLength: 1000 });
    expect(up098.map((v) => v.path)).toEqual(['InternetGatewayDevice.UploadDiagnostics.UploadURL', 'InternetGatewayDevice.UploadDiagnostics.TestFileLength', 'InternetGatewayDevice.UploadDiagnostics.DiagnosticsState']);
  });

  it('reports every bad input at once as field violations', () => {
    expect(
      violationsOf(() => requestValues('traceRoute', 'Device', { NumberOfTries: 4, MaxHopCount: 'ten', ProtocolVersion: 'IPv5', Colour: 'red', DiagnosticsState: 'Requested' })),
    ).toEqual([
      ['inputs.Colour', 'UNKNOWN_PARAMETER'],
      ['inputs.DiagnosticsState', 'NOT_SETTABLE'],
      ['inputs.ProtocolVersion', 'NOT_ALLOWED'],
      ['inputs.Host', 'REQUIRED'],
      ['inputs.NumberOfTries', 'OUT_OF_RANGE'],
      ['inputs.MaxHopCount', 'BAD_FORMAT'],
    ]);
    expect(violationsOf(() => requestValues('ipPing', 'InternetGatewayDevice', { Host: 'x'.repeat(257), Timeout: 0, DSCP: -1 }))).toEqual([
      ['inputs.Host', 'OUT_OF_RANGE'],
      ['inputs.Timeout', 'OUT_OF_RANGE'],
      ['inputs.DSCP', 'BAD_FORMAT'],
    ]);
    expect(violationsOf(() => requestValues('download', 'Device', { DownloadURL: '  ' }))).toEqual([['inputs.DownloadURL', 'REQUIRED']]);
    expect(violationsOf(() => requestValues('serverSelection', 'Device', { HostList: ['a', 'b,c'] }))).toEqual([['inputs.HostList', 'BAD_FORMAT']]);
    expect(violationsOf(() => requestValues('ipLayerCapacity', 'Device', { Role: 'Sender' }))).toEqual([['inputs.ServerList', 'REQUIRED']]);
    expect(violationsOf(() => requestValues('nsLookup', 'InternetGatewayDevice', { HostName: 'example.com', ProtocolVersion: 'IPv4' }))).toEqual([['inputs.ProtocolVersion', 'UNKNOWN_PARAMETER']]);
  });

  it('refuses a kind the device model lacks', () => {
    expect(violationsOf(() => requestValues('udpEcho', 'InternetGatewayDevice', { Host: 'x' }))).toEqual([['kind', 'NOT_IN_DATA_MODEL']]);
  });

  it('accepts the deprecated Host for IP capacity on older devices', () => {
    expect(requestValues('ipLayerCapacity', 'Device', { Host: 'udpst.example', Port: 25000, Role: 'Receiver' }).map((v) => v.value)).toEqual(['Receiver', 'udpst.example', 25000, 'Requested']);
  });
});
