import { ValidationError } from '@acs/platform';

import { checkProfileDefinition, profileViolations, type MonitoringProfileDefinition } from './monitoring-profile';

const GOOD: MonitoringProfileDefinition = { name: 'WAN', metrics: ['wan.bytesReceived', 'system.uptime'], target: { filter: 'productClass = "HG8245"' } };

describe('monitoring profile definitions', () => {
  it('accepts a filter target and a group target', () => {
    expect(profileViolations(GOOD)).toEqual([]);
    expect(profileViolations({ ...GOOD, target: { groupId: 'g-1' }, intervalSeconds: 60, enabled: false })).toEqual([]);
    expect(profileViolations({ ...GOOD, source: 'bulkdata' })).toEqual([]);
    expect(profileViolations({ ...GOOD, source: 'reads' })).toEqual([]);
    expect(profileViolations({ ...GOOD, source: 'polls' as never }).map((v) => `${v.field}:${v.reason}`)).toEqual(['source:BAD_FORMAT']);
  });

  it('accepts metrics the profile defines itself', () => {
    expect(
      profileViolations({ ...GOOD, metrics: ['custom.ponTemperature'], customMetrics: [{ name: 'custom.ponTemperature', kind: 'gauge', paths: { Device: 'Device.X_V.Temp' } }] }),
    ).toEqual([]);
  });

  it('reports every bad field in one ValidationError', () => {
    const bad = { name: ' x', metrics: ['wan.nope', 'wan.bytesSent', 'wan.bytesSent'], target: { filter: 'productClass = ' }, intervalSeconds: 59 } as MonitoringProfileDefinition;
    expect(() => checkProfileDefinition(bad)).toThrow(ValidationError);
    expect(profileViolations(bad).map((v) => `${v.field}:${v.reason}`)).toEqual([
      'name:BAD_FORMAT',
      'metrics[0]:UNKNOWN_METRIC',
      'metrics[2]:BAD_FORMAT',
      'target.filter:BAD_FORMAT',
      'intervalSeconds:OUT_OF_RANGE',
    ]);
  });

  it('wants exactly one of a filter and a group', () => {
    expect(profileViolations({ ...GOOD, target: { filter: 'true', groupId: 'g' } as never }).map((v) => v.field)).toEqual(['target']);
    expect(profileViolations({ ...GOOD, target: {} as never }).map((v) => v.field)).toEqual(['target']);
    expect(profileViolations({ ...GOOD, target: { groupId: ' ' } }).map((v) => v.field)).toEqual(['target.groupId']);
    expect(profileViolations({ ...GOOD, metrics: [] }).map((v) => `${v.field}:${v.reason}`)).toEqual(['metrics:REQUIRED']);
  });
});
