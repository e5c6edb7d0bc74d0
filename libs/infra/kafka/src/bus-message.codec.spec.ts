import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { KafkaMessage } from 'kafkajs';
import type { BusMessage } from '@acs/platform';

import { CLOUDEVENTS_JSON, deadLetter, decodeBusMessage, encodeBusMessage, Headers, UndecodableMessageError } from './bus-message.codec';

const message: BusMessage = {
  id: 'm-1',
  topic: 'cwmp.events',
  key: '000000-Box-SN1',
  type: 'inform',
  time: '2026-01-01T00:00:00.000Z',
  data: { events: ['0 BOOTSTRAP'], count: 2 },
};

function asRecord(value: string | null, key: string | null = message.key, offset = '42'): KafkaMessage {
  return {
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp: '0',
    attributes: 0,
    offset,
    headers: {},
  };
}

const cloudEvent = {
  specversion: '1.0',
  id: 'm-1',
  source: '/acs/cwmp.events',
  type: 'inform',
  subject: '000000-Box-SN1',
  time: '2026-01-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  data: { events: ['0 BOOTSTRAP'], count: 2 },
};

describe('bus message codec', () => {
  it('writes a structured-mode CloudEvent keyed by the message key, with content-type and id/type headers', () => {
    const record = encodeBusMessage(message);
    expect(record.key).toBe(message.key);
    expect(JSON.parse(record.value as string)).toEqual(cloudEvent);
    expect(record.headers).toEqual({
      [Headers.contentType]: CLOUDEVENTS_JSON,
      [Headers.ceId]: 'm-1',
      [Headers.ceType]: 'inform',
      [Headers.id]: 'm-1',
      [Headers.type]: 'inform',
    });
    expect(record.headers).not.toHaveProperty('ce_specversion');
    expect(decodeBusMessage(asRecord(record.value as string))).toEqual(message);
  });

  it('keeps an installation prefix of the topic in source and gives it back', () => {
    const prefixed = { ...message, topic: 'prod-eu.acs.device' };
    const record = encodeBusMessage(prefixed);
    expect(JSON.parse(record.value as string)).toMatchObject({ source: '/acs/prod-eu.acs.device' });
    expect(decodeBusMessage(asRecord(record.value as string))).toEqual(prefixed);
  });

  it('writes acs.device and acs.task events that the public schemas in libs/contracts accept', () => {
    // Ajv 6 reads these 2020-12 schemas as draft-07 (they use only keywords both drafts share): see the contracts spec.
    const ajv = new Ajv({ allErrors: true, validateSchema: false, format: 'full' });
    const schema = (name: string): object => JSON.parse(readFileSync(join(__dirname, '../../../contracts/schemas', name), 'utf8')) as object;
    const identity = { deviceId: 'dev-1', oui: '000000', productClass: 'Box', serialNumber: 'SN1' };
    const device = { ...message, topic: 'acs.device', key: 'dev-1', type: 'acs.device.registered', data: { ...identity, eventCodes: ['0 BOOTSTRAP'] } };
    const task = { ...message, topic: 'acs.task', key: 'dev-1', type: 'acs.task.dispatched', data: { taskId: 't-1', deviceId: 'dev-1', kind: 'reboot', status: 'dispatched', source: 'api', attempts: 1 } };
    const validateDevice = ajv.compile(schema('acs-device.v1.schema.json'));
    const validateTask = ajv.compile(schema('acs-task.v1.schema.json'));
    expect(validateDevice(JSON.parse(encodeBusMessage(device).value as string))).toBe(true);
    expect(validateTask(JSON.parse(encodeBusMessage(task).value as string))).toBe(true);
  });

  it('reads the plain BusMessage JSON written before events became CloudEvents', () => {
    expect(decodeBusMessage(asRecord(JSON.stringify(message)))).toEqual(message);
  });

  it('takes key and time from the record when a CloudEvent has no subject or time, and null data when none', () => {
    const { subject: _s, time: _t, data: _d, ...bare } = cloudEvent;
    const record = { ...asRecord(JSON.stringify(bare), 'dev-9'), timestamp: String(Date.parse('2026-02-03T04:05:06.000Z')) };
    expect(decodeBusMessage(record)).toEqual({ id: 'm-1', topic: 'cwmp.events', key: 'dev-9', type: 'inform', time: '2026-02-03T04:05:06.000Z', data: null });
  });

  it.each([
    ['an empty value', null],
    ['invalid JSON', '{nope'],
    ['JSON that is not a bus message', '{"id":"x"}'],
    ['a JSON scalar', '42'],
    ['a JSON array', '[]'],
    ['a CloudEvent of another specversion', JSON.stringify({ ...cloudEvent, specversion: '0.3' })],
    ['a CloudEvent without type', JSON.stringify({ ...cloudEvent, type: undefined })],
    ['a CloudEvent from another source', JSON.stringify({ ...cloudEvent, source: 'urn:billing' })],
    ['a CloudEvent with binary data', JSON.stringify({ ...cloudEvent, data: undefined, data_base64: 'AA==' })],
  ])('refuses %s', (_, value) => {
    expect(() => decodeBusMessage(asRecord(value))).toThrow(UndecodableMessageError);
  });

  it('refuses a CloudEvent with neither subject nor record key', () => {
    const { subject: _, ...bare } = cloudEvent;
    expect(() => decodeBusMessage(asRecord(JSON.stringify(bare), null))).toThrow(UndecodableMessageError);
  });

  it('dead-letters a message with the original and the error as data, same id and key, error in headers', () => {
    const letter = deadLetter({ topic: 'cwmp.events', partition: 3, record: asRecord(JSON.stringify(message)) }, message, 'Error: boom', 5);
    expect(letter.key).toBe(message.key);
    expect(letter.headers).toMatchObject({ [Headers.dlqError]: 'Error: boom', [Headers.dlqAttempts]: '5', [Headers.dlqSource]: 'cwmp.events/3/42' });
    expect(decodeBusMessage(asRecord(letter.value as string))).toEqual({ ...message, topic: 'cwmp.events.dlq', data: { message, error: 'Error: boom' } });
    expect(JSON.parse(letter.value as string)).toMatchObject({ specversion: '1.0', source: '/acs/cwmp.events.dlq', subject: message.key });
  });

  it('dead-letters an undecodable record as its raw text, named after its position', () => {
    const letter = deadLetter({ topic: 't', partition: 0, record: asRecord('{nope', 'k', '7') }, null, 'bad json', 0);
    const value = decodeBusMessage(asRecord(letter.value as string, 'k'));
    expect(value).toMatchObject({ id: 't/0/7', topic: 't.dlq', key: 'k', type: 'undecodable', data: { raw: '{nope', error: 'bad json' } });
  });
});
