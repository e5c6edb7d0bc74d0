import { hostname } from 'node:os';

import { DEFAULT_MAX_FILE_BYTES, loadFirmwareConfig } from './firmware.config';

describe('loadFirmwareConfig', () => {
  it('defaults to a 1 GiB upload limit, the data directory, port 50053, and campaigns ticked every second by a pod named after its host', () => {
    expect(loadFirmwareConfig({})).toEqual({
      maxFileBytes: DEFAULT_MAX_FILE_BYTES,
      dataDir: './data',
      store: { cacheMiB: 64, synchronous: 'normal' },
      grpc: { host: '127.0.0.1', port: 50053 },
      campaigns: { podName: hostname(), tickMs: 1000, leaseMs: 30_000, downloadValidForMs: 86_400_000, provisioningAddress: '127.0.0.1:50051', groupingAddress: '127.0.0.1:50054' },
    });
    expect(DEFAULT_MAX_FILE_BYTES).toBe(1024 * 1024 * 1024);
  });

  it('reads the limit and fails naming the variable when it is not a positive whole number', () => {
    expect(loadFirmwareConfig({ ACS_FIRMWARE_MAX_FILE_BYTES: '5000000' }).maxFileBytes).toBe(5_000_000);
    expect(() => loadFirmwareConfig({ ACS_FIRMWARE_MAX_FILE_BYTES: '1GiB' })).toThrow('ACS_FIRMWARE_MAX_FILE_BYTES');
    expect(() => loadFirmwareConfig({ ACS_FIRMWARE_MAX_FILE_BYTES: '0' })).toThrow('ACS_FIRMWARE_MAX_FILE_BYTES');
  });

  it('reads where the grouping service is, for campaigns over a group', () => {
    expect(loadFirmwareConfig({ ACS_FIRMWARE_GROUPING_ADDRESS: 'grouping:50054' }).campaigns.groupingAddress).toBe('grouping:50054');
  });
});
