import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acsV1 as pb } from '@acs/contracts';
import { DataModel, SimulatedCpe, type CpeOptions } from '@acs/cpe-sim';
import { freePort, REPO_ROOT } from '../support/processes';
import { MODES, startAcs, type AcsUnderTest } from './support/acs-under-test';

const { TaskStatus } = pb;
const DUMPS = join(REPO_ROOT, '..', 'shared', 'vectors', 'device-models');

const PRESETS = `
- name: zero-touch-wan
  channel: wan
  precondition: 'productClass = "ZeroTouch"'
  triggers: [0 BOOTSTRAP]
  actions:
    - setValues:
        Device.ManagementServer.PeriodicInformInterval: { value: 1234, type: unsignedInt }
        Device.DeviceInfo.ProvisioningCode: "zt-{{lower serialNumber}}"

# Kept for on-demand use: disabled, it never fires by itself; an applyPreset task runs it.
- name: on-demand-tuning
  enabled: false
  precondition: 'productClass = "Router"'
  triggers: [1 BOOT]
  actions:
    - setValues:
        Device.ManagementServer.PeriodicInformInterval: { value: 900, type: unsignedInt }
    - addTags: [tuned]
`;

let serial = 0;
function nextSerial(prefix: string): string {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${serial++}`;
}

/** Issue 4's acceptance, against the one-process product and against the pods on Redis, Kafka and FerretDB. */
describe.each(MODES)('provisioning (%s)', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), `acs-prov-${mode}-`));
  let acs: AcsUnderTest;
  const cpes: SimulatedCpe[] = [];

  beforeAll(async () => {
    mkdirSync(join(dir, 'presets'));
    writeFileSync(join(dir, 'presets', 'wan.yaml'), PRESETS);
    acs = await startAcs(mode, {
      ACS_PRESETS_DIR: join(dir, 'presets'),
      // Short back-off so the transient-fault retry happens within the test.
      ACS_TASK_RETRY_BASE_MS: '300',
      // A live CPE's answer to a connection request must not time out on a busy machine (a timed-out request fails
      // its tasks for good); a CPE that is gone is refused at once whatever the bound.
      ACS_CONNECTION_REQUEST_TIMEOUT_MS: '10000',
    });
  }, 90_000);

  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** A started CPE (bootstrap session done) with a Digest connection-request listener. */
  async function device(productClass = 'Router', model = DataModel.builtin('tr181'), options: Pick<CpeOptions, 'line'> = {}): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({
      ...options,
      acsUrl: acs.cwmpUrl,
      model,
      oui: 'E2E0A1',
      productClass,
      serialNumber: nextSerial('P'),
      periodicInformInterval: 3600,
      connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
    });
    cpes.push(cpe);
    await cpe.start(); // resolves after the bootstrap session
    await cpe.idle();
    expect(cpe.sessions[0]).toMatchObject({ events: expect.arrayContaining(['0 BOOTSTRAP']) });
    expect(cpe.sessions[0].error).toBeUndefined();
    await registered(cpe.deviceId);
    return cpe;
  }

  /**
   * Waits until provisioning knows the device. Pods apply an Inform from Kafka, after the session that carried it
   * may have ended (the gateway's wait for the plan is bounded): on a busy machine a task created right after the
   * first session could otherwise find no device.
   */
  async function registered(deviceId: string): Promise<void> {
    for (const until = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      try {
        await acs.call('getDevice', pb.GetDeviceRequest.fromPartial({ deviceId, parameterPrefix: 'Device.DeviceInfo.' }));
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== 5 /* NOT_FOUND */ || Date.now() > until) throw error;
      }
    }
  }

  async function createTask(deviceId: string, spec: pb.TaskSpec['kind'], waitTimeoutMs = 20_000, maxAttempts = 0): Promise<pb.Task> {
    const response = await acs.call<pb.CreateTaskResponse>(
      'createTask',
      pb.CreateTaskRequest.fromPartial({ deviceId, spec: { kind: spec }, connectionRequest: true, waitTimeoutMs, maxAttempts }),
      waitTimeoutMs + 10_000,
    );
    if (response.task && !response.finished) {
      throw new Error(`task ${response.task.id} not final after ${waitTimeoutMs} ms: ${JSON.stringify(response.task)}\n${acs.output().slice(-4000)}`);
    }
    return response.task!;
  }

  it('a new CPE bootstrapping with a matching preset has its values when the first session closes', async () => {
    const cpe = await device('ZeroTouch');
    expect(cpe.model.get('Device.ManagementServer.PeriodicInformInterval')?.value).toBe('1234');
    expect(cpe.model.get('Device.DeviceInfo.ProvisioningCode')?.value).toMatch(/^zt-p/);
    expect(cpe.sessions[0].events).toContain('0 BOOTSTRAP');
    expect(cpe.sessions[0].rpcs.map((r) => r.method)).toContain('SetParameterValues');
  }, 60_000);

  it('runs an API task on a device not in session by waking it with a connection request', async () => {
    const cpe = await device();
    const started = Date.now();
    const task = await createTask(cpe.deviceId, {
      $case: 'getParameterValues',
      getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion', 'Device.ManagementServer.PeriodicInformInterval'] },
    });
    expect(task.status).toBe(TaskStatus.TASK_STATUS_DONE);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(JSON.stringify(task.result)).toContain('Device.DeviceInfo.SoftwareVersion');
    // The task is done as soon as its answer is processed; the CPE records its session when the session ends.
    await cpe.idle();
    expect(cpe.sessions.some((s) => s.events.includes('6 CONNECTION REQUEST'))).toBe(true);
  }, 60_000);

  it('applies a preset now: planned in the session the connection request opens, DONE once its SPV is answered', async () => {
    const cpe = await device();
    const task = await createTask(cpe.deviceId, { $case: 'applyPreset', applyPreset: { name: 'on-demand-tuning' } });
    expect(task.status).toBe(TaskStatus.TASK_STATUS_DONE);
    expect(cpe.model.get('Device.ManagementServer.PeriodicInformInterval')?.value).toBe('900');
    expect(task.result).toMatchObject({ preset: 'on-demand-tuning', tags: { add: ['tuned'] }, steps: [{ kind: 'setParameterValues' }] });
    expect(task.resultSummary?.parametersSet).toBe(1);
    await cpe.idle();
    const session = cpe.sessions.find((s) => s.events.includes('6 CONNECTION REQUEST'));
    expect(session?.rpcs.map((r) => r.method)).toContain('SetParameterValues');
  }, 60_000);

  it('faults an applied preset whose precondition the device does not match, sending it nothing', async () => {
    const cpe = await device('Gateway');
    const task = await createTask(cpe.deviceId, { $case: 'applyPreset', applyPreset: { name: 'on-demand-tuning' } });
    expect(task.status).toBe(TaskStatus.TASK_STATUS_FAULTED);
    expect(task.fault).toMatchObject({ code: 'precondition-not-met', transient: false });
    expect(cpe.model.get('Device.ManagementServer.PeriodicInformInterval')?.value).toBe('3600');
  }, 60_000);

  it('refuses to apply a preset no one defined, naming the field', async () => {
    const cpe = await device();
    const refused = acs.call('createTask', pb.CreateTaskRequest.fromPartial({ deviceId: cpe.deviceId, spec: { kind: { $case: 'applyPreset', applyPreset: { name: 'no-such-preset' } } } }));
    await expect(refused).rejects.toMatchObject({ code: 3 /* INVALID_ARGUMENT */ });
    await expect(refused).rejects.toThrow(/spec\.apply_preset\.name/);
  }, 60_000);

  it('faults a task for a device that does not answer, saying why', async () => {
    const cpe = await device();
    await cpe.stop(); // its connection-request listener goes away with it
    const task = await createTask(cpe.deviceId, { $case: 'reboot', reboot: {} });
    expect(task.status).toBe(TaskStatus.TASK_STATUS_FAULTED);
    expect(task.fault?.code).toMatch(/^cr-(unreachable|timeout)$/);
    expect(task.fault?.message).toMatch(/connection request/);
  }, 60_000);

  it('faults an SPV the CPE refuses with its fault code and parameter, without retrying a permanent fault', async () => {
    const cpe = await device();
    const task = await createTask(cpe.deviceId, {
      $case: 'setParameterValues',
      setParameterValues: { values: [{ path: 'Device.DeviceInfo.SerialNumber', value: 'HACKED', type: 'xsd:string' }] },
    });
    expect(task.status).toBe(TaskStatus.TASK_STATUS_FAULTED);
    expect(task.fault?.code).toBe('9003');
    expect(task.fault?.parameters).toEqual([expect.objectContaining({ path: 'Device.DeviceInfo.SerialNumber', code: 9008 })]);
    expect(task.fault?.transient).toBe(false);
    expect(task.attempts).toBe(1);
    const faults = await acs.call<pb.ListFaultsResponse>('listFaults', pb.ListFaultsRequest.fromPartial({ deviceId: cpe.deviceId, pageSize: 10 }));
    expect(faults.faults.map((f) => f.code)).toContain('9003');
  }, 60_000);

  it('retries a transient fault with back-off, then faults it when the attempts are used up', async () => {
    const cpe = await device();
    const task = await createTask(
      cpe.deviceId,
      { $case: 'download', download: { fileType: '1 Firmware Upgrade Image', url: 'http://fail.invalid/fw.bin', username: '', password: '', fileSize: 0, targetFileName: '', delaySeconds: 0 } },
      30_000,
      2,
    );
    expect(task.status).toBe(TaskStatus.TASK_STATUS_FAULTED);
    expect(task.fault?.code).toBe('9010');
    expect(task.fault?.transient).toBe(true);
    expect(task.attempts).toBe(2);
  }, 60_000);

  const dumps = [
    ['TR-181', 'tplink-ex220-tr181.csv'],
    ['TR-098', 'huawei-eg8145v5-tr098.csv'],
  ] as const;
  for (const [kind, file] of dumps) {
    const run = existsSync(join(DUMPS, file)) ? it : it.skip;
    if (!existsSync(join(DUMPS, file))) console.warn(`skipped: ${join(DUMPS, file)} is absent (shared test vectors not checked out)`);
    run(`has the complete inventory of a ${kind} device dump after a refresh task`, async () => {
      const model = DataModel.fromCsv(readFileSync(join(DUMPS, file), 'utf8'));
      // No traffic: the simulator's byte and packet counters then hold still between the read and the check.
      const cpe = await device(`Dump${kind.replace('-', '')}`, model, { line: { downstreamBitsPerSecond: 0, upstreamBitsPerSecond: 0 } });
      // A refresh of thousands of parameters is dozens of RPCs, each rewriting the device document: minutes on a busy
      // machine with FerretDB. The wait ends when the task does.
      const task = await createTask(cpe.deviceId, { $case: 'refreshObject', refreshObject: { path: '' } }, 360_000);
      expect(task.status).toBe(TaskStatus.TASK_STATUS_DONE);
      const known = await acs.call<pb.GetDeviceParametersResponse>('getDeviceParameters', pb.GetDeviceParametersRequest.fromPartial({ deviceId: cpe.deviceId, path: model.root }), 60_000);
      const byPath = new Map(known.parameters.map((p) => [p.path, p]));
      // Clocks tick between the read and the check; everything else must match exactly.
      const dynamic = /\.(CurrentLocalTime|UpTime)$/;
      const expected = model.select(`${model.root}.`).filter((p) => !p.object);
      expect(expected.length).toBeGreaterThan(1000);
      const missing = expected.filter((p) => !byPath.has(p.name)).map((p) => p.name);
      expect(missing).toEqual([]);
      const wrong = expected
        .filter((p) => !dynamic.test(p.name))
        .filter((p) => byPath.get(p.name)?.value !== cpe.model.value(p.name) || byPath.get(p.name)?.type !== `xsd:${p.type}`)
        .slice(0, 5)
        .map((p) => ({ path: p.name, expected: [cpe.model.value(p.name), p.type], got: [byPath.get(p.name)?.value, byPath.get(p.name)?.type] }));
      expect(wrong).toEqual([]);
    }, 480_000);
  }
});
