import { ValidationError } from '@acs/platform';

import { parseUdpEchoResponder, udpEchoResponderChanges, udpEchoResponderPath, udpEchoResponderValues } from './udp-echo-responder';

const fields = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldViolations.map((v) => v.field);
    throw error;
  }
  return [];
};

describe('UDP echo responder (UDPEchoConfig)', () => {
  it('lives where each data model puts it', () => {
    expect(udpEchoResponderPath('Device')).toBe('Device.IP.Diagnostics.UDPEchoConfig.');
    expect(udpEchoResponderPath('InternetGatewayDevice')).toBe('InternetGatewayDevice.UDPEchoConfig.');
  });

  it('sets only what changes, typed, enabling last', () => {
    expect(udpEchoResponderValues('InternetGatewayDevice', udpEchoResponderChanges({ enabled: true, udpPort: 8007, sourceIpAddress: ' 198.51.100.10 ', echoPlusEnabled: true }))).toEqual([
      { path: 'InternetGatewayDevice.UDPEchoConfig.SourceIPAddress', value: '198.51.100.10', type: 'string' },
      { path: 'InternetGatewayDevice.UDPEchoConfig.UDPPort', value: 8007, type: 'unsignedInt' },
      { path: 'InternetGatewayDevice.UDPEchoConfig.EchoPlusEnabled', value: true, type: 'boolean' },
      { path: 'InternetGatewayDevice.UDPEchoConfig.Enable', value: true, type: 'boolean' },
    ]);
    expect(udpEchoResponderValues('Device', udpEchoResponderChanges({ sourceIpAddress: '2001:db8::1' }))).toEqual([{ path: 'Device.IP.Diagnostics.UDPEchoConfig.SourceIPAddress', value: '2001:db8::1', type: 'string' }]);
  });

  it('refuses every bad setting at once, and nothing to change', () => {
    expect(fields(() => udpEchoResponderChanges({ udpPort: 0, sourceIpAddress: 'test-server' }))).toEqual(['responder.source_ip_address', 'responder.udp_port']);
    expect(fields(() => udpEchoResponderChanges({}))).toEqual(['responder']);
  });

  it('reads settings and counters, leaving out what the device reported unusably', () => {
    const path = 'Device.IP.Diagnostics.UDPEchoConfig.';
    expect(
      parseUdpEchoResponder('Device', {
        [`${path}Enable`]: { type: 'boolean', value: '1' },
        [`${path}UDPPort`]: '7',
        [`${path}SourceIPAddress`]: '',
        [`${path}PacketsReceived`]: '120',
        [`${path}PacketsResponded`]: '118',
        [`${path}BytesReceived`]: 'n/a',
        [`${path}TimeFirstPacketReceived`]: '0001-01-01T00:00:00Z',
        [`${path}TimeLastPacketReceived`]: '2026-12-08T01:02:03.123456Z',
      } as never),
    ).toEqual({ enabled: true, udpPort: 7, sourceIpAddress: '', packetsReceived: 120, packetsResponded: 118, timeLastPacketReceived: '2026-12-08T01:02:03.123456Z' });
  });
});
