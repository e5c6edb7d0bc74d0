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

  it('fails the asked share of a fleet, within a CPE or two, disjoint per mode, the same CPEs for the same seed', () => {
    const shares = { download: 0.05, install: 0.1, oldImage: 0.02, noTransferComplete: 0.01 };
    const byMode = failing(1000, shares);
    const near = (mode: FirmwareFailureMode, expected: number) => {
      expect(byMode.get(mode)!.length).toBeGreaterThanOrEqual(expected - 2);
      expect(byMode.get(mode)!.length).toBeLessThanOrEqual(expected + 2);
    };
    near('download', 50);
    near('install', 100);
    near('oldImage', 20);
    near('noTransferComplete', 10);
    for (const size of [3, 7, 20, 333]) expect(failing(size, { install: 0.25 }).get('install')?.length ?? 0).toBeGreaterThanOrEqual(Math.floor(size / 4) - 1);
    expect(failing(1000, shares)).toEqual(byMode);
    expect(failing(1000, shares, 7).get('install')).not.toEqual(byMode.get('install'));
  });

  it('fixing one mode leaves the other modes on the same CPEs', () => {
    const before = failing(500, { download: 0.1, install: 0.1 });
    const after = failing(500, { install: 0.1 });
    expect(after.get('download')).toBeUndefined();
    expect(after.get('install')).toEqual(before.get('install'));
    // Raising a share only adds CPEs.
    expect(failing(500, { install: 0.2 }).get('install')).toEqual(expect.arrayContaining(before.get('install')!));
  });

  it('draws a lone CPE from its device id', () => {
    expect(deviceFailureDraws('001122-Box-S1', 0)).toEqual(deviceFailureDraws('001122-Box-S1', 0));
    expect(deviceFailureDraws('001122-Box-S1', 0)).not.toEqual(deviceFailureDraws('001122-Box-S2', 0));
    expect(firmwareFailureOf(deviceFailureDraws('001122-Box-S1', 0), { install: 1 })).toBe('install');
    expect(firmwareFailureOf(deviceFailureDraws('001122-Box-S1', 0), { install: 0 })).toBeUndefined();
  });
});
