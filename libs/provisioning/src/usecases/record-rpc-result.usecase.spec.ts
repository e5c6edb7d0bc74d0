import { answerProcessedMark } from '@acs/contracts';
import type { WorkItem } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('RecordRpcResult', () => {
  const fixture = useProvisioningFixture();

  async function dispatched(spec: Parameters<ReturnType<typeof fixture>['useCases']['createTask']['execute']>[0]['spec']) {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec });
    const [item] = await fixture().queued(device.id);
    return { device, task, item };
  }

  const scoped = (item: WorkItem) => ({ sessionId: 'session-1', deviceId: item.deviceId, itemId: item.id, taskId: item.taskId, request: item.rpc });

  it('has the inventory learn an answer, moves its task on, and marks the answer processed for the waiting gateway', async () => {
    const { device, task, item } = await dispatched({ kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.SoftwareVersion'] });
    await fixture().useCases.recordRpcResult.answer({
      ...scoped(item),
      response: { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '2.0.1' } }] },
    });
    expect((await fixture().store.devices.get(device.id))?.softwareVersion).toBe('2.0.1');
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('done');
    expect(await fixture().sessions.isPlanned(device.id, answerProcessedMark('session-1', item.id))).toBe(true);
  });

  it('learns from answers to work that belongs to no task, without marking them', async () => {
    const device = await fixture().registerDevice();
    await fixture().useCases.recordRpcResult.answer({
      sessionId: 'session-1',
      deviceId: device.id,
      itemId: 'raw-1',
      request: { kind: 'GetParameterValues', parameterNames: ['Device.WiFi.SSID.1.SSID'] },
      response: { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'office' } }] },
    });
    expect((await fixture().store.devices.get(device.id))?.parameters['Device.WiFi.SSID.1.SSID']).toMatchObject({ value: 'office' });
    expect(await fixture().sessions.isPlanned(device.id, answerProcessedMark('session-1', 'raw-1'))).toBe(false);
  });

  it('faults a task on a fault and marks it processed', async () => {
    const { device, task, item } = await dispatched({ kind: 'reboot' });
    await fixture().useCases.recordRpcResult.fault({ ...scoped(item), fault: { kind: 'Fault', soapFaultCode: 'Client', faultCode: 9001, faultString: 'Request denied', setParameterValuesFault: [] } });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: '9001' } });
    expect(await fixture().sessions.isPlanned(device.id, answerProcessedMark('session-1', item.id))).toBe(true);
  });

  it('ends a transfer task with its TransferComplete and ignores other CPE requests', async () => {
    const { device, task, item } = await dispatched({ kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files/fw.bin' });
    await fixture().useCases.recordRpcResult.answer({ ...scoped(item), response: { kind: 'DownloadResponse', status: 1, startTime: '', completeTime: '' } });
    await fixture().useCases.recordRpcResult.cpeRequest({ sessionId: 's2', deviceId: device.id, request: { kind: 'Kicked', command: '', referer: '', arg: '', next: '' } });
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('dispatched');
    await fixture().useCases.recordRpcResult.cpeRequest({
      sessionId: 's2',
      deviceId: device.id,
      request: { kind: 'TransferComplete', commandKey: task.id, fault: { faultCode: 9012, faultString: 'File transfer server authentication failure' }, startTime: '', completeTime: '' },
    });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: '9012', transient: false } });
  });

  it('fails the tasks a connection request could not wake the device for', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' }, connectionRequest: true });
    await fixture().useCases.recordRpcResult.connectionRequest({ deviceId: device.id, taskIds: [task.id], result: 'auth-failed', via: 'http', status: 401, durationMs: 3, message: '401' });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: 'cr-auth-failed' } });
  });
});
