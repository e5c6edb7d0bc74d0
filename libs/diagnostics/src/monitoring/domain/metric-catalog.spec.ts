import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ValidationError } from '@acs/platform';

import { BUILTIN_METRICS, checkCustomMetrics, counterBitsOn, customMetricDefinition, MetricCatalog, resolvePath } from './metric-catalog';

// The Broadband Forum models beside the repository (`../shared/spec`, as issue 15 names them).
const SPEC_DIR = join(__dirname, '../../../../../../shared/spec');

describe('the built-in metrics', () => {
  // Each cited line names the parameter the path ends with, inside the object the path names (placeholders as {i}).
  it.each(BUILTIN_METRICS.flatMap((metric) => Object.values(metric.paths).map((path) => [metric.name, path!.path, path!.source!] as const)))(
    '%s: %s is at %s',
    (_name, path, source) => {
      const [file, line] = source.split(':');
      const lines = readFileSync(`${SPEC_DIR}/${file}`, 'utf8').split('\n');
      const parameter = path.slice(path.lastIndexOf('.') + 1);
      expect(lines[Number(line) - 1]).toContain(`<parameter name="${parameter}"`);
      const object = path.slice(0, path.lastIndexOf('.') + 1).replace(/\{[a-zA-Z]+\}/g, '{i}');
      const objectName = lines.slice(0, Number(line)).reverse().find((text) => /name="(Device|InternetGatewayDevice)\.[^"]*\."/.test(text));
      expect(objectName).toContain(`name="${object}"`);
    },
  );

  it('gives TR-098 counters 32 bits and TR-181 bytes 64, errors 32', () => {
    const catalog = new MetricCatalog();
    expect(counterBitsOn(catalog.get('wan.bytesReceived')!, 'InternetGatewayDevice')).toBe(32);
    expect(counterBitsOn(catalog.get('wan.bytesReceived')!, 'Device')).toBe(64);
    expect(counterBitsOn(catalog.get('wan.errorsReceived')!, 'Device')).toBe(32);
  });
});

describe('MetricCatalog', () => {
  it("maps a device's paths to metrics through its instance bindings, instance 1 where it has none", () => {
    const catalog = new MetricCatalog();
    expect(catalog.metricOfPath('Device.IP.Interface.1.Stats.BytesReceived', {})?.name).toBe('wan.bytesReceived');
    expect(catalog.metricOfPath('Device.IP.Interface.2.Stats.BytesReceived', {})).toBeUndefined();
    expect(catalog.metricOfPath('Device.IP.Interface.2.Stats.BytesReceived', { wan: '2' })?.name).toBe('wan.bytesReceived');
    expect(catalog.metricOfPath('InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.3.Stats.EthernetErrorsSent', { wanConnection: '3' })?.name).toBe(
      'wan.errorsSent',
    );
    expect(catalog.metricOfPath('Device.Optical.Interface.1.OpticalSignalLevel', {})).toMatchObject({ name: 'optical.rxPower', unit: 'dBm', scale: 0.001 });
    expect(catalog.metricOfPath('Other.Root.X', {})).toBeUndefined();
  });

  it('adds custom metrics without shadowing built-in ones', () => {
    const catalog = new MetricCatalog([
      customMetricDefinition({ name: 'custom.ponTemperature', kind: 'gauge', unit: 'Cel', paths: { Device: 'Device.X_VENDOR_PON.{pon}.Temperature' } }),
      { ...customMetricDefinition({ name: 'wan.bytesReceived', kind: 'gauge', paths: { Device: 'Device.X.Y' } }) },
    ]);
    expect(catalog.metricOfPath('Device.X_VENDOR_PON.1.Temperature', {})).toMatchObject({ name: 'custom.ponTemperature', custom: true });
    expect(catalog.get('wan.bytesReceived')?.kind).toBe('counter');
  });

  it('resolves placeholders', () => {
    expect(resolvePath('InternetGatewayDevice.LANDevice.{lanDevice}.WLANConfiguration.{wlan}.TotalAssociations', { wlan: '5' })).toBe(
      'InternetGatewayDevice.LANDevice.1.WLANConfiguration.5.TotalAssociations',
    );
  });
});

describe('custom metric definitions', () => {
  it('reports every bad field at once', () => {
    let error: unknown;
    try {
      checkCustomMetrics([
        { name: 'Bad Name', kind: 'counter', paths: {} } as never,
        { name: 'system.uptime', kind: 'gauge', bits: 32, paths: { Device: 'InternetGatewayDevice.X' } } as never,
        { name: 'custom.a', kind: 'meter', paths: { Other: 'X.Y' } } as never,
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual([
      'customMetrics[0].name:BAD_FORMAT',
      'customMetrics[0].bits:BAD_FORMAT',
      'customMetrics[0].paths:REQUIRED',
      'customMetrics[1].name:ALREADY_EXISTS',
      'customMetrics[1].bits:BAD_FORMAT',
      'customMetrics[1].paths.Device:BAD_FORMAT',
      'customMetrics[2].kind:BAD_FORMAT',
      'customMetrics[2].paths.Other:BAD_FORMAT',
    ]);
  });
});
