import { API_DEVICE_FIELDS, DEVICE_QUERY_FIELDS, DEVICE_RECORD_FIELDS, DEVICE_TEXT_FIELDS, DEVICE_TIME_FIELDS, OPTIONAL_DEVICE_FIELDS } from './device-fields';

describe('device fields', () => {
  it('derives every list from the one table, in its order', () => {
    expect(DEVICE_RECORD_FIELDS).toHaveLength(19);
    expect(DEVICE_QUERY_FIELDS).toEqual([
      'id', 'oui', 'productClass', 'serialNumber', 'manufacturer', 'rootObject', 'softwareVersion', 'hardwareVersion', 'ip',
      'registeredAt', 'lastInform', 'lastBoot', 'lastBootstrap', 'periodicInformInterval',
    ]);
    expect(DEVICE_TIME_FIELDS).toEqual(['registeredAt', 'lastInform', 'lastBoot', 'lastBootstrap']);
    expect(DEVICE_TEXT_FIELDS).toEqual(['id', 'oui', 'productClass', 'serialNumber', 'manufacturer', 'rootObject', 'softwareVersion', 'hardwareVersion', 'ip']);
    expect(OPTIONAL_DEVICE_FIELDS).toEqual([
      'softwareVersion', 'hardwareVersion', 'ip', 'connectionRequestUrl', 'udpConnectionRequestAddress', 'connectionRequestUsername',
      'connectionRequestPassword', 'lastInform', 'lastBoot', 'lastBootstrap', 'periodicInformInterval',
    ]);
  });

  it('never returns the connection request credentials through the API', () => {
    expect(API_DEVICE_FIELDS).not.toContain('connectionRequestUsername');
    expect(API_DEVICE_FIELDS).not.toContain('connectionRequestPassword');
    expect(API_DEVICE_FIELDS).toHaveLength(DEVICE_RECORD_FIELDS.length - 2);
  });
});
