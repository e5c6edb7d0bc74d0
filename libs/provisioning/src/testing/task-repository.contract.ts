import type { Task } from '../domain';
import { DuplicateTaskError, type TaskRepository, type TaskResultRepository } from '../repositories/ports';
import { RESULT_CHUNK_MAX_ENTRIES } from '../repositories/task-result.repository';
import { concurrentWritesIt, sampleTask, useStoreSubject, type ProvisioningStoreFactory } from './store-subject';

const T0 = 1_700_000_000_000;

/** The TaskRepository port's rules, run against any store. */
export function describeTaskRepositoryContract(name: string, factory: ProvisioningStoreFactory): void {
  describe(`TaskRepository contract: ${name}`, () => {
    const subject = useStoreSubject(factory);
    const tasks = (): TaskRepository => subject().store.tasks;
    const itConcurrent = concurrentWritesIt(subject);

    async function created(overrides: Partial<Task>): Promise<Task> {
      const task = sampleTask(overrides);
      await tasks().create(task);
      return task;
    }

    it('creates and reads a task with every field intact (results keyed by dotted paths included)', async () => {
      const task = sampleTask({
        spec: { kind: 'setParameterValues', values: [{ path: 'Device.WiFi.SSID.1.SSID', value: 'home', type: 'xsd:string' }] },
        status: 'done',
        notBefore: T0 + 5,
        expiresAt: T0 + 60_000,
        dispatchedAt: T0 + 10,
        completedAt: T0 + 20,
        workItemIds: ['w1', 'w2'],
        result: { 'Device.DeviceInfo.SoftwareVersion': '1.0', $odd: [1, { 'a.b': true }] },
        fault: { code: '9003', message: 'Invalid arguments', transient: false, parameters: [{ path: 'Device.X', code: 9007, message: 'bad' }] },
      });
      await tasks().create(task);
      expect(await tasks().get(task.id)).toEqual(task);
      expect(await tasks().get('no-such-task')).toBeNull();
      await expect(tasks().create(task)).rejects.toBeInstanceOf(DuplicateTaskError);
    });

    it('leaves out fields set to undefined instead of storing them', async () => {
      const task = await created({ notBefore: T0 });
      expect(await tasks().update({ ...task, notBefore: undefined, revision: 2 })).toBe(true);
      const stored = (await tasks().get(task.id))!;
      expect('notBefore' in stored).toBe(false);
      expect(await tasks().due(T0, 10)).toEqual([stored]);
    });

    it('updates by compare-and-set on the revision', async () => {
      const task = await created({});
      const dispatched: Task = { ...task, status: 'dispatched', attempts: 1, revision: 2, workItemIds: ['w1'] };
      expect(await tasks().update(dispatched)).toBe(true);
      expect(await tasks().get(task.id)).toEqual(dispatched);
      // Stale: written from revision 1 again.
      expect(await tasks().update({ ...task, status: 'cancelled', revision: 2 })).toBe(false);
      // Skipping a revision.
      expect(await tasks().update({ ...dispatched, status: 'done', revision: 4 })).toBe(false);
      expect(await tasks().get(task.id)).toEqual(dispatched);
      expect(await tasks().update({ ...sampleTask(), revision: 2 })).toBe(false);
    });

    itConcurrent('lets exactly one of two concurrent writers of the same revision win', async () => {
      const task = await created({});
      const results = await Promise.all([
        tasks().update({ ...task, status: 'done', revision: 2 }),
        tasks().update({ ...task, status: 'cancelled', revision: 2 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await tasks().get(task.id))!.status).toBe(results[0] ? 'done' : 'cancelled');
    });

    it('lists by device, status and source, newest first, with the total', async () => {
      const a1 = await created({ deviceId: 'A', createdAt: T0 + 1 });
      const a2 = await created({ deviceId: 'A', createdAt: T0 + 2, status: 'done', source: 'preset:wifi' });
      const a3 = await created({ deviceId: 'A', createdAt: T0 + 3, status: 'faulted' });
      const b1 = await created({ deviceId: 'B', createdAt: T0 + 4, source: 'preset:wifi' });
      const page = { skip: 0, limit: 10 };
      expect(await tasks().list({}, page)).toEqual({ items: [b1, a3, a2, a1], total: 4 });
      expect(await tasks().list({ deviceId: 'A' }, page)).toEqual({ items: [a3, a2, a1], total: 3 });
      expect(await tasks().list({ deviceId: 'A', status: ['done', 'faulted'] }, page)).toEqual({ items: [a3, a2], total: 2 });
      expect(await tasks().list({ source: 'preset:wifi' }, page)).toEqual({ items: [b1, a2], total: 2 });
      expect(await tasks().list({}, { skip: 1, limit: 2 })).toEqual({ items: [a3, a2], total: 4 });
      expect(await tasks().list({ status: [] }, page)).toEqual({ items: [], total: 0 });
    });

    it('finds due tasks: pending, notBefore come or absent, longest waiting first', async () => {
      const noDelay = await created({ createdAt: T0 + 10 });
      const retryDue = await created({ createdAt: T0, notBefore: T0 + 50 });
      await created({ createdAt: T0, notBefore: T0 + 500 });
      await created({ createdAt: T0, status: 'dispatched' });
      await created({ createdAt: T0, status: 'done' });
      expect(await tasks().due(T0 + 100, 10)).toEqual([noDelay, retryDue]);
      expect(await tasks().due(T0 + 100, 1)).toEqual([noDelay]);
      expect(await tasks().due(T0 + 5, 10)).toEqual([]);
      expect(await tasks().due(T0 + 100, 0)).toEqual([]);
      // Dispatched, it is no longer due.
      await tasks().update({ ...noDelay, status: 'dispatched', revision: 2 });
      expect(await tasks().due(T0 + 100, 10)).toEqual([retryDue]);
    });

    it("lists a device's active (pending, dispatched) tasks oldest first", async () => {
      const later = await created({ deviceId: 'A', createdAt: T0 + 2, status: 'dispatched' });
      const earlier = await created({ deviceId: 'A', createdAt: T0 + 1 });
      await created({ deviceId: 'A', createdAt: T0, status: 'done' });
      await created({ deviceId: 'A', createdAt: T0, status: 'expired' });
      await created({ deviceId: 'B', createdAt: T0 });
      expect(await tasks().activeForDevice('A')).toEqual([earlier, later]);
      expect(await tasks().activeForDevice('nobody')).toEqual([]);
    });

    it('expires unfinished tasks past expiresAt, once, keeping their work items for withdrawal', async () => {
      const pending = await created({ createdAt: T0, expiresAt: T0 + 100 });
      const dispatched = await created({ createdAt: T0 + 1, status: 'dispatched', expiresAt: T0 + 100, workItemIds: ['w1'], revision: 3 });
      const done = await created({ status: 'done', expiresAt: T0 + 100 });
      const notYet = await created({ expiresAt: T0 + 1000 });
      const forever = await created({});

      const expired = await tasks().expire(T0 + 100);
      expect(expired.map((t) => t.id).sort()).toEqual([pending.id, dispatched.id].sort());
      const expiredDispatched = expired.find((t) => t.id === dispatched.id)!;
      expect(expiredDispatched).toMatchObject({ status: 'expired', revision: 4, updatedAt: T0 + 100, completedAt: T0 + 100, workItemIds: ['w1'] });
      expect(expiredDispatched.fault).toMatchObject({ code: 'expired', transient: false });
      expect(await tasks().get(dispatched.id)).toEqual(expiredDispatched);
      expect(await tasks().get(done.id)).toEqual(done);
      expect(await tasks().get(notYet.id)).toEqual(notYet);
      expect(await tasks().get(forever.id)).toEqual(forever);
      expect(await tasks().expire(T0 + 100)).toEqual([]);
      expect(await tasks().due(T0 + 100, 10)).toEqual([notYet, forever].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)));
    });

    it('deletes a task', async () => {
      const task = await created({});
      expect(await tasks().delete(task.id)).toBe(true);
      expect(await tasks().delete(task.id)).toBe(false);
      expect(await tasks().get(task.id)).toBeNull();
    });

    const results = (): TaskResultRepository => subject().store.taskResults;
    const entriesOf = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ path: `Device.X.${from + i}.Name`, value: `v${from + i}`, type: 'string' }));

    it('keeps a large result in chunks and reads any range of it, in order, across chunk boundaries', async () => {
      const task = await created({ status: 'done' });
      const entries = entriesOf(2 * RESULT_CHUNK_MAX_ENTRIES + 7);
      await results().save(task.id, 'parameter_values', entries);
      expect(await results().read(task.id, { skip: 0, limit: entries.length + 10 })).toEqual(entries);
      expect(await results().read(task.id, { skip: RESULT_CHUNK_MAX_ENTRIES - 3, limit: 6 })).toEqual(entries.slice(RESULT_CHUNK_MAX_ENTRIES - 3, RESULT_CHUNK_MAX_ENTRIES + 3));
      expect(await results().read(task.id, { skip: entries.length - 1, limit: 5 })).toEqual(entries.slice(-1));
      expect(await results().read(task.id, { skip: entries.length, limit: 5 })).toEqual([]);
      expect(await results().read('no-such-task', { skip: 0, limit: 5 })).toEqual([]);
    });

    it('cuts chunks by bytes too, so long values do not make an oversized document', async () => {
      const task = await created({ status: 'done' });
      const long = 'x'.repeat(300 * 1024);
      const entries = [0, 1, 2, 3, 4].map((i) => ({ path: `Device.Log.${i}`, value: long, type: 'string' }));
      await results().save(task.id, 'parameter_values', entries);
      expect(await results().read(task.id, { skip: 2, limit: 3 })).toEqual(entries.slice(2));
    });

    it('replaces a result written again, and deletes it with its task', async () => {
      const task = await created({ status: 'done' });
      await results().save(task.id, 'parameter_values', entriesOf(RESULT_CHUNK_MAX_ENTRIES + 1));
      await results().save(task.id, 'names', [{ name: 'Device.', writable: false }]);
      expect(await results().read(task.id, { skip: 0, limit: 10_000 })).toEqual([{ name: 'Device.', writable: false }]);
      const other = await created({ status: 'done' });
      await results().save(other.id, 'parameter_values', entriesOf(3));
      expect(await tasks().delete(task.id)).toBe(true);
      expect(await results().read(task.id, { skip: 0, limit: 10 })).toEqual([]);
      expect(await results().read(other.id, { skip: 0, limit: 10 })).toEqual(entriesOf(3));
    });
  });
}
