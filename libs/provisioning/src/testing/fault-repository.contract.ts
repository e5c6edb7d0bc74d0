import type { FaultRepository } from '../repositories/ports';
import { concurrentWritesIt, useStoreSubject, type ProvisioningStoreFactory } from './store-subject';

const T0 = 1_700_000_000_000;

/** The FaultRepository port's rules, run against any store. */
export function describeFaultRepositoryContract(name: string, factory: ProvisioningStoreFactory): void {
  describe(`FaultRepository contract: ${name}`, () => {
    const subject = useStoreSubject(factory);
    const faults = (): FaultRepository => subject().store.faults;
    const itConcurrent = concurrentWritesIt(subject);

    it('creates a fault on first raise, then counts retries keeping firstAt', async () => {
      const first = await faults().raise({ deviceId: 'A', channel: 'wifi', code: '9002', message: 'Internal error', detail: { 'Device.X': 1 }, at: T0 });
      expect(first).toEqual({ deviceId: 'A', channel: 'wifi', code: '9002', message: 'Internal error', detail: { 'Device.X': 1 }, retries: 0, firstAt: T0, lastAt: T0 });
      const second = await faults().raise({ deviceId: 'A', channel: 'wifi', code: 'timeout', message: 'no answer', at: T0 + 10 });
      expect(second).toEqual({ deviceId: 'A', channel: 'wifi', code: 'timeout', message: 'no answer', retries: 1, firstAt: T0, lastAt: T0 + 10 });
      expect(await faults().get('A', 'wifi')).toEqual(second);
      expect(await faults().get('A', 'other')).toBeNull();
    });

    itConcurrent('counts every one of concurrent raises', async () => {
      await Promise.all([1, 2, 3].map((i) => faults().raise({ deviceId: 'A', channel: 'c', code: 'x', message: 'm', at: T0 + i })));
      expect((await faults().get('A', 'c'))!.retries).toBe(2);
    });

    it('clears a fault', async () => {
      await faults().raise({ deviceId: 'A', channel: 'wifi', code: 'x', message: 'm', at: T0 });
      expect(await faults().clear('A', 'wifi')).toBe(true);
      expect(await faults().clear('A', 'wifi')).toBe(false);
      expect(await faults().get('A', 'wifi')).toBeNull();
      const again = await faults().raise({ deviceId: 'A', channel: 'wifi', code: 'x', message: 'm', at: T0 + 1 });
      expect(again.retries).toBe(0);
    });

    it('keeps devices and channels apart, even when their names could run together', async () => {
      await faults().raise({ deviceId: 'A:b', channel: 'c', code: '1', message: 'm', at: T0 });
      await faults().raise({ deviceId: 'A', channel: 'b:c', code: '2', message: 'm', at: T0 });
      expect((await faults().get('A:b', 'c'))!.code).toBe('1');
      expect((await faults().get('A', 'b:c'))!.code).toBe('2');
    });

    it('lists by device or channel, latest first, with the total', async () => {
      await faults().raise({ deviceId: 'A', channel: 'wifi', code: '1', message: 'm', at: T0 + 1 });
      await faults().raise({ deviceId: 'A', channel: 'acs', code: '2', message: 'm', at: T0 + 3 });
      await faults().raise({ deviceId: 'B', channel: 'wifi', code: '3', message: 'm', at: T0 + 2 });
      const codes = async (filter: { deviceId?: string; channel?: string }, skip = 0, limit = 10) => {
        const { items, total } = await faults().list(filter, { skip, limit });
        return { codes: items.map((f) => f.code), total };
      };
      expect(await codes({})).toEqual({ codes: ['2', '3', '1'], total: 3 });
      expect(await codes({ deviceId: 'A' })).toEqual({ codes: ['2', '1'], total: 2 });
      expect(await codes({ channel: 'wifi' })).toEqual({ codes: ['3', '1'], total: 2 });
      expect(await codes({ deviceId: 'B', channel: 'wifi' })).toEqual({ codes: ['3'], total: 1 });
      expect(await codes({}, 1, 1)).toEqual({ codes: ['3'], total: 3 });
    });
  });
}
