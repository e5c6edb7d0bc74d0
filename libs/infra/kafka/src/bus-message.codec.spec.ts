import type { KafkaMessage } from 'kafkajs';
import type { BusMessage } from '@acs/platform';

import { deadLetter, decodeBusMessage, encodeBusMessage, Headers, UndecodableMessageError } from './bus-message.codec';

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

describe('bus message codec', () => {
  it('keys the record by the message key and names id and type in headers', () => {
    const record = encodeBusMessage(message);
    expect(record.key).toBe(message.key);
    expect(record.headers).toEqual({ [Headers.id]: 'm-1', [Headers.type]: 'inform' });
    expect(decodeBusMessage(asRecord(record.value as string))).toEqual(message);
  });

  it.each([
    ['an empty value', null],
    ['invalid JSON', '{nope'],
    ['JSON that is not a bus message', '{"id":"x"}'],
    ['a JSON scalar', '42'],
  ])('refuses %s', (_, value) => {
    expect(() => decodeBusMessage(asRecord(value))).toThrow(UndecodableMessageError);
  });

  it('dead-letters a message with the original and the error as data, same id and key, error in headers', () => {
    const letter = deadLetter({ topic: 'cwmp.events', partition: 3, record: asRecord(JSON.stringify(message)) }, message, 'Error: boom', 5);
    expect(letter.key).toBe(message.key);
    expect(letter.headers).toMatchObject({ [Headers.dlqError]: 'Error: boom', [Headers.dlqAttempts]: '5', [Headers.dlqSource]: 'cwmp.events/3/42' });
    expect(JSON.parse(letter.value as string)).toEqual({ ...message, topic: 'cwmp.events.dlq', data: { message, error: 'Error: boom' } });
  });

  it('dead-letters an undecodable record as its raw text, named after its position', () => {
    const letter = deadLetter({ topic: 't', partition: 0, record: asRecord('{nope', 'k', '7') }, null, 'bad json', 0);
    const value = JSON.parse(letter.value as string) as BusMessage;
    expect(value).toMatchObject({ id: 't/0/7', topic: 't.dlq', key: 'k', type: 'undecodable', data: { raw: '{nope', error: 'bad json' } });
  });
});
