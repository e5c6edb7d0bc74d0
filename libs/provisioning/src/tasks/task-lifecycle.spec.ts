import type { RpcFaultEventData, RpcResultEventData } from '@acs/contracts';
import type { WorkItem } from '@acs/platform';

import type { Task } from '../domain/task';
import { useProvisioningFixture } from '../testing/provisioning-fixture';
import type { CreateTaskInput } from './task-lifecycle';
import { TaskStateError } from './task-lifecycle';

describe('TaskLifecycle', () => {
  let clock = 1_700_000_000_000;
  const fixture = useProvisioningFixture(() => ({ now: () => clock, tasks: { retryBaseMs: 1000, retryMaxMs: 4000, defaultExpiryMs: 60_000 } }));
  beforeEach(() => {
    clock = 1_700_000_000_000;
  });

  async function created(overrides: Partial<CreateTaskInput> = {}) {
    const device = await fixture().registerDevice();
    const task = await fixture().lifecycle.create({ deviceId: device.id, spec: { kind: 'reboot' }, ...overrides });
    return { device, task };
  }

  function answered(item: WorkItem, response: RpcResultEventData['response']): RpcResultEventData {
    return { sessionId: 's1', deviceId: item.deviceId, itemId: item.id, taskId: item.taskId, request: item.rpc, response };
  }

  it('creates a task dispatched: its RPCs queued, the task saved first, `dispatched` published', async () => {
    const { device, task } = await created({ source: 'preset:x', channel: 'wifi' });
    // One write: the insert that creates it names its first attempt's items.
    expect(task).toMatchObject({ status: 'dispatched', attempts: 1, source: 'preset:x', channel: 'wifi', revision: 1, dispatchedAt: clock, expiresAt: clock + 60_000 });
    const items = await fixture().queued(device.id);
    expect(items.map((i) => i.rpc.kind)).toEqual(['Reboot']);
    expect(task.workItemIds).toEqual(items.map((i) => i.id));
    expect(await fixture().store.tasks.get(task.id)).toEqual(task);
    const event = await fixture().nextMessage('acs.task', (m) => m.key === device.id);
    expect(event).toMatchObject({ type: 'acs.task.dispatched', data: { taskId: task.id, status: 'dispatched', kind: 'reboot', source: 'preset:x' } });
  });

  it('wakes the device when the task asks for it, with what the inventory knows of its connection request URL', async () => {
    const { device, task } = await created({ connectionRequest: true });
    const command = await fixture().nextMessage('cwmp.commands', (m) => m.key === device.id);
    expect(command.data).toMatchObject({ deviceId: device.id, taskIds: [task.id], url: 'http://198.51.100.7:7547/cr' });
  });

  it('queues the next step of a multi-step task and completes it on the last answer', async () => {
    const { device, task } = await created({ spec: { kind: 'refreshObject', path: 'Device.WiFi.' } });
    const [gpn] = await fixture().queued(device.id);
    await fixture().queue.ack(device.id, gpn.id);
    await fixture().lifecycle.onRpcResult(answered(gpn, { kind: 'GetParameterNamesResponse', parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', writable: true }] }));
    const [gpv] = await fixture().queued(device.id);
    expect(gpv.rpc).toEqual({ kind: 'GetParameterValues', parameterNames: ['Device.WiFi.SSID.1.SSID'] });
    expect((await fixture().store.tasks.get(task.id))?.workItemIds).toEqual([gpv.id]);

    await fixture().lifecycle.onRpcResult(answered(gpv, { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.WiFi.SSID.1.SSID', value: { type: 'string', value: 'x' } }] }));
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done', completedAt: clock, workItemIds: [], result: { refreshed: 'Device.WiFi.' } });
    await fixture().nextMessage('acs.task', (m) => m.type === 'acs.task.done');
  });

  it('retries a transient fault with back-off, then dispatches it again when due', async () => {
    const { device, task } = await created();
    const [item] = await fixture().queued(device.id);
    await fixture().lifecycle.onRpcFault({ ...answered(item, { kind: 'RebootResponse' }), fault: { kind: 'Fault', soapFaultCode: 'Server', faultCode: 9002, faultString: 'Internal error', setParameterValuesFault: [] } });
    const retrying = await fixture().store.tasks.get(task.id);
    expect(retrying).toMatchObject({ status: 'pending', notBefore: clock + 1000, fault: { code: '9002', transient: true }, workItemIds: [] });
    expect(await fixture().queued(device.id)).toEqual([]);

    await fixture().lifecycle.tick();
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('pending');
    clock += 1000;
    await fixture().lifecycle.tick();
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'dispatched', attempts: 2 });
    expect(await fixture().queued(device.id)).toHaveLength(1);
  });

  it('never shows the tick a task it has just created or retried: nothing for it to dispatch a second time', async () => {
    const { device, task } = await created();
    expect(await fixture().store.tasks.due(clock, 10)).toEqual([]);
    await fixture().lifecycle.cancel(task.id);
    const retried = await fixture().lifecycle.retry(task.id);
    expect(retried).toMatchObject({ status: 'dispatched', attempts: 1, revision: task.revision + 2 });
    expect(await fixture().store.tasks.due(clock, 10)).toEqual([]);
    await fixture().lifecycle.tick();
    expect((await fixture().queued(device.id)).map((item) => item.id)).toEqual(retried.workItemIds);
    // A retry asked again meanwhile finds the task under way.
    await expect(fixture().lifecycle.retry(task.id)).rejects.toBeInstanceOf(TaskStateError);
  });

  it('applies an answer once: a redelivered result queues no second step, a late fault of an earlier attempt is ignored', async () => {
    const { device, task } = await created({ spec: { kind: 'addObject', path: 'Device.WiFi.SSID.', values: [{ name: 'SSID', value: 'guest' }] } });
    const [add] = await fixture().queued(device.id);
    await fixture().queue.ack(device.id, add.id);
    const result = answered(add, { kind: 'AddObjectResponse', instanceNumber: 2, status: 0 });
    await fixture().lifecycle.onRpcResult(result);
    await fixture().lifecycle.onRpcResult(result);
    const queued = await fixture().queued(device.id);
    expect(queued.map((item) => item.rpc.kind)).toEqual(['SetParameterValues']);
    expect((await fixture().store.tasks.get(task.id))?.workItemIds).toEqual(queued.map((item) => item.id));

    // The SetParameterValues faults transiently; the retry's attempt is under way when the same fault comes again.
    const fault: RpcFaultEventData = {
      ...answered(queued[0], { kind: 'SetParameterValuesResponse', status: 0 }),
      fault: { kind: 'Fault', soapFaultCode: 'Server', faultCode: 9002, faultString: 'Internal error', setParameterValuesFault: [] },
    };
    await fixture().lifecycle.onRpcFault(fault);
    clock += 1000;
    await fixture().lifecycle.tick();
    const second = await fixture().store.tasks.get(task.id);
    expect(second).toMatchObject({ status: 'dispatched', attempts: 2 });
    await fixture().lifecycle.onRpcFault(fault);
    expect(await fixture().store.tasks.get(task.id)).toEqual(second);
  });

  it('faults a task on a permanent fault and raises the fault on its channel', async () => {
    const { device, task } = await created({ channel: 'wifi' });
    const [item] = await fixture().queued(device.id);
    await fixture().lifecycle.onRpcFault({
      ...answered(item, { kind: 'RebootResponse' }),
      fault: { kind: 'Fault', soapFaultCode: 'Client', faultCode: 9047, faultString: 'Invalid value', setParameterValuesFault: [{ parameterName: 'Device.X', faultCode: 9007, faultString: 'bad' }] },
    });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: '9047', transient: false, parameters: [{ path: 'Device.X', code: 9007, message: 'bad' }] } });
    expect(await fixture().store.faults.get(device.id, 'wifi')).toMatchObject({ code: '9047', detail: { taskId: task.id } });
  });

  it('ends a transfer with its TransferComplete, and ignores one naming another device\'s task', async () => {
    const { device, task } = await created({ spec: { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files/fw.bin' } });
    const [item] = await fixture().queued(device.id);
    await fixture().lifecycle.onRpcResult(answered(item, { kind: 'DownloadResponse', status: 1, startTime: '', completeTime: '' }));
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'dispatched', workItemIds: [] });

    const complete = { kind: 'TransferComplete', commandKey: task.id, fault: { faultCode: 0, faultString: '' }, startTime: 'a', completeTime: 'b' } as const;
    await fixture().lifecycle.onTransferComplete('someone-else', complete);
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('dispatched');
    await fixture().lifecycle.onTransferComplete(device.id, complete);
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done', result: { startTime: 'a', completeTime: 'b' } });
  });

  it('fails the dispatched tasks a connection request could not wake the device for, at once', async () => {
    const { device, task } = await created({ connectionRequest: true });
    await fixture().lifecycle.onConnectionRequest({ deviceId: device.id, taskIds: [task.id], result: 'woke', via: 'http', durationMs: 5, message: '' });
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('dispatched');
    await fixture().lifecycle.onConnectionRequest({ deviceId: device.id, taskIds: [task.id], result: 'unreachable', via: 'http', durationMs: 5, message: 'ECONNREFUSED' });
    const faulted = await fixture().store.tasks.get(task.id);
    expect(faulted).toMatchObject({ status: 'faulted', fault: { code: 'cr-unreachable', transient: true } });
    expect(faulted?.fault?.message).toMatch(/could not be reached.*ECONNREFUSED/);
    expect(await fixture().queued(device.id)).toEqual([]);
  });

  it('cancels an active task (withdrawing its work) once, and retries only ended ones', async () => {
    const { device, task } = await created();
    await expect(fixture().lifecycle.retry(task.id)).rejects.toBeInstanceOf(TaskStateError);
    expect((await fixture().lifecycle.cancel(task.id)).status).toBe('cancelled');
    expect(await fixture().queued(device.id)).toEqual([]);
    await expect(fixture().lifecycle.cancel(task.id)).rejects.toBeInstanceOf(TaskStateError);

    const retried = await fixture().lifecycle.retry(task.id, { connectionRequest: true });
    expect(retried).toMatchObject({ status: 'dispatched', attempts: 1, connectionRequest: true, fault: undefined });
    expect(await fixture().queued(device.id)).toHaveLength(1);
  });

  it('expires overdue tasks on tick, withdrawing their work and publishing `expired`', async () => {
    const { device, task } = await created({ expiresInMs: 5000 });
    clock += 5000;
    await fixture().lifecycle.tick();
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('expired');
    expect(await fixture().queued(device.id)).toEqual([]);
    await fixture().nextMessage('acs.task', (m) => m.type === 'acs.task.expired' && m.key === device.id);
  });

  it('re-reads and re-applies a write that lost its compare-and-set to another writer', async () => {
    const { device, task } = await created();
    // Another pod bumped the task meanwhile: the lifecycle's copy is stale.
    await fixture().store.tasks.update({ ...task, revision: task.revision + 1 });
    const [item] = await fixture().queued(device.id);
    await fixture().lifecycle.onRpcResult(answered(item, { kind: 'RebootResponse' }));
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'done', revision: task.revision + 2 });
  });

  it('queues an attempt’s work once when two ticks (two pods) both dispatch a pending task', async () => {
    const now = clock;
    const pending: Task = {
      id: 'task-1',
      deviceId: '00D09E-HG8245-SN1',
      spec: { kind: 'reboot' },
      status: 'pending',
      source: 'api',
      channel: 'default',
      attempts: 0,
      maxAttempts: 3,
      createdAt: now,
      updatedAt: now,
      workItemIds: [],
      revision: 1,
    };
    const { store, queue, lifecycle: manager } = fixture();
    await store.tasks.create(pending);
    // Both hold the pending task as their due() read it.
    const first = await manager.dispatch(pending);
    const second = await manager.dispatch(pending);
    expect(second).toMatchObject({ status: 'dispatched', attempts: 1, workItemIds: first.workItemIds });
    expect((await queue.list(pending.deviceId)).map((item) => item.id)).toEqual(first.workItemIds);
    expect(await manager.get(pending.id)).toMatchObject({ attempts: 1, workItemIds: first.workItemIds });
  });
});
