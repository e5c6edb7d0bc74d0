import { BulkDataIngest } from './bulkdata-ingest';

describe('BulkDataIngest', () => {
  it('ingests each collection interval of a report as a bulkdata sample at its own time', async () => {
    const calls: unknown[] = [];
    const sink = new BulkDataIngest({ execute: async (command) => void calls.push(command) as never });
    await sink.accept({
      deviceId: 'dev-1',
      format: 'NameValuePair',
      receivedAt: 3000,
      reports: [
        { at: 1000, values: { 'Device.IP.Interface.1.Stats.BytesReceived': '10' } },
        { at: 2000, values: { 'Device.IP.Interface.1.Stats.BytesReceived': '20' } },
      ],
    });
    await sink.accept({ deviceId: 'dev-1', format: 'NameValuePair', receivedAt: 4000, reports: [] });
    expect(calls).toEqual([
      {
        samples: [
          { deviceId: 'dev-1', at: 1000, source: 'bulkdata', values: { 'Device.IP.Interface.1.Stats.BytesReceived': '10' } },
          { deviceId: 'dev-1', at: 2000, source: 'bulkdata', values: { 'Device.IP.Interface.1.Stats.BytesReceived': '20' } },
        ],
      },
    ]);
  });
});
