import { AuditRetention } from './audit-retention';

describe('AuditRetention', () => {
  it('deletes what is older than the retention period, measured from now', async () => {
    const cutoffs: number[] = [];
    const retention = new AuditRetention({ deleteOlderThan: async (t) => (cutoffs.push(t), 3) }, 1000, { info: jest.fn(), warn: jest.fn() }, 60_000, () => 5000);
    await retention.runOnce();
    expect(cutoffs).toEqual([4000]);
  });

  it('logs a failed run and runs again next time', async () => {
    const warn = jest.fn();
    let calls = 0;
    const retention = new AuditRetention(
      {
        deleteOlderThan: async () => {
          calls++;
          if (calls === 1) throw new Error('mongo is unavailable');
          return 0;
        },
      },
      1000,
      { info: jest.fn(), warn },
      60_000,
    );
    await retention.runOnce();
    expect(warn).toHaveBeenCalledTimes(1);
    await retention.runOnce();
    expect(calls).toBe(2);
    await retention.stop();
  });
});
