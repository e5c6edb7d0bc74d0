import pino from 'pino';

import type { Task } from '../domain/task';
import { useProvisioningFixture } from '../testing/provisioning-fixture';
import { ReconcileDispatchedTasks } from './reconcile-dispatched-tasks.usecase';

describe('ReconcileDispatchedTasks', () => {
  let clock = 1_700_000_000_000;
  const fixture = useProvisioningFixture(() => ({ now: () => clock, tasks: { maxAttempts: 2 } }));
  beforeEach(() => {
    clock = 1_700_000_000_000;
  });

  function reconciler(pageSize?: number): ReconcileDispatchedTasks {
    const { store, queue, lifecycle } = fixture();
    return new ReconcileDispatchedTasks({ tasks: store.tasks, queue, lifecycle, logger: pino({ level: 'silent' }), pageSize });
  }

  async function dispatched(spec: Task['spec'] = { kind: 'reboot' }): Promise<Task> {
    const device = await fixture().registerDevice();
    return fixture().lifecycle.create({ deviceId: device.id, spec });
  }

  /** The gateway ran the item and acknowledged it; its result died with the process before provisioning saw it. */
  async function resultLost(task: Task, itemId = task.workItemIds[0]): Promise<void> {
    await fixture().queue.ack(task.deviceId, itemId);
  }

  it('puts a task whose work item was acknowledged without its result back to pending, due at once, and the tick dispatches it as a new attempt', async () => {
    const task = await dispatched();
    await resultLost(task);

    expect(await reconciler().execute()).toEqual({ checked: 1, redispatched: 1, faulted: 0 });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'pending', attempts: 1, notBefore: clock, workItemIds: [], fault: { code: 'work-lost', transient: true } });
    await fixture().nextMessage('acs.task', (m) => m.type === 'acs.task.retrying' && m.key === task.deviceId);

    await fixture().lifecycle.tick();
    const again = await fixture().store.tasks.get(task.id);
    expect(again).toMatchObject({ status: 'dispatched', attempts: 2 });
    expect((await fixture().queued(task.deviceId)).map((i) => i.id)).toEqual(again!.workItemIds);
  });

  it('counts the same for a task saved as dispatched whose items never reached the queue', async () => {
    const task = await dispatched();
    await fixture().queue.clear(task.deviceId);
    expect(await reconciler().execute()).toEqual({ checked: 1, redispatched: 1, faulted: 0 });
    expect((await fixture().store.tasks.get(task.id))?.status).toBe('pending');
  });

  it('leaves alone tasks whose work is all still queued, and tasks waiting for a TransferComplete', async () => {
    const queued = await dispatched({ kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.'] });
    const download = await dispatched({ kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files/fw.bin' });
    const [item] = await fixture().queued(download.deviceId);
    await fixture().queue.ack(download.deviceId, item.id);
    await fixture().lifecycle.onRpcResult({ sessionId: 's1', deviceId: item.deviceId, itemId: item.id, taskId: item.taskId, request: item.rpc, response: { kind: 'DownloadResponse', status: 1, startTime: '', completeTime: '' } });
    const waiting = await fixture().store.tasks.get(download.id);
    expect(waiting).toMatchObject({ status: 'dispatched', workItemIds: [] });

    expect(await reconciler().execute()).toEqual({ checked: 2, redispatched: 0, faulted: 0 });
    expect(await fixture().store.tasks.get(queued.id)).toEqual(queued);
    expect(await fixture().store.tasks.get(download.id)).toEqual(waiting);
  });

  it('withdraws what is left of an attempt that lost one of its items, so no stray answer moves the task later', async () => {
    const device = await fixture().registerDevice();
    const task = await fixture().lifecycle.create({ deviceId: device.id, spec: { kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.'] } });
    // A second step of the same attempt, queued behind the first (as a multi-step task's next RPCs are).
    const [first] = await fixture().queued(device.id);
    const step = { ...first, id: `${first.id}-2`, rpc: { kind: 'GetParameterValues' as const, parameterNames: ['Device.WiFi.'] } };
    await fixture().queue.enqueue(step);
    await fixture().store.tasks.update({ ...task, workItemIds: [first.id, step.id], revision: task.revision + 1 });
    const other = await fixture().lifecycle.create({ deviceId: device.id, spec: { kind: 'reboot' } });
    await resultLost(task);

    expect(await reconciler().execute()).toEqual({ checked: 2, redispatched: 1, faulted: 0 });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'pending', workItemIds: [] });
    // The lost attempt's second step is withdrawn; the device's other task keeps its place.
    expect((await fixture().queued(device.id)).map((i) => i.id)).toEqual(other.workItemIds);
    expect((await fixture().store.tasks.get(other.id))?.status).toBe('dispatched');
  });

  it('faults a task whose work is lost once more when it has no attempts left', async () => {
    const task = await dispatched();
    await resultLost(task);
    await reconciler().execute();
    await fixture().lifecycle.tick();
    const second = (await fixture().store.tasks.get(task.id))!;
    expect(second).toMatchObject({ status: 'dispatched', attempts: 2 });
    await resultLost(second);

    expect(await reconciler().execute()).toEqual({ checked: 1, redispatched: 0, faulted: 1 });
    expect(await fixture().store.tasks.get(task.id)).toMatchObject({ status: 'faulted', fault: { code: 'work-lost' } });
    expect(await fixture().store.faults.get(task.deviceId, 'default')).toMatchObject({ code: 'work-lost', detail: { taskId: task.id } });
  });

  it('finds every lost task across pages while the ones it moves on leave the listing', async () => {
    const tasks: Task[] = [];
    for (let i = 0; i < 7; i++) {
      clock += 1;
      tasks.push(await dispatched());
    }
    const lost = tasks.filter((_, i) => i % 3 !== 1);
    for (const task of lost) await resultLost(task);

    expect(await reconciler(2).execute()).toEqual({ checked: 7, redispatched: lost.length, faulted: 0 });
    for (const task of tasks) {
      expect({ id: task.id, status: (await fixture().store.tasks.get(task.id))?.status }).toEqual({ id: task.id, status: lost.includes(task) ? 'pending' : 'dispatched' });
    }
  });
});
