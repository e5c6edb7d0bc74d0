import type { GetParameterValuesResponse, Inform, TransferComplete } from '@acs/cwmp';
import { createHash } from 'node:crypto';
import { DataModel } from '../data-model/data-model';
import { HttpAuthenticator } from '../http/http-auth';
import { FakeAcs } from '../testing/fake-acs';
import { SimulatedCpe, type CpeOptions } from './simulated-cpe';

const model = DataModel.builtin('tr181');

describe('SimulatedCpe against a fake ACS', () => {
  let acs: FakeAcs;
  let urls: string[];
  const cpes: SimulatedCpe[] = [];

  beforeEach(async () => {
    acs = new FakeAcs();
    urls = await acs.listen(2);
  });

  afterEach(async () => {
    for (const cpe of cpes.splice(0)) await cpe.stop();
    await acs.close();
  });

  function cpe(options: Partial<CpeOptions> = {}): SimulatedCpe {
    const created = new SimulatedCpe({ acsUrl: urls[0]!, model, oui: '00D09E', productClass: 'Sim Box', serialNumber: 'S1', ...options });
    cpes.push(created);
    return created;
  }

  const informs = (): Inform[] => acs.requests.map((r) => r.envelope?.body).filter((b): b is Inform => b?.kind === 'Inform');

  it('runs a full session: Inform, empty POST, one GPV answered, 204', async () => {
    const device = cpe();
    expect(device.deviceId).toBe('00D09E-Sim%20Box-S1');
    acs.queue.push({ kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.SerialNumber', 'Device.WiFi.SSID.1.'] });
    const report = await device.runSession();

    expect(report.error).toBeUndefined();
    expect(report.events).toEqual(['0 BOOTSTRAP', '1 BOOT']);
    expect(report.rpcs).toEqual([{ method: 'GetParameterValues', at: expect.any(Number) }]);
    expect(report.cpeRequests).toEqual(['Inform', '(empty)', 'GetParameterValuesResponse']);
    expect(report.httpStatuses).toEqual([200, 200, 204]);

    const [inform] = informs();
    expect(inform!.deviceId).toEqual({ manufacturer: 'ACS Simulator', oui: '00D09E', productClass: 'Sim Box', serialNumber: 'S1' });
    expect(inform!.events).toEqual([
      { eventCode: '0 BOOTSTRAP', commandKey: '' },
      { eventCode: '1 BOOT', commandKey: '' },
    ]);
    expect(inform!.maxEnvelopes).toBe(1);
    expect(inform!.retryCount).toBe(0);
    const informed = inform!.parameterList.map((p) => p.name);
    expect(informed).toEqual(
      expect.arrayContaining([
        'Device.RootDataModelVersion',
        'Device.DeviceInfo.HardwareVersion',
        'Device.DeviceInfo.SoftwareVersion',
        'Device.DeviceInfo.ProvisioningCode',
        'Device.ManagementServer.ParameterKey',
        'Device.ManagementServer.ConnectionRequestURL',
        'Device.IP.Interface.1.IPv4Address.1.IPAddress',
      ]),
    );
    const answer = acs.requests[2]!.envelope!;
    expect(answer.header.id).toBe('rpc-1');
    const values = (answer.body as GetParameterValuesResponse).parameterList;
    expect(values[0]).toEqual({ name: 'Device.DeviceInfo.SerialNumber', value: { type: 'string', value: 'S1' } });
    expect(values.map((v) => v.name)).toContain('Device.WiFi.SSID.1.SSID');
    // The session cookie goes back with every later request.
    expect(acs.requests.map((r) => r.headers.cookie)).toEqual([undefined, 'session=s1', 'session=s1']);

    // Bootstrapped now: a session without events is periodic.
    expect((await device.runSession()).events).toEqual(['2 PERIODIC']);
  });

  it('ignores cookies when told to, and alternates between ACS URLs', async () => {
    const device = cpe({ dropCookies: true, acsUrl: urls });
    acs.queue.push({ kind: 'GetRPCMethods' });
    const report = await device.runSession(['2 PERIODIC']);
    expect(report.error).toBeUndefined();
    expect(acs.requests.map((r) => r.headers.cookie)).toEqual([undefined, undefined, undefined]);
    expect(acs.requests.map((r) => r.server)).toEqual([0, 1, 0]);
  });

  it('answers an RPC with an injected fault instead of carrying it out, and stamps when each RPC came', async () => {
    const device = cpe();
    device.setRpcFault('Reboot', { code: 9001, message: 'reboot refused by policy' });
    acs.queue.push({ kind: 'Reboot', commandKey: 'r-1' }, { kind: 'GetRPCMethods' });
    const before = Date.now();
    const refused = await device.runSession(['2 PERIODIC']);
    expect(refused.rpcs.map((r) => [r.method, r.faultCode])).toEqual([
      ['Reboot', 9001],
      ['GetRPCMethods', undefined],
    ]);
    for (const rpc of refused.rpcs) expect(rpc.at).toBeGreaterThanOrEqual(before);
    const fault = acs.requests.map((r) => r.envelope?.body).find((b) => b?.kind === 'Fault');
    expect(fault).toMatchObject({ faultCode: 9001, faultString: 'reboot refused by policy' });
    // Refused: nothing to report at the next Inform.
    expect(device.pendingEventCodes).not.toContain('M Reboot');

    device.setRpcFault('Reboot', undefined);
    acs.queue.push({ kind: 'Reboot', commandKey: 'r-2' });
    expect((await device.runSession()).rpcs).toEqual([{ method: 'Reboot', at: expect.any(Number) }]);
    expect(device.pendingEventCodes).toContain('M Reboot');
  });

  it('reports Reboot and Download in the next session, TransferComplete first', async () => {
    const device = cpe();
    acs.queue.push(
      { kind: 'Reboot', commandKey: 'reboot-1' },
      {
        kind: 'Download',
        commandKey: 'fw-1',
        // Firmware images are downloaded for real (simulated-cpe-firmware.spec.ts); other files are not.
        fileType: '3 Vendor Configuration File',
        url: 'http://files.example/fw.bin',
        username: '',
        password: '',
        fileSize: 1,
        targetFileName: '',
        delaySeconds: 0,
        successURL: '',
        failureURL: '',
      },
      {
        kind: 'Upload',
        commandKey: 'up-1',
        fileType: '1 Vendor Configuration File',
        url: 'http://fail.example/up',
        username: '',
        password: '',
        delaySeconds: 0,
      },
    );
    const first = await device.runSession(['2 PERIODIC']);
    expect(first.rpcs.map((r) => r.method)).toEqual(['Reboot', 'Download', 'Upload']);
    expect(first.cpeRequests).toEqual(['Inform', '(empty)', 'RebootResponse', 'DownloadResponse', 'UploadResponse']);

    const second = await device.runSession();
    expect(second.error).toBeUndefined();
    expect(second.events).toEqual(['1 BOOT', '7 TRANSFER COMPLETE', 'M Reboot', 'M Download', 'M Upload']);
    expect(informs()[1]!.events).toContainEqual({ eventCode: 'M Reboot', commandKey: 'reboot-1' });
    expect(second.cpeRequests).toEqual(['Inform', 'TransferComplete', 'TransferComplete', '(empty)']);
    const transfers = acs.requests.map((r) => r.envelope?.body).filter((b): b is TransferComplete => b?.kind === 'TransferComplete');
    expect(transfers.map((t) => [t.commandKey, t.fault.faultCode])).toEqual([
      ['fw-1', 0],
      ['up-1', 9011],
    ]);
    expect((await device.runSession()).events).toEqual(['2 PERIODIC']);
  });

  it('fails a Download from http://fail… with 9010', async () => {
    const device = cpe();
    acs.queue.push({
      kind: 'Download',
      commandKey: 'bad',
      fileType: '1 Firmware Upgrade Image',
      url: 'http://fail.example/fw.bin',
      username: '',
      password: '',
      fileSize: 1,
      targetFileName: '',
      delaySeconds: 0,
      successURL: '',
      failureURL: '',
    });
    await device.runSession(['2 PERIODIC']);
    const next = await device.runSession();
    // A failed image is not booted into.
    expect(next.events).toEqual(['7 TRANSFER COMPLETE', 'M Download']);
    const transfer = acs.requests.map((r) => r.envelope?.body).find((b): b is TransferComplete => b?.kind === 'TransferComplete');
    expect(transfer!.fault).toEqual({ faultCode: 9010, faultString: 'File transfer failure' });
  });

  it('keeps its own requests back while the ACS holds them', async () => {
    const device = cpe();
    acs.queue.push({
      kind: 'Upload',
      commandKey: 'u',
      fileType: '1 Vendor Configuration File',
      url: 'http://files.example/up',
      username: '',
      password: '',
      delaySeconds: 0,
    });
    await device.runSession(['2 PERIODIC']);
    acs.informResponseHeader = { holdRequests: true };
    const held = await device.runSession();
    expect(held.cpeRequests).toEqual(['Inform', '(empty)']);
    acs.informResponseHeader = {};
    const released = await device.runSession();
    expect(released.events).toEqual(['7 TRANSFER COMPLETE', 'M Upload']);
    expect(released.cpeRequests).toEqual(['Inform', 'TransferComplete', '(empty)']);
  });

  it('reports a value change of a parameter with notification on, but not the ACS own changes', async () => {
    const device = cpe();
    acs.queue.push(
      {
        kind: 'SetParameterAttributes',
        parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', notificationChange: true, notification: 1, accessListChange: false, accessList: [] }],
      },
      {
        kind: 'SetParameterValues',
        parameterKey: 'k1',
        parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'FromAcs' } }],
      },
    );
    await device.runSession(['2 PERIODIC']);
    expect((await device.runSession()).events).toEqual(['2 PERIODIC']);

    device.model.set('Device.WiFi.SSID.1.SSID', 'ChangedByUser');
    const changed = await device.runSession();
    expect(changed.events).toEqual(['4 VALUE CHANGE']);
    expect(informs()[2]!.parameterList).toContainEqual({ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'ChangedByUser' } });
    expect(informs()[2]!.parameterList).toContainEqual({ name: 'Device.ManagementServer.ParameterKey', value: { type: 'string', value: 'k1' } });
    expect((await device.runSession()).events).toEqual(['2 PERIODIC']);
  });

  it('answers an RPC it does not know with fault 9000 and carries on', async () => {
    const device = cpe();
    acs.queue.push(
      '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">' +
        '<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">vendor-7</cwmp:ID></soap-env:Header>' +
        '<soap-env:Body><cwmp:X_VENDOR_Frobnicate><Level>3</Level></cwmp:X_VENDOR_Frobnicate></soap-env:Body></soap-env:Envelope>',
      { kind: 'FactoryReset' },
    );
    const report = await device.runSession(['2 PERIODIC']);
    expect(report.error).toBeUndefined();
    expect(report.rpcs).toEqual([
      { method: 'X_VENDOR_Frobnicate', at: expect.any(Number), faultCode: 9000 },
      { method: 'FactoryReset', at: expect.any(Number) },
    ]);
    const fault = acs.requests[2]!.envelope!;
    expect(fault.header.id).toBe('vendor-7');
    expect(fault.body).toMatchObject({ kind: 'Fault', faultCode: 9000 });
    // FactoryReset: back to bootstrap.
    expect((await device.runSession()).events).toEqual(['0 BOOTSTRAP', '1 BOOT']);
  });

  it('reports 503 with Retry-After and retries the undelivered events with RetryCount', async () => {
    const device = cpe();
    let busy = true;
    acs.intercept = () => (busy ? { status: 503, headers: { 'retry-after': '7' } } : undefined);
    const failed = await device.runSession(['6 CONNECTION REQUEST']);
    expect(failed.error).toContain('503');
    expect(failed.retryAfter).toBe(7);
    expect(failed.httpStatuses).toEqual([503]);
    busy = false;
    const retried = await device.runSession(['2 PERIODIC']);
    expect(retried.error).toBeUndefined();
    expect(retried.events).toEqual(['2 PERIODIC', '6 CONNECTION REQUEST']);
    expect(informs()[0]!.retryCount).toBe(1);
  });

  it.each(['MD5', 'SHA-256'] as const)('answers a Digest %s challenge, once per session', async (algorithm) => {
    const device = cpe({ auth: { username: 'cpe-user', password: 'secret' } });
    const hash = (text: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
    const seen: string[] = [];
    acs.intercept = (request) => {
      const authorization = request.headers.authorization;
      if (!authorization) {
        return { status: 401, headers: { 'www-authenticate': `Digest realm="acs", qop="auth,auth-int", algorithm=${algorithm}, nonce="n-1", opaque="op"` } };
      }
      const p = Object.fromEntries([...authorization.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
      const ha1 = hash(`cpe-user:acs:secret`);
      const ha2 = hash(`POST:${p.uri}`);
      const expected = hash(`${ha1}:n-1:${p.nc}:${p.cnonce}:auth:${ha2}`);
      seen.push(`${p.algorithm} ${p.nc} ${p.opaque}`);
      return p.response === expected && p.uri === '/acs' ? undefined : { status: 401 };
    };
    const report = await device.runSession(['2 PERIODIC']);
    expect(report.error).toBeUndefined();
    expect(report.httpStatuses).toEqual([401, 200, 204]);
    expect(seen).toEqual([`${algorithm} 00000001 op`, `${algorithm} 00000002 op`]);
  });

  it('answers Basic, and fails cleanly on refused credentials', async () => {
    const device = cpe({ auth: { username: 'u', password: 'p' } });
    let accept = 'Basic dTpw';
    acs.intercept = (request) =>
      request.headers.authorization === accept ? undefined : { status: 401, headers: { 'www-authenticate': 'Basic realm="acs"' } };
    expect((await device.runSession(['2 PERIODIC'])).httpStatuses).toEqual([401, 200, 204]);
    accept = 'nothing';
    const refused = await device.runSession(['2 PERIODIC']);
    expect(refused.error).toBe('the ACS refused the credentials');
  });

  it('offers SupportedCWMPVersions in 1.4 and follows UseCWMPVersion', async () => {
    const device = cpe({ cwmpVersion: '1.4' });
    acs.informResponseHeader = { useCWMPVersion: '1.2' };
    acs.queue.push({ kind: 'GetRPCMethods' });
    const report = await device.runSession(['2 PERIODIC']);
    expect(report.error).toBeUndefined();
    expect(acs.requests[0]!.envelope!.header.supportedCWMPVersions).toBe('1.0,1.1,1.2,1.3,1.4');
  });

  it('once started: bootstraps, answers a Digest connection request, reboots by itself', async () => {
    const device = cpe({ connectionRequest: { host: '127.0.0.1', port: 0, username: 'cr', password: 'crpass' }, periodicInformInterval: 3600 });
    await device.start();
    expect(device.sessions.map((s) => s.events)).toEqual([['0 BOOTSTRAP', '1 BOOT']]);
    const url = device.model.value('Device.ManagementServer.ConnectionRequestURL')!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/00D09E-Sim%20Box-S1$/);

    const path = new URL(url).pathname;
    const challenge = await fetch(url);
    expect(challenge.status).toBe(401);
    const wrong = new HttpAuthenticator({ username: 'cr', password: 'nope' });
    wrong.accept([challenge.headers.get('www-authenticate')!]);
    expect((await fetch(url, { headers: { authorization: wrong.authorization('GET', path)! } })).status).toBe(401);

    acs.queue.push({ kind: 'Reboot', commandKey: 'cr-reboot' });
    const rebooted = device.waitForSession((s) => s.events.includes('M Reboot'));
    const right = new HttpAuthenticator({ username: 'cr', password: 'crpass' });
    right.accept([challenge.headers.get('www-authenticate')!]);
    expect((await fetch(url, { headers: { authorization: right.authorization('GET', path)! } })).status).toBe(200);
    expect((await rebooted).events).toEqual(['1 BOOT', 'M Reboot']);
    expect(device.sessions.map((s) => s.events)).toContainEqual(['6 CONNECTION REQUEST']);
  });

  it('once started, an active notification opens a session by itself', async () => {
    const device = cpe();
    await device.start();
    device.model.setAttributes('Device.Time.NTPServer1', { notification: 2 });
    const changed = device.waitForSession();
    device.model.set('Device.Time.NTPServer1', 'ntp.changed');
    expect((await changed).events).toEqual(['4 VALUE CHANGE']);
  });

  it('informs with 3 SCHEDULED and M ScheduleInform after DelaySeconds', async () => {
    const device = cpe();
    acs.queue.push({ kind: 'ScheduleInform', commandKey: 'later', delaySeconds: 1 });
    await device.start();
    const scheduled = await device.waitForSession((s) => s.events.includes('3 SCHEDULED'), 20_000);
    expect(scheduled.events).toEqual(['3 SCHEDULED', 'M ScheduleInform']);
    expect(informs().at(-1)!.events).toContainEqual({ eventCode: 'M ScheduleInform', commandKey: 'later' });
  });

  it('does not repeat delivered events when the session fails after the Inform', async () => {
    const device = cpe();
    acs.intercept = (_request, body) => (body === '' ? { status: 500 } : undefined);
    const failed = await device.runSession(['6 CONNECTION REQUEST']);
    expect(failed.error).toBe('the ACS answered (empty) with HTTP 500');
    acs.intercept = undefined;
    const next = await device.runSession();
    expect(next.events).toEqual(['2 PERIODIC']);
    expect(informs().at(-1)!.retryCount).toBe(0);
  });
});
