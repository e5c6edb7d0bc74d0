import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { startApp, type RunningApp } from '../support/processes';

const PRESET = `
- name: zero-touch-wan
  channel: wan
  precondition: 'productClass = "ZeroTouch"'
  triggers: [0 BOOTSTRAP]
  actions:
    - setValues:
        Device.ManagementServer.PeriodicInformInterval: { value: 1234, type: unsignedInt }
        Device.DeviceInfo.ProvisioningCode: "zt-{{lower serialNumber}}"
    - addTags: [zero-touch]
`;

/**
 * Zero-touch provisioning in the one-process product: a new CPE bootstrapping with a matching preset has the preset's
 * values in its data model when its first session closes (the gateway waits for provisioning's plan, so the work is
 * queued and run within that same session).
 */
describe('bootstrap preset (standalone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-bootstrap-'));
  let app: RunningApp;

  beforeAll(async () => {
    const presets = join(dir, 'presets');
    mkdirSync(presets);
    writeFileSync(join(presets, 'wan.yaml'), PRESET);
    app = await startApp('standalone', { ACS_DATA_DIR: join(dir, 'data'), ACS_PRESETS_DIR: presets });
  }, 30_000);

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the preset in the first session', async () => {
    const cpes = ['ZT0001', 'ZT0002', 'ZT0003'].map(
      (serialNumber) => new SimulatedCpe({ acsUrl: app.cwmpUrl, model: DataModel.builtin('tr181'), oui: 'A0B1C2', productClass: 'ZeroTouch', serialNumber }),
    );
    const other = new SimulatedCpe({ acsUrl: app.cwmpUrl, model: DataModel.builtin('tr181'), oui: 'A0B1C2', productClass: 'Other', serialNumber: 'OT0001' });
    for (const cpe of [...cpes, other]) {
      const report = await cpe.runSession(['0 BOOTSTRAP', '1 BOOT']);
      expect(report.error).toBeUndefined();
    }
    for (const cpe of cpes) {
      expect(cpe.model.get('Device.ManagementServer.PeriodicInformInterval')?.value).toBe('1234');
      expect(cpe.model.get('Device.DeviceInfo.ProvisioningCode')?.value).toBe(`zt-${cpe.deviceId.split('-').pop()!.toLowerCase()}`);
      expect(cpe.sessions[0].rpcs.map((r) => r.method)).toContain('SetParameterValues');
    }
    // The precondition keeps other devices out: their only work is the connection-request credentials the ACS sets
    // on every new device.
    expect(other.model.get('Device.ManagementServer.PeriodicInformInterval')?.value).not.toBe('1234');
    expect(other.sessions[0].rpcs.map((r) => r.method)).toEqual(['SetParameterValues']);
    expect(other.model.get('Device.ManagementServer.ConnectionRequestPassword')?.value).toMatch(/^[\w-]{20}$/);
    // A second, periodic session has nothing left to do: the values are known to be in place.
    const again = await cpes[0].runSession(['2 PERIODIC']);
    expect(again.rpcs).toEqual([]);
  }, 60_000);
});
