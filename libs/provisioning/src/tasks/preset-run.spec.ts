import type { AcsRequest, CpeResponse } from '@acs/cwmp';
import { ValidationError, type WorkItem } from '@acs/platform';

import type { DeviceRecord } from '../domain/device';
import type { Preset } from '../domain/preset';
import { informEvent, useProvisioningFixture } from '../testing/provisioning-fixture';

const INTERVAL = 'Device.ManagementServer.PeriodicInformInterval';

function preset(name: string, actions: Preset['actions'], extra: Partial<Preset> = {}): Preset {
  return { name, weight: 0, channel: 'ops', precondition: '', triggers: [{ event: '0 BOOTSTRAP' }], actions, enabled: true, updatedAt: 0, ...extra };
}

/** An applyPreset task, from its creation through the device's next session to its end (docs/presets.md). */
describe('applyPreset tasks', () => {
  const fixture = useProvisioningFixture();
  let device: DeviceRecord;

  beforeEach(async () => {
    device = await fixture().registerDevice();
  });

  async function applyNow(name: string) {
    return (await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'applyPreset', name } })).task;
  }

  /** The device's next session: its Inform planned, then each queued RPC answered the way `answer` says, in order. */
  async function session(answer: (rpc: AcsRequest) => CpeResponse | { fault: number; message: string }): Promise<AcsRequest[]> {
    const event = informEvent(device, ['2 PERIODIC']);
    await fixture().useCases.applyInform.execute(event);
    const sent: AcsRequest[] = [];
    for (let item: WorkItem | undefined; (item = (await fixture().queued(device.id))[0]); ) {
      await fixture().queue.ack(device.id, item.id);
      sent.push(item.rpc);
      const scoped = { sessionId: event.sessionId, deviceId: device.id, itemId: item.id, taskId: item.taskId, request: item.rpc };
      const response = answer(item.rpc);
      if ('fault' in response) {
        await fixture().useCases.recordRpcResult.fault({ ...scoped, fault: { kind: 'Fault', soapFaultCode: 'Client', faultCode: response.fault, faultString: response.message, setParameterValuesFault: [] } });
      } else {
        await fixture().useCases.recordRpcResult.answer({ ...scoped, response });
      }
    }
    return sent;
  }

  const setAccepted = (rpc: AcsRequest): CpeResponse => {
    if (rpc.kind === 'SetParameterValues') return { kind: 'SetParameterValuesResponse', status: 0 };
    throw new Error(`unexpected ${rpc.kind}`);
  };

  it('refuses a name no preset has, naming the field', async () => {
    const refused = fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'applyPreset', name: 'nope' } });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ fieldViolations: [{ field: 'spec.apply_preset.name', reason: 'NOT_FOUND' }] });
    await expect(fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'applyPreset', name: '' } })).rejects.toMatchObject({
      fieldViolations: [{ field: 'spec.apply_preset.name', reason: 'REQUIRED' }],
    });
  });

  it('plans the preset in the next session whatever its triggers, disabled too, and is done when its work is answered', async () => {
    await fixture().store.presets.put(preset('tune', [{ setValues: [{ path: INTERVAL, value: 300 }] }, { addTags: ['tuned'] }], { enabled: false }));
    const task = await applyNow('tune');
    // Nothing is decided before the session: the preset is planned against the device as its Inform leaves it.
    expect(task).toMatchObject({ status: 'dispatched', workItemIds: [] });
    expect(await fixture().queued(device.id)).toEqual([]);

    const sent = await session(setAccepted);
    expect(sent).toEqual([expect.objectContaining({ kind: 'SetParameterValues', parameterList: [{ name: INTERVAL, value: { type: 'unsignedInt', value: 300 } }] })]);
    const done = await fixture().store.tasks.get(task.id);
    expect(done).toMatchObject({
      status: 'done',
      result: { preset: 'tune', tags: { add: ['tuned'], remove: [] }, steps: [{ kind: 'setParameterValues', result: { status: 0 } }] },
      resultSummary: { entryKind: 'object', parametersSet: 1 },
    });
    expect((await fixture().store.devices.get(device.id))?.tags).toEqual(['tuned']);
    // Its work was the task's own: no preset task was created beside it.
    expect((await fixture().store.tasks.list({}, { skip: 0, limit: 10 })).items.map((t) => t.id)).toEqual([task.id]);
  });

  it('is done at once when the device already is what the preset describes', async () => {
    await fixture().store.presets.put(preset('same', [{ setValues: [{ path: INTERVAL, value: 600 }] }]));
    const task = await applyNow('same');
    expect(await session(setAccepted)).toEqual([]);
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done', result: { preset: 'same', steps: [] } });
  });

  it('faults with precondition-not-met when the device does not match, sending nothing and raising no device fault', async () => {
    await fixture().store.presets.put(preset('other-model', [{ setValues: [{ path: INTERVAL, value: 300 }] }], { precondition: 'productClass = "OTHER"' }));
    const task = await applyNow('other-model');
    expect(await session(setAccepted)).toEqual([]);
    const faulted = await fixture().store.tasks.get(task.id);
    expect(faulted).toMatchObject({ status: 'faulted', fault: { code: 'precondition-not-met', transient: false } });
    expect(faulted?.fault?.message).toContain('productClass = "OTHER"');
    expect(await fixture().store.faults.get(device.id, 'default')).toBeNull();
  });

  it('faults with preset-not-found when the preset was deleted before the session', async () => {
    await fixture().store.presets.put(preset('gone', [{ reboot: true }]));
    const task = await applyNow('gone');
    await fixture().store.presets.delete('gone');
    expect(await session(setAccepted)).toEqual([]);
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: 'preset-not-found' } });
  });

  it("faults with the CPE's fault when one of the preset's RPCs faults, withdrawing the rest", async () => {
    await fixture().store.presets.put(preset('set-then-reboot', [{ setValues: [{ path: INTERVAL, value: 300 }] }, { reboot: true }]));
    const task = await applyNow('set-then-reboot');
    const sent = await session((rpc) => (rpc.kind === 'SetParameterValues' ? { fault: 9001, message: 'Request denied' } : { kind: 'RebootResponse' }));
    expect(sent.map((r) => r.kind)).toEqual(['SetParameterValues']);
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: '9001', message: 'Request denied' } });
  });

  it('plans once more after reading a table it had never seen, then adds the instance it asks for', async () => {
    const table = 'Device.NAT.PortMapping';
    await fixture().store.presets.put(
      preset('port-map', [{ ensureInstances: { object: table, key: 'Description', instances: [{ Description: 'voip', ExternalPort: 5060 }] } }]),
    );
    const task = await applyNow('port-map');
    const sent = await session((rpc): CpeResponse => {
      switch (rpc.kind) {
        case 'GetParameterNames':
          return { kind: 'GetParameterNamesResponse', parameterList: [{ name: `${table}.`, writable: true }] };
        case 'AddObject':
          return { kind: 'AddObjectResponse', instanceNumber: 4, status: 0 };
        case 'SetParameterValues':
          return { kind: 'SetParameterValuesResponse', status: 0 };
        default:
          throw new Error(`unexpected ${rpc.kind}`);
      }
    });
    expect(sent.map((r) => r.kind)).toEqual(['GetParameterNames', 'AddObject', 'SetParameterValues']);
    expect(sent[2]).toMatchObject({ parameterList: expect.arrayContaining([expect.objectContaining({ name: `${table}.4.Description` })]) });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done', presetRun: { round: 2 } });
  });

  it('is not planned a second time by the triggers of the Inform that runs it', async () => {
    const tune = preset('tune', [{ setValues: [{ path: INTERVAL, value: 300 }] }], { triggers: [{ anyInform: true }] });
    await fixture().store.presets.put(tune);
    fixture().presets.push(tune);
    const task = await applyNow('tune');
    expect(await session(setAccepted)).toHaveLength(1);
    expect((await fixture().store.tasks.list({}, { skip: 0, limit: 10 })).items.map((t) => t.id)).toEqual([task.id]);
  });

  it('plans a retried task afresh in its next session', async () => {
    await fixture().store.presets.put(preset('tune', [{ setValues: [{ path: INTERVAL, value: 300 }] }]));
    const task = await applyNow('tune');
    await session(() => ({ fault: 9001, message: 'Request denied' }));
    const retried = await fixture().useCases.retryTask.execute({ taskId: task.id });
    expect(retried).toMatchObject({ status: 'dispatched', workItemIds: [] });
    expect(retried.presetRun).toBeUndefined();
    await session(setAccepted);
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done' });
  });
});
