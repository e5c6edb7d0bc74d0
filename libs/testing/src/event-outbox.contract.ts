import type { BusMessage, DeferredBatch, DeviceQueue, EventOutbox } from '@acs/platform';

import { type ContractFactory, type ContractSubject, uniqueToken } from './contract-subject';
import { sampleWorkItem } from './device-queue.contract';

/** The outbox works on the device queue's parked prefix, so the two are tested together. */
export interface OutboxPair {
  outbox: EventOutbox;
  queue: DeviceQueue;
}

function message(deviceId: string, type: string): BusMessage {
  return { id: uniqueToken(), topic: 'cwmp.events', key: deviceId, type, time: new Date().toISOString(), data: { type } };
}

function batch(deviceId: string, types: string[], parkedItemId?: string): DeferredBatch {
  return { id: `batch-${uniqueToken()}`, deviceId, messages: types.map((t) => message(deviceId, t)), parkedItemId, deferredAt: Date.now() };
}

/** The EventOutbox port's rules (and the queue's parking rules it relies on), run against any adapter pair. */
export function describeEventOutboxContract(name: string, factory: ContractFactory<OutboxPair>): void {
  describe(`EventOutbox contract: ${name}`, () => {
    let subject: ContractSubject<OutboxPair> | undefined;
    let outbox: EventOutbox;
    let queue: DeviceQueue;
    let device: string;

    beforeEach(async () => {
      subject = await factory();
      ({ outbox, queue } = subject.adapter);
      device = `contract-${uniqueToken()}`;
    });
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('keeps deferred batches in order and reports the device pending', async () => {
      expect(await outbox.hasPending(device)).toBe(false);
      const first = batch(device, ['cwmp.inform']);
      const second = batch(device, ['cwmp.session.closed']);
      await outbox.defer(first);
      await outbox.defer(second);
      expect(await outbox.hasPending(device)).toBe(true);
      expect(await outbox.pendingDevices(1000)).toContain(device);
      expect((await outbox.peek(device, 10)).map((b) => b.id)).toEqual([first.id, second.id]);
      expect((await outbox.peek(device, 1)).map((b) => b.id)).toEqual([first.id]);
      expect((await outbox.peek(device, 10))[0].messages).toEqual(first.messages);
    });

    it('parks the result’s work item with the batch: lease skips it, nothing is removed', async () => {
      const items = [sampleWorkItem(device), sampleWorkItem(device), sampleWorkItem(device)];
      for (const item of items) await queue.enqueue(item);
      await outbox.defer(batch(device, ['cwmp.rpc.result'], items[0].id));
      expect(await queue.parked(device)).toBe(1);
      expect(await queue.size(device)).toBe(3);
      expect((await queue.lease(device))?.id).toBe(items[1].id);
      await outbox.defer(batch(device, ['cwmp.rpc.result'], items[1].id));
      expect((await queue.lease(device))?.id).toBe(items[2].id);
      expect(await queue.parked(device)).toBe(2);
    });

    it('refuses to park an item that is not the first unparked one, and stores nothing then', async () => {
      const items = [sampleWorkItem(device), sampleWorkItem(device)];
      for (const item of items) await queue.enqueue(item);
      await expect(outbox.defer(batch(device, ['cwmp.rpc.result'], items[1].id))).rejects.toThrow();
      expect(await outbox.hasPending(device)).toBe(false);
      expect(await queue.parked(device)).toBe(0);
    });

    it('release removes published batches and acknowledges their parked items, in one step', async () => {
      const items = [sampleWorkItem(device), sampleWorkItem(device)];
      for (const item of items) await queue.enqueue(item);
      const inform = batch(device, ['cwmp.inform']);
      const result = batch(device, ['cwmp.rpc.result'], items[0].id);
      const closed = batch(device, ['cwmp.session.closed']);
      for (const b of [inform, result, closed]) await outbox.defer(b);
      await outbox.release(device, [inform.id, result.id]);
      expect((await outbox.peek(device, 10)).map((b) => b.id)).toEqual([closed.id]);
      expect(await queue.size(device)).toBe(1);
      expect(await queue.parked(device)).toBe(0);
      expect((await queue.lease(device))?.id).toBe(items[1].id);
      await outbox.release(device, [closed.id]);
      expect(await outbox.hasPending(device)).toBe(false);
      expect(await outbox.pendingDevices(1000)).not.toContain(device);
    });

    it('release stops at the first id that is not the oldest batch (a stale relay cannot skip batches)', async () => {
      const a = batch(device, ['a']);
      const b = batch(device, ['b']);
      await outbox.defer(a);
      await outbox.defer(b);
      await outbox.release(device, [b.id]);
      expect((await outbox.peek(device, 10)).map((x) => x.id)).toEqual([a.id, b.id]);
    });

    it('a plain ack of a parked head also counts it off the parked prefix', async () => {
      const items = [sampleWorkItem(device), sampleWorkItem(device)];
      for (const item of items) await queue.enqueue(item);
      await outbox.defer(batch(device, ['cwmp.rpc.result'], items[0].id));
      await queue.ack(device, items[0].id);
      expect(await queue.parked(device)).toBe(0);
      expect((await queue.lease(device))?.id).toBe(items[1].id);
    });

    it('lets one relay at a time claim a device, until it unclaims or the claim expires', async () => {
      // pod-a's claim must outlast the next steps however slow this machine is; unclaim is what ends it.
      expect(await outbox.claim(device, 'pod-a', 60_000)).toBe(true);
      expect(await outbox.claim(device, 'pod-b', 200)).toBe(false);
      await outbox.unclaim(device, 'pod-b');
      expect(await outbox.claim(device, 'pod-b', 200)).toBe(false);
      await outbox.unclaim(device, 'pod-a');
      expect(await outbox.claim(device, 'pod-b', 100)).toBe(true);
      await new Promise((r) => setTimeout(r, 150));
      expect(await outbox.claim(device, 'pod-c', 100)).toBe(true);
    });

    it('never withdraws a parked item', async () => {
      const items = [sampleWorkItem(device), sampleWorkItem(device)];
      for (const item of items) await queue.enqueue(item);
      await outbox.defer(batch(device, ['cwmp.rpc.result'], items[0].id));
      expect(await queue.remove(device, items[0].id)).toBe(false);
      expect(await queue.remove(device, items[1].id)).toBe(true);
      expect(await queue.size(device)).toBe(1);
    });
  });
}
