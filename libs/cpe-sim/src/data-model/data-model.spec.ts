import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataModel, DataModelError } from './data-model';
import { readCsvRecords } from './csv-reader';

const MODELS_DIR = join(__dirname, '../../../../../shared/vectors/device-models');
// Rows under the data model root in each file (the ACS's own DeviceID.* and Events.* rows are not device data).
const CSV_FILES: Array<[file: string, root: string, rows: number]> = [
  ['huawei-eg8145v5-tr098.csv', 'InternetGatewayDevice', 3790],
  ['nokia-g1425ga-tr098.csv', 'InternetGatewayDevice', 3751],
  ['tplink-ex220-tr181.csv', 'Device', 5229],
];

function faultOf(action: () => unknown): number | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DataModelError) return error.faultCode;
    throw error;
  }
  return undefined;
}

describe('readCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = readCsvRecords('a,b,c\r\n1,"x, ""y""\nz",\n"",2,3\n');
    expect(records).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"\nz', ''],
      ['', '2', '3'],
    ]);
  });
});

const sharedPresent = existsSync(MODELS_DIR);
if (!sharedPresent) console.warn(`skipping CSV device models: ${MODELS_DIR} is absent`);
(sharedPresent ? describe : describe.skip)('DataModel.fromCsv (shared device models)', () => {
  it.each(CSV_FILES)('loads %s', (file, root, count) => {
    const text = readFileSync(join(MODELS_DIR, file), 'utf8');
    const model = DataModel.fromCsv(text);
    expect(model.root).toBe(root);
    // Every row of the CSV under the root is a node of the model (a few ancestors may be added).
    const rows = readCsvRecords(text).filter((r) => r[0] === root || r[0]!.startsWith(`${root}.`));
    expect(rows).toHaveLength(count);
    expect(model.size).toBe(count);
    const leaves = rows.filter((r) => r[1] !== 'true').length;
    expect([...model.parameters()].filter((p) => !p.object)).toHaveLength(leaves);
    expect(model.get(`${root}.`)?.object).toBe(true);
    expect(model.value(`${root}.DeviceInfo.SerialNumber`)).toBeTruthy();
    expect(model.get(`${root}.ManagementServer.PeriodicInformInterval`)?.type).toBe('unsignedInt');
  });

  it('keeps multi-line quoted values and odd-cased types', () => {
    const model = DataModel.fromCsv(readFileSync(join(MODELS_DIR, 'huawei-eg8145v5-tr098.csv'), 'utf8'));
    const multiLine = [...model.parameters()].find((p) => p.value.includes('\n'));
    expect(multiLine).toBeDefined();
    expect(model.value('InternetGatewayDevice.DeviceInfo.Manufacturer')).toBe('Huawei Technologies Co., Ltd');
  });
});

describe('DataModel.builtin', () => {
  it.each([
    ['tr181', 'Device'],
    ['tr098', 'InternetGatewayDevice'],
  ] as const)('%s has the usual objects', (kind, root) => {
    const model = DataModel.builtin(kind);
    expect(model.root).toBe(root);
    const leaves = [...model.parameters()].filter((p) => !p.object);
    expect(leaves.length).toBeGreaterThanOrEqual(60);
    // The TR-143 diagnostics (and BulkData on TR-181) objects come whole from the spec: a few hundred more leaves.
    expect(leaves.length).toBeLessThanOrEqual(kind === 'tr181' ? 600 : 260);
    for (const name of [
      'DeviceInfo.SerialNumber',
      'DeviceInfo.SoftwareVersion',
      'ManagementServer.ConnectionRequestURL',
      'ManagementServer.ConnectionRequestUsername',
      'ManagementServer.ConnectionRequestPassword',
      'ManagementServer.PeriodicInformEnable',
      'ManagementServer.PeriodicInformInterval',
      'ManagementServer.ParameterKey',
      'Time.NTPServer1',
    ]) {
      expect(model.get(`${root}.${name}`)).toBeDefined();
    }
    const ssidTable = kind === 'tr181' ? 'Device.WiFi.SSID.' : 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.';
    expect(model.children(ssidTable).map((p) => p.name)).toEqual([`${ssidTable}1.`, `${ssidTable}2.`]);
  });
});

describe('DataModel', () => {
  it('selects subtrees, leaves and next-level children', () => {
    const model = DataModel.builtin('tr181');
    expect(model.select('Device.WiFi.SSID.1.').map((p) => p.name)).toContain('Device.WiFi.SSID.1.SSID');
    expect(model.select('Device.WiFi.SSID.1.')[0]!.name).toBe('Device.WiFi.SSID.1.');
    expect(model.select('Device.DeviceInfo.UpTime')).toHaveLength(1);
    expect(model.children('')).toHaveLength(1);
    expect(model.children('Device.WiFi.').map((p) => p.name)).toEqual([
      'Device.WiFi.SSIDNumberOfEntries',
      'Device.WiFi.SSID.',
      'Device.WiFi.AccessPoint.',
    ]);
    expect(faultOf(() => model.select('Device.Nope.'))).toBe(9005);
    expect(faultOf(() => model.select('Device.WiFi'))).toBe(9005);
  });

  it('checks types on set and keeps clones independent', () => {
    const model = DataModel.builtin('tr181');
    const clone = model.clone();
    clone.set('Device.ManagementServer.PeriodicInformInterval', '300');
    expect(clone.value('Device.ManagementServer.PeriodicInformInterval')).toBe('300');
    expect(model.value('Device.ManagementServer.PeriodicInformInterval')).toBe('3600');
    expect(faultOf(() => clone.set('Device.ManagementServer.PeriodicInformInterval', '-1'))).toBe(9007);
    expect(faultOf(() => clone.set('Device.ManagementServer.PeriodicInformEnable', 'yes'))).toBe(9007);
    clone.set('Device.ManagementServer.PeriodicInformEnable', '0');
    expect(clone.value('Device.ManagementServer.PeriodicInformEnable')).toBe('false');
    expect(faultOf(() => clone.set('Device.DHCPv4.Server.Pool.1.LeaseTime', '1.5'))).toBe(9007);
    expect(faultOf(() => clone.set('Device.Time.CurrentLocalTime', 'yesterday'))).toBe(9007);
    expect(faultOf(() => clone.set('Device.Nope', 'x'))).toBe(9005);
  });

  it('adds instances shaped like a sibling and deletes them, never reusing numbers', () => {
    const model = DataModel.builtin('tr181').clone();
    expect(model.addObject('Device.WiFi.SSID.')).toBe(3);
    expect(model.value('Device.WiFi.SSID.3.SSID')).toBe('');
    expect(model.get('Device.WiFi.SSID.3.Enable')).toMatchObject({ type: 'boolean', value: 'false', writable: true });
    // The new instance sits with its siblings, before the next table.
    const names = [...model.parameters()].map((p) => p.name);
    expect(names.indexOf('Device.WiFi.SSID.3.')).toBeLessThan(names.indexOf('Device.WiFi.AccessPoint.'));
    model.deleteObject('Device.WiFi.SSID.3.');
    expect(model.has('Device.WiFi.SSID.3.SSID')).toBe(false);
    expect(model.addObject('Device.WiFi.SSID.')).toBe(4);
    expect(faultOf(() => model.deleteObject('Device.WiFi.SSID.9.'))).toBe(9005);
    expect(faultOf(() => model.addObject('Device.DeviceInfo.'))).toBe(9005);
    expect(faultOf(() => model.addObject('Device.Hosts.Host.'))).toBe(9008);
  });

  it('adds instances from the factory shape once every instance is gone, without nested instances', () => {
    const model = DataModel.builtin('tr181').clone();
    model.deleteObject('Device.IP.Interface.1.');
    model.deleteObject('Device.IP.Interface.2.');
    expect(model.addObject('Device.IP.Interface.')).toBe(3);
    expect(model.has('Device.IP.Interface.3.IPv4Address.')).toBe(true);
    expect(model.has('Device.IP.Interface.3.IPv4Address.1.')).toBe(false);
  });

  it('reports changes to listeners and returns to the factory state on reset', () => {
    const model = DataModel.builtin('tr098').clone();
    const seen: string[] = [];
    model.onChange((p, source) => seen.push(`${p.name}=${p.value}/${source}`));
    model.set('InternetGatewayDevice.Time.NTPServer2', 'ntp.example.net', 'acs');
    model.set('InternetGatewayDevice.Time.NTPServer2', 'ntp.example.net', 'acs');
    model.setAttributes('InternetGatewayDevice.Time.NTPServer2', { notification: 2 });
    model.addObject('InternetGatewayDevice.LANDevice.1.WLANConfiguration.');
    expect(seen).toEqual(['InternetGatewayDevice.Time.NTPServer2=ntp.example.net/acs']);
    expect(model.get('InternetGatewayDevice.Time.NTPServer2')?.notification).toBe(2);
    model.reset();
    expect(model.value('InternetGatewayDevice.Time.NTPServer2')).toBe('');
    expect(model.get('InternetGatewayDevice.Time.NTPServer2')?.notification).toBe(0);
    expect(model.has('InternetGatewayDevice.LANDevice.1.WLANConfiguration.3.')).toBe(false);
  });

  it('computes dynamic values on read', () => {
    const model = DataModel.builtin('tr181').clone();
    let uptime = 5;
    model.defineDynamicValue('Device.DeviceInfo.UpTime', () => String(uptime));
    expect(model.value('Device.DeviceInfo.UpTime')).toBe('5');
    uptime = 6;
    expect(model.select('Device.DeviceInfo.UpTime')[0]!.value).toBe('6');
  });
});
