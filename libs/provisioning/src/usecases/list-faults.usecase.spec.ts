import { useProvisioningFixture } from '../testing/provisioning-fixture';

describe('ListFaults', () => {
  const fixture = useProvisioningFixture();

  it('lists faults latest first, by device and channel', async () => {
    const { faults } = fixture().store;
    await faults.raise({ deviceId: 'd1', channel: 'wifi', code: '9002', message: 'a', at: 1 });
    await faults.raise({ deviceId: 'd1', channel: 'default', code: '9003', message: 'b', at: 2 });
    await faults.raise({ deviceId: 'd2', channel: 'wifi', code: '9004', message: 'c', at: 3 });
    const page = { skip: 0, limit: 10 };
    expect((await fixture().useCases.listFaults.execute({ page })).items.map((f) => f.code)).toEqual(['9004', '9003', '9002']);
    expect((await fixture().useCases.listFaults.execute({ deviceId: 'd1', page })).items.map((f) => f.code)).toEqual(['9003', '9002']);
    expect((await fixture().useCases.listFaults.execute({ deviceId: '', channel: 'wifi', page })).items.map((f) => f.code)).toEqual(['9004', '9002']);
    expect(await fixture().useCases.listFaults.execute({ page: { skip: 1, limit: 1 } })).toMatchObject({ total: 3, items: [{ code: '9003' }] });
  });
});
