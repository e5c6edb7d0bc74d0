import Datastore from '@seald-io/nedb';

import { compileFilterToMongo, evaluateFilter, parseFilter } from '@acs/filter';

import { DEVICE_FILTER_SHAPE, toStoredDevice } from './storedDeviceShape';
import { SAMPLE_DEVICES } from './test-support/sample-devices';

// Every filter runs twice, in memory and as a query in the embedded store over the stored form of the same devices;
// both must select exactly the expected devices.
const MATRIX: Array<[string, string[]]> = [
  ['', ['d1', 'd2', 'd3', 'd4', 'd5']],
  ['oui = "00259E"', ['d1', 'd3', 'd5']],
  ['productClass != "HG8245"', ['d2', 'd4']],
  ['serialNumber = 12345', ['d2']],
  ['serialNumber = "12345"', ['d2']],
  ['serialNumber LIKE "abc*"', ['d5']],
  ['serialNumber LIKE "???123"', ['d1', 'd5']],
  ['serialNumber LIKE "XYZ\\\\*?"', ['d3']],
  ['serialNumber LIKE "XYZ\\\\*"', []],
  ['serialNumber NOT LIKE "abc*"', ['d1', 'd2', 'd3', 'd4']],
  ['serialNumber > "X"', ['d3', 'd4', 'd5']],
  ['softwareVersion IS NULL', ['d2', 'd4', 'd5']],
  ['softwareVersion IS NOT NULL', ['d1', 'd3']],
  ['softwareVersion != "V1.2"', ['d3']],
  ['NOT softwareVersion = "V1.2"', ['d2', 'd3', 'd4', 'd5']],
  ['Device.DeviceInfo.SoftwareVersion = "1.2"', ['d1']],
  ['Device.DeviceInfo.SoftwareVersion IS NULL', ['d2', 'd4', 'd5']],
  ['Device.DeviceInfo.SoftwareVersion > "1.10"', ['d1']],
  ['Device.DeviceInfo.SoftwareVersion NOT IN ("1.2")', ['d3']],
  ['Device.DeviceInfo.SoftwareVersion NOT LIKE "1.1*"', ['d1']],
  ['Device.DeviceInfo.UpTime > 1000', ['d1', 'd3']],
  ['Device.DeviceInfo.UpTime <= 12.5', ['d5']],
  ['Device.DeviceInfo.UpTime < "5"', []],
  ['Device.DeviceInfo.UpTime IN (3600, "12.5")', ['d1']],
  ['Device.DeviceInfo.UpTime IN (3600, 12.5)', ['d1', 'd5']],
  ['not (Device.DeviceInfo.UpTime > 1000)', ['d2', 'd4', 'd5']],
  ['InternetGatewayDevice.DeviceInfo.UpTime > 50', []],
  ['InternetGatewayDevice.DeviceInfo.UpTime = 100', ['d2']],
  [
    'Device.ManagementServer.PeriodicInformInterval = 300 OR InternetGatewayDevice.ManagementServer.PeriodicInformInterval = "300"',
    ['d1', 'd2'],
  ],
  ['Device.WiFi.SSID.1.Enable = true', ['d1']],
  ['Device.WiFi.SSID.1.Enable != TRUE', ['d3']],
  ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable = true', ['d2']],
  ['Device.WiFi.SSID.1.SSID = "guest \\"net\\""', ['d3']],
  ['Device.WiFi.SSID.1.SSID LIKE "*\\"*"', ['d3']],
  ['Device.WiFi.SSID.1.SSID LIKE "*"', ['d1', 'd3']],
  ['Device.WiFi.SSID.1 IS NULL', ['d1', 'd2', 'd3', 'd4', 'd5']],
  ['Device.X_ACME_Counter < 0', ['d3']],
  ['Device.X_ACME_Counter >= -5 AND Device.X_ACME_Counter <= -5', ['d3']],
  ['tag = "lab"', ['d1', 'd5']],
  ['tag != "lab"', ['d2', 'd3', 'd4']],
  ['tag IN ("wifi", "prod")', ['d1', 'd2', 'd3']],
  ['tag NOT IN ("lab", "prod")', ['d4']],
  ['tag LIKE "lab*"', ['d1', 'd3', 'd5']],
  ['tag NOT LIKE "lab*"', ['d2', 'd4']],
  ['tag IS NULL', ['d4']],
  ['tag IS NOT NULL', ['d1', 'd2', 'd3', 'd5']],
  ['NOT tag = "lab"', ['d2', 'd3', 'd4']],
  ['NOT (tag = "lab" OR tag = "prod")', ['d4']],
  ['NOT NOT tag = "lab"', ['d1', 'd5']],
  ['(((tag = "wifi")))', ['d1']],
  ['lastInform >= "2024-05-01T00:00:00Z"', ['d1', 'd2']],
  ['lastInform < "2024-05-01"', ['d3']],
  ['lastInform = "2024-05-02T00:00:00"', ['d2']],
  ['lastInform IS NULL', ['d4', 'd5']],
  ['lastInform > 0', ['d1', 'd2', 'd3']],
  ['lastBootstrap IS NOT NULL AND lastBoot IS NULL', ['d2']],
  ['registeredAt = 1714521600000', ['d1', 'd2', 'd3', 'd4', 'd5']],
  ['hardwareVersion IS NULL', ['d1', 'd2', 'd3', 'd4', 'd5']],
  ['oui = "00259E" AND tag = "lab" OR productClass = "Router-X"', ['d1', 'd2', 'd5']],
  ['oui = "00259E" AND (tag = "lab" OR productClass = "Router-X")', ['d1', 'd5']],
  ['id IN ("d1", "d4", "nope")', ['d1', 'd4']],
  ['id NOT IN ("d1", "d4")', ['d2', 'd3', 'd5']],
  ['manufacturer IN ("ACME", 5)', ['d2']],
  ['ip LIKE "10.*"', ['d2']],
  ['ip LIKE "1?.*"', ['d2']],
  ['rootObject = "InternetGatewayDevice"', ['d2']],
  ['productClass = "HG8245" AND NOT tag IN ("prod") AND Device.DeviceInfo.UpTime IS NOT NULL', ['d1', 'd5']],
  ['NOT (serialNumber LIKE "*1*" AND NOT tag = "prod")', ['d2', 'd3', 'd4']],
];

describe('filter: in-memory evaluation and the compiled store query agree', () => {
  const store = new Datastore({ inMemoryOnly: true });

  beforeAll(async () => {
    await store.insertAsync(SAMPLE_DEVICES.map(toStoredDevice));
  });

  it.each(MATRIX)('%s', async (text, expected) => {
    const expr = parseFilter(text, DEVICE_FILTER_SHAPE);
    const inMemory = SAMPLE_DEVICES.filter((d) => evaluateFilter(expr, d, DEVICE_FILTER_SHAPE)).map((d) => d.id);
    const stored = (await store.findAsync(compileFilterToMongo(expr, DEVICE_FILTER_SHAPE, { dialect: 'nedb' }))).map((d) => d._id as string).sort();
    expect(inMemory).toEqual(expected);
    expect(stored).toEqual(expected);
  });
});
