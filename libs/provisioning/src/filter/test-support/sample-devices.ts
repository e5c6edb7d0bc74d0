import type { DeviceRecord, ParameterNode } from '../../domain/device';

// Devices chosen to exercise the corners of the filter language: numbers stored as strings and as numbers, unknown
// values, object nodes, empty tag lists, glob and SQL wildcard characters inside values, both data models.

const at = Date.UTC(2024, 4, 1);

function param(value: ParameterNode['value'], type?: ParameterNode['type']): ParameterNode {
  const node: ParameterNode = { learnedAt: at, writable: true };
  if (value !== undefined) node.value = value;
  if (type !== undefined) node.type = type;
  return node;
}

function object(): ParameterNode {
  return { learnedAt: at, object: true, writable: false };
}

export function sampleDevice(overrides: Partial<DeviceRecord> & Pick<DeviceRecord, 'id'>): DeviceRecord {
  return {
    oui: '000000',
    productClass: 'Generic',
    serialNumber: overrides.id,
    manufacturer: 'Generic',
    rootObject: 'Device',
    registeredAt: at,
    recentEvents: [],
    tags: [],
    parameters: {},
    ...overrides,
  };
}

export const SAMPLE_DEVICES: DeviceRecord[] = [
  sampleDevice({
    id: 'd1',
    oui: '00259E',
    productClass: 'HG8245',
    serialNumber: 'ABC123',
    manufacturer: 'Huawei',
    softwareVersion: 'V1.2',
    ip: '192.0.2.10',
    lastInform: Date.parse('2024-05-01T10:00:00Z'),
    lastBoot: Date.parse('2024-04-30T08:00:00Z'),
    periodicInformInterval: 300,
    tags: ['lab', 'wifi'],
    parameters: {
      'Device.DeviceInfo.SoftwareVersion': param('1.2', 'string'),
      'Device.DeviceInfo.UpTime': param(3600, 'unsignedInt'),
      'Device.ManagementServer.PeriodicInformInterval': param('300', 'string'),
      'Device.WiFi.SSID': object(),
      'Device.WiFi.SSID.1': object(),
      'Device.WiFi.SSID.1.SSID': param('home', 'string'),
      'Device.WiFi.SSID.1.Enable': param(true, 'boolean'),
    },
  }),
  sampleDevice({
    id: 'd2',
    oui: '001122',
    productClass: 'Router-X',
    serialNumber: '12345',
    manufacturer: 'ACME',
    rootObject: 'InternetGatewayDevice',
    ip: '10.0.0.2',
    lastInform: Date.parse('2024-05-02T00:00:00Z'),
    lastBootstrap: Date.parse('2024-01-01T00:00:00Z'),
    periodicInformInterval: 86400,
    tags: ['prod'],
    parameters: {
      'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username': param('pppoe-12345', 'string'),
      'InternetGatewayDevice.DeviceInfo.SoftwareVersion': param('2.0.1', 'string'),
      'InternetGatewayDevice.DeviceInfo.UpTime': param('100', 'string'),
      'InternetGatewayDevice.ManagementServer.PeriodicInformInterval': param(300, 'unsignedInt'),
      'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable': param('true', 'string'),
    },
  }),
  sampleDevice({
    id: 'd3',
    oui: '00259E',
    productClass: 'HG8245',
    serialNumber: 'XYZ*9',
    manufacturer: 'Huawei',
    softwareVersion: 'V1.10',
    lastInform: Date.parse('2024-04-01T00:00:00Z'),
    tags: ['prod', 'lab-2'],
    parameters: {
      'Device.DeviceInfo.SoftwareVersion': param('1.10', 'string'),
      'Device.DeviceInfo.UpTime': param(99999, 'unsignedInt'),
      'Device.WiFi.SSID.1.SSID': param('guest "net"', 'string'),
      'Device.WiFi.SSID.1.Enable': param(false, 'boolean'),
      'Device.X_ACME_Counter': param(-5, 'int'),
    },
  }),
  sampleDevice({
    id: 'd4',
    // SQL's wildcard characters inside a value, to match literally.
    parameters: { 'Device.DeviceInfo.Description': param('load_50%', 'string') },
  }),
  sampleDevice({
    id: 'd5',
    oui: '00259E',
    productClass: 'HG8245',
    serialNumber: 'abc123',
    manufacturer: 'Huawei',
    tags: ['lab'],
    parameters: {
      // Known to exist (GetParameterNames) but not read yet: the value is unknown.
      'Device.DeviceInfo.SoftwareVersion': { learnedAt: at, writable: false, type: 'string' },
      'Device.DeviceInfo.UpTime': param(12.5),
    },
  }),
];
