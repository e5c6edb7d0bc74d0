import type { DeviceQueue, WorkItem } from '@acs/platform';

import { type ContractFactory, type ContractSubject, uniqueToken } from './contract-subject';

/** A work item for `deviceId` running a Reboot. */
export function sampleWorkItem(deviceId: string, overrides: Partial<WorkItem> = {}): WorkItem {
  const id = `item-${uniqueToken()}`;
  return { id, deviceId, rpc: { kind: 'Reboot', commandKey: id }, enqueuedAt: Date.now(), ...overrides };
}

/** The DeviceQueue port's rules, run against any adapter. */
export function describeDeviceQueueContract(name: string, factory: ContractFactory<DeviceQueue>): void {
  describe(`DeviceQueue contract: ${name}`, () => {
    let subject: ContractSubject<DeviceQueue> | undefined;
    let queue: DeviceQueue;
    let device: string;

    beforeEach(async () => {
      subject = await factory();
      queue = subject.adapter;
      device = `contract-${uniqueToken()}`;
    });
    afterEach(async () => {
      // Absent when the factory failed (server down): the test already failed with the factory's message.
      await subject?.cleanup();
      subject = undefined;
    });

    async function enqueueThree(): Promise<WorkItem[]> {
      const items = [
        sampleWorkItem(device, { taskId: 'task-1', holdRequests: true }),
        sampleWorkItem(device, { rpc: { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.'] } }),
        sampleWorkItem(device),
      ];
      for (const item of items) await queue.enqueue(item);
      return items;
    }

    it('is empty for a device that never had work', async () => {
      expect(await queue.lease(device)).toBeNull();
      expect(await queue.size(device)).toBe(0);
      expect(await queue.list(device)).toEqual([]);
    });

    it('keeps items in FIFO order with every field intact', async () => {
      const items = await enqueueThree();
      expect(await queue.list(device)).toEqual(items);
      expect(await queue.size(device)).toBe(3);
    });

    it('leases the head without removing it', async () => {
      const [first] = await enqueueThree();
      expect(await queue.lease(device)).toEqual(first);
      expect(await queue.lease(device)).toEqual(first);
      expect(await queue.size(device)).toBe(3);
    });

    it('removes the head on ack and leases the next one after it', async () => {
      const [first, second, third] = await enqueueThree();
      await queue.ack(device, first.id);
      expect(await queue.lease(device)).toEqual(second);
      await queue.ack(device, second.id);
      await queue.ack(device, third.id);
      expect(await queue.lease(device)).toBeNull();
      expect(await queue.size(device)).toBe(0);
    });

    it('ignores an ack for an item that is not the head', async () => {
      const items = await enqueueThree();
      await queue.ack(device, items[1].id);
      await queue.ack(device, 'no-such-item');
      expect(await queue.list(device)).toEqual(items);
    });

    it('treats a repeated ack as a no-op instead of removing the next item', async () => {
      const [first, second, third] = await enqueueThree();
      await queue.ack(device, first.id);
      await queue.ack(device, first.id);
      expect(await queue.list(device)).toEqual([second, third]);
    });

    it('removes exactly one item when two pods ack the same head at once', async () => {
      const [first, second, third] = await enqueueThree();
      await Promise.all([queue.ack(device, first.id), queue.ack(device, first.id)]);
      expect(await queue.list(device)).toEqual([second, third]);
    });

    it('accepts an ack on a device with no queue', async () => {
      await expect(queue.ack(device, 'nothing')).resolves.toBeUndefined();
      expect(await queue.size(device)).toBe(0);
    });

    it('clears every item of a device and accepts new work afterwards', async () => {
      await enqueueThree();
      await queue.clear(device);
      expect(await queue.size(device)).toBe(0);
      expect(await queue.lease(device)).toBeNull();
      await queue.clear(device);
      const item = sampleWorkItem(device);
      await queue.enqueue(item);
      expect(await queue.list(device)).toEqual([item]);
    });

    it('keeps the queues of different devices apart', async () => {
      const other = `${device}-{other}`;
      const mine = await enqueueThree();
      const theirs = sampleWorkItem(other);
      await queue.enqueue(theirs);
      expect(await queue.list(other)).toEqual([theirs]);
      await queue.ack(other, mine[0].id);
      await queue.ack(device, theirs.id);
      expect(await queue.list(device)).toEqual(mine);
      await queue.clear(other);
      expect(await queue.size(device)).toBe(3);
    });

    it('returns copies: changing a leased or listed item does not change the queue', async () => {
      const [first] = await enqueueThree();
      const leased = (await queue.lease(device))!;
      leased.id = 'changed';
      (await queue.list(device))[0].taskId = 'changed';
      expect(await queue.lease(device)).toEqual(first);
    });

    it('withdraws an item by id wherever it is, and reports whether it did', async () => {
      const items = await enqueueThree();
      expect(await queue.remove(device, items[1].id)).toBe(true);
      expect(await queue.remove(device, items[1].id)).toBe(false);
      expect(await queue.remove(device, 'no-such-item')).toBe(false);
      expect((await queue.list(device)).map((i) => i.id)).toEqual([items[0].id, items[2].id]);
    });
  });
}
