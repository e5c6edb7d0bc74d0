import {
  deviceFailureDraws,
  firmwareFailureOf,
  FirmwareFailureSpecError,
  fleetFailureDraws,
  parseFirmwareFailures,
  type FirmwareFailureMode,
  type FirmwareFailureShares,
} from './firmware-failures';

function failing(count: number, shares: FirmwareFailureShares, seed = 0): Map<FirmwareFailureMode, number[]> {
  const byMode = new Map<FirmwareFailureMode, number[]>();
  for (let i = 0; i < count; i++) {
    const mode = firmwareFailureOf(fleetFailureDraws(i, seed), shares);
    if (mode) byMode.set(mode, [...(byMode.get(mode) ?? []), i]);
  }
  return byMode;
}

describe('firmware failure modes', () => {
  it('reads the CLI form', () => {
    expect(parseFirmwareFailures('download=0.05,install=0.1, old-image=0.02,no-transfer-complete=0.01')).toEqual({
      download: 0.05,
      install: 0.1,
      oldImage: 0.02,
      noTransferComplete: 0.01,
    });
    expect(parseFirmwareFailures('')).toEqual({});
  });

  it.each(['reboot=0.1', 'install', 'install=abc', 'install=1.5', 'install=-0.1', 'install=0.1=2'])('refuses "%s" with a clear error', (spec) => {
    expect(() => parseFirmwareFailures(spec)).toThrow(FirmwareFailureSpecError);
  });

  it('fails the asked share of a fleet, within a few CPEs, the same CPEs for the same seed', () => {
    const shares = { download: 0.05, install: 0.1, oldImage: 0.02, noTransferComplete: 0.01 };
    const byMode = failing(1000, shares);
    // Overlaps go to the first mode, so later modes may lose a few.
    expect(byMode.get('download')!.length).toBeGreaterThanOrEqual(48);
    expect(byMode.get('download')!.length).toBeLessThanOrEqual(52);
    expect(byMode.get('install')!.length).toBeGreaterThanOrEqual(88);
    expect(byMode.get('install')!.length).toBeLessThanOrEqual(102);
    expect(byMode.get('oldImage')!.length).toBeGreaterThanOrEqual(12);
    expect(byMode.get('noTransferComplete')!.length).toBeGreaterThanOrEqual(5);
    expect(failing(1000, shares)).toEqual(byMode);
    expect(failing(1000, shares, 7).get('install')).not.toEqual(byMode.get('install'));
  });

  it('fixing one mode leaves the other modes on the same CPEs', () => {
    const before = failing(500, { download: 0.1, install: 0.1 });
    const after = failing(500, { install: 0.1 });
    expect(after.get('download')).toBeUndefined();
    // Install failures only gain the CPEs that failed their download before and also fall in the install share.
    expect(after.get('install')).toEqual(expect.arrayContaining(before.get('install')!));
    expect(after.get('install')!.length - before.get('install')!.length).toBeLessThanOrEqual(before.get('download')!.length);
  });

  it('draws a lone CPE from its device id', () => {
    expect(deviceFailureDraws('001122-Box-S1', 0)).toEqual(deviceFailureDraws('001122-Box-S1', 0));
    expect(deviceFailureDraws('001122-Box-S1', 0)).not.toEqual(deviceFailureDraws('001122-Box-S2', 0));
    expect(firmwareFailureOf(deviceFailureDraws('001122-Box-S1', 0), { install: 1 })).toBe('install');
    expect(firmwareFailureOf(deviceFailureDraws('001122-Box-S1', 0), { install: 0 })).toBeUndefined();
  });
});
