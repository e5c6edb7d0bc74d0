import { DEVICE_FILTER_FIELDS, DEVICE_FILTER_TIME_FIELDS } from '@acs/contracts';

import { DEVICE_QUERY_FIELDS, DEVICE_TIME_FIELDS } from '../domain/device-fields';

// Other services evaluate device filters in memory with the vocabulary published in @acs/contracts (grouping's dynamic
// groups); it must name exactly the fields provisioning's filters answer to.
describe('the published device filter vocabulary', () => {
  it('names the fields a device filter writes bare, as provisioning derives them', () => {
    expect([...DEVICE_FILTER_FIELDS].sort()).toEqual([...DEVICE_QUERY_FIELDS].sort());
  });

  it('names the time fields', () => {
    expect([...DEVICE_FILTER_TIME_FIELDS].sort()).toEqual([...DEVICE_TIME_FIELDS].sort());
  });
});
