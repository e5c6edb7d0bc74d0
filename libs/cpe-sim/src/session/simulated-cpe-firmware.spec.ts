import type { Download, Inform, TransferComplete } from '@acs/cwmp';
import { DataModel } from '../data-model/data-model';
import { CpeFleet } from '../fleet/cpe-fleet';
import { simulatorImage } from '../firmware/simulator-image';
import { FakeAcs } from '../testing/fake-acs';
import { TestFileServer } from '../testing/test-file-server';
import { SimulatedCpe, type CpeOptions } from './simulated-cpe';

const model = DataModel.builtin('tr181');
const IMAGE = simulatorImage({ version: '2.1.0', models: ['00D09E:Sim Box'], size: 150_000 });

describe('SimulatedCpe firmware upgrades', () => {
  let acs: FakeAcs;
  let acsUrl: string;
  let files: TestFileServer;
  let filesUrl: string;
  const cpes: Array<{ stop(): Promise<void> }> = [];

  beforeEach(async () => {
    acs = new FakeAcs();
    [acsUrl] = (await acs.listen()) as [string];
    files = new TestFileServer();
    filesUrl = await files.listen();
    files.put('/fw.bin', { body: IMAGE, auth: { scheme: 'digest', credentials: { username: 'dl', password: 'pw' } } });
  });

  afterEach(async () => {
    for (const cpe of cpes.splice(0)) await cpe.stop();
    await files.close();
    await acs.close();
  });

  function cpe(options: Partial<CpeOptions> = {}): SimulatedCpe {
    const created = new SimulatedCpe({
      acsUrl,
      model,
      oui: '00D09E',
      productClass: 'Sim Box',
      serialNumber: 'S1',
      softwareVersion: '1.0.0',
      firmware: { retryDelayMs: 1 },
      ...options,
    });
    cpes.push(created);
    return created;
  }

  function download(overrides: Partial<Download> = {}): Download {
    return {
      kind: 'Download',
      commandKey: 'fw-1',
      fileType: '1 Firmware Upgrade Image',
      url: `${filesUrl}/fw.bin`,
      username: 'dl',
      password: 'pw',
      fileSize: IMAGE.length,
      targetFileName: '',
      delaySeconds: 0,
      successURL: '',
      failureURL: '',
      ...overrides,
    };
  }

  const bodies = () => acs.requests.map((r) => r.envelope?.body);
  const informs = () => bodies().filter((b): b is Inform => b?.kind === 'Inform');
  const transferCompletes = () => bodies().filter((b): b is TransferComplete => b?.kind === 'TransferComplete');
  const reportedVersion = (inform: Inform) => inform.parameterList.find((p) => p.name === 'Device.DeviceInfo.SoftwareVersion')?.value.value;

  /** Sends the Download in one session, then runs the next (which waits for the upgrade). */
  async function upgrade(device: SimulatedCpe, rpc: Download = download()) {
    acs.queue.push(rpc);
    const first = await device.runSession(['2 PERIODIC']);
    expect(first.cpeRequests).toEqual(['Inform', '(empty)', 'DownloadResponse']);
    return device.runSession();
  }

  it('downloads with Digest credentials, reboots into the new version and reports the transfer', async () => {
    const device = cpe();
    expect(reportedVersion((await device.runSession(), informs()[0]!))).toBe('1.0.0');
    const after = await upgrade(device);

    expect(after.error).toBeUndefined();
    expect(after.events).toEqual(['1 BOOT', '7 TRANSFER COMPLETE', 'M Download']);
    expect(after.cpeRequests).toEqual(['Inform', 'TransferComplete', '(empty)']);
    expect(informs().at(-1)!.events).toContainEqual({ eventCode: 'M Download', commandKey: 'fw-1' });
    expect(reportedVersion(informs().at(-1)!)).toBe('2.1.0');
    const [complete] = transferCompletes();
    expect(complete).toMatchObject({ commandKey: 'fw-1', fault: { faultCode: 0, faultString: '' } });
    expect(Date.parse(complete!.completeTime)).toBeGreaterThanOrEqual(Date.parse(complete!.startTime));
    expect(device.softwareVersion).toBe('2.1.0');
    expect(device.firmwareDownloads).toEqual([
      expect.objectContaining({
        commandKey: 'fw-1',
        state: 'done',
        bytes: IMAGE.length,
        attempts: [{ status: 200, bytes: IMAGE.length }],
        faultCode: 0,
        previousVersion: '1.0.0',
        bootedVersion: '2.1.0',
      }),
    ]);
    expect(files.requests.map((r) => r.status)).toEqual([401, 200]);
    // The version survives a factory reset; the next periodic inform still reports it.
    acs.queue.push({ kind: 'FactoryReset' });
    await device.runSession(['2 PERIODIC']);
    await device.runSession();
    expect(reportedVersion(informs().at(-1)!)).toBe('2.1.0');
  });

  it('resumes a download cut in the middle', async () => {
    files.put('/fw.bin', { body: IMAGE, cut: { afterBytes: 60_000, times: 1 } });
    const device = cpe();
    await upgrade(device, download({ username: '', password: '' }));
    expect(transferCompletes()[0]!.fault.faultCode).toBe(0);
    expect(device.firmwareDownloads[0]!.attempts).toEqual([
      expect.objectContaining({ status: 200, bytes: 60_000 }),
      { status: 206, rangeStart: 60_000, bytes: IMAGE.length - 60_000 },
    ]);
    expect(device.softwareVersion).toBe('2.1.0');
  });

  it.each([
    ['wrong credentials', { password: 'nope' }, 9012],
    ['a missing file', { url: '' }, 9016],
    ['a FileSize the file does not have', { fileSize: 1 }, 9018],
  ])('reports %s in TransferComplete and keeps its version, without rebooting', async (_, overrides, code) => {
    const device = cpe();
    const rpc = download(overrides);
    if (rpc.url === '') rpc.url = `${filesUrl}/missing.bin`;
    const after = await upgrade(device, rpc);
    expect(after.events).toEqual(['7 TRANSFER COMPLETE', 'M Download']);
    expect(transferCompletes()[0]!.fault.faultCode).toBe(code);
    expect(reportedVersion(informs().at(-1)!)).toBe('1.0.0');
  });

  it('refuses a foreign image and an image for another model with 9018', async () => {
    files.put('/foreign.bin', { body: Buffer.alloc(5_000, 0x55) });
    files.put('/other.bin', { body: simulatorImage({ version: '9', models: ['001122:OtherBox'] }) });
    const device = cpe();
    await upgrade(device, download({ url: `${filesUrl}/foreign.bin`, username: '', fileSize: 0 }));
    await upgrade(device, download({ url: `${filesUrl}/other.bin`, commandKey: 'fw-2', username: '', fileSize: 0 }));
    expect(transferCompletes().map((t) => [t.commandKey, t.fault.faultCode])).toEqual([
      ['fw-1', 9018],
      ['fw-2', 9018],
    ]);
    expect(transferCompletes()[0]!.fault.faultString).toContain('no ACS-SIM-IMAGE header');
    expect(transferCompletes()[1]!.fault.faultString).toContain('001122:OtherBox');
    expect(device.softwareVersion).toBe('1.0.0');
  });

  it('fails the download (9010 after its attempts) when injected', async () => {
    const device = cpe({ firmwareFailures: { download: 1 }, firmware: { retryDelayMs: 1, downloadAttempts: 2 } });
    expect(device.firmwareFailure).toBe('download');
    const after = await upgrade(device);
    expect(after.events).toEqual(['7 TRANSFER COMPLETE', 'M Download']);
    expect(transferCompletes()[0]!.fault.faultCode).toBe(9010);
    expect(device.firmwareDownloads[0]).toMatchObject({ failure: 'download', faultCode: 9010 });
    expect(device.firmwareDownloads[0]!.attempts).toHaveLength(2);
  });

  it('fails the install (9018 or 9002) when injected, and installs once fixed at run time', async () => {
    const device = cpe({ firmwareFailures: { install: 1 } });
    await upgrade(device);
    expect([9018, 9002]).toContain(transferCompletes()[0]!.fault.faultCode);
    expect(transferCompletes()[0]!.fault.faultString).toContain('injected install failure');
    expect(device.softwareVersion).toBe('1.0.0');

    device.setFirmwareFailures({ install: 0 });
    const after = await upgrade(device, download({ commandKey: 'fw-2' }));
    expect(after.events).toEqual(['1 BOOT', '7 TRANSFER COMPLETE', 'M Download']);
    expect(transferCompletes()[1]).toMatchObject({ commandKey: 'fw-2', fault: { faultCode: 0 } });
    expect(device.softwareVersion).toBe('2.1.0');
  });

  it('boots the old image while reporting success, when injected', async () => {
    const device = cpe({ firmwareFailures: { oldImage: 1 } });
    const after = await upgrade(device);
    expect(after.events).toEqual(['1 BOOT', '7 TRANSFER COMPLETE', 'M Download']);
    expect(transferCompletes()[0]!.fault.faultCode).toBe(0);
    expect(reportedVersion(informs().at(-1)!)).toBe('1.0.0');
  });

  it('reboots into the new version without any TransferComplete, when injected', async () => {
    const device = cpe({ firmwareFailures: { noTransferComplete: 1 } });
    const after = await upgrade(device);
    expect(after.events).toEqual(['1 BOOT']);
    expect(after.cpeRequests).toEqual(['Inform', '(empty)']);
    expect(transferCompletes()).toEqual([]);
    expect(reportedVersion(informs().at(-1)!)).toBe('2.1.0');
    expect(device.firmwareDownloads[0]).toMatchObject({ failure: 'noTransferComplete', bootedVersion: '2.1.0' });
    expect(device.firmwareDownloads[0]!.faultCode).toBeUndefined();
  });

  it('once started: takes the install time, then informs with BOOT by itself', async () => {
    const device = cpe({ firmware: { installMs: 50, retryDelayMs: 1 }, periodicInformInterval: 3600 });
    acs.queue.push(download());
    const booted = device.waitForSession((s) => s.events.includes('1 BOOT') && s.events.includes('M Download'), 20_000);
    // The bootstrap session collects the Download; the reboot after the install brings the BOOT session.
    await device.start();
    const report = await booted;
    expect(report.cpeRequests).toEqual(['Inform', 'TransferComplete', '(empty)']);
    const record = device.firmwareDownloads[0]!;
    expect(record.completedAt! - record.startedAt).toBeGreaterThanOrEqual(50);
    expect(reportedVersion(informs().at(-1)!)).toBe('2.1.0');
  });

  it('a fleet spreads a failure over the asked share, changeable for the whole fleet', async () => {
    const fleet = new CpeFleet({ count: 20, acsUrl, model, ouiPrefix: '00D09E', productClass: 'Sim Box', firmwareFailures: { install: 0.25 } });
    cpes.push(fleet);
    const failing = () => fleet.cpes.filter((c) => c.firmwareFailure === 'install').length;
    expect(failing()).toBeGreaterThanOrEqual(4);
    expect(failing()).toBeLessThanOrEqual(6);
    fleet.setFirmwareFailures({ install: 0 });
    expect(failing()).toBe(0);
    expect(() => fleet.setFirmwareFailures({ install: 2 })).toThrow('from 0 to 1');
  });
});
