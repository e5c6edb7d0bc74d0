import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusMessage } from '@acs/platform';

/**
 * Header names on every record. `content-type` marks the value as a CloudEvent in structured mode (the CloudEvents
 * Kafka binding); `ce_id`/`ce_type` and the older `message-id`/`message-type` let consumers route and de-duplicate
 * without parsing the value. `ce_specversion` is deliberately absent: a receiver that finds it decides the record is
 * in binary mode, and this one is not.
 */
export const Headers = {
  contentType: 'content-type',
  ceId: 'ce_id',
  ceType: 'ce_type',
  id: 'message-id',
  type: 'message-type',
  dlqError: 'dlq-error',
  dlqAttempts: 'dlq-attempts',
  /** `<topic>/<partition>/<offset>` of the record that failed. */
  dlqSource: 'dlq-source',
} as const;

/** The media type of a CloudEvent in the JSON event format, structured mode. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** `source` of every event is this plus the Kafka topic (with its installation prefix, if any): `/acs/acs.device`. */
export const EVENT_SOURCE_ROOT = '/acs/';

/** A CloudEvents 1.0 event in the JSON format, as this ACS writes it. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  /** The device id: the record key too. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export class UndecodableMessageError extends Error {
  constructor(reason: string) {
    super(`undecodable bus message: ${reason}`);
    this.name = 'UndecodableMessageError';
  }
}

export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

export function toCloudEvent<T>(message: BusMessage<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: message.id,
    source: EVENT_SOURCE_ROOT + message.topic,
    type: message.type,
    subject: message.key,
    time: message.time,
    datacontenttype: 'application/json',
    data: message.data,
  };
}

/** A BusMessage as a Kafka record: key = message key (ordering), value = the message as a structured CloudEvent. */
export function encodeBusMessage(message: BusMessage, extraHeaders: IHeaders = {}): Message {
  return {
    key: message.key,
    value: JSON.stringify(toCloudEvent(message)),
    headers: {
      [Headers.contentType]: CLOUDEVENTS_JSON,
      [Headers.ceId]: message.id,
      [Headers.ceType]: message.type,
      [Headers.id]: message.id,
      [Headers.type]: message.type,
      ...extraHeaders,
    },
  };
}

/**
 * Reads a structured CloudEvent, or the plain BusMessage JSON written before events became CloudEvents (records of
 * that form stay on the topics until retention removes them).
 */
export function decodeBusMessage(record: KafkaMessage): BusMessage {
  if (!record.value) throw new UndecodableMessageError('empty value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new UndecodableMessageError(error instanceof Error ? error.message : String(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UndecodableMessageError('not a JSON object');
  const fields = parsed as Record<string, unknown>;
  if ('specversion' in fields) return fromCloudEvent(fields, record);
  if (!isBusMessage(fields)) throw new UndecodableMessageError('not a bus message (id, topic, key, type, time expected)');
  return fields;
}

function fromCloudEvent(event: Record<string, unknown>, record: KafkaMessage): BusMessage {
  if (event.specversion !== '1.0') throw new UndecodableMessageError(`unsupported CloudEvents specversion ${JSON.stringify(event.specversion)}`);
  const { id, source, type, subject, time } = event;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof source !== 'string') {
    throw new UndecodableMessageError('CloudEvent without id, source or type');
  }
  // The topic is carried in `source`; an event from another producer has no topic this bus could report.
  if (!source.startsWith(EVENT_SOURCE_ROOT) || source.length === EVENT_SOURCE_ROOT.length) {
    throw new UndecodableMessageError(`CloudEvent source ${JSON.stringify(source)} is not under ${EVENT_SOURCE_ROOT}`);
  }
  if ('data_base64' in event) throw new UndecodableMessageError('CloudEvent with binary data (data_base64)');
  // subject and time are optional in CloudEvents; the record's key and timestamp say the same thing.
  const key = typeof subject === 'string' ? subject : record.key?.toString('utf8');
  if (key === undefined) throw new UndecodableMessageError('CloudEvent without subject or record key');
  return {
    id,
    topic: source.slice(EVENT_SOURCE_ROOT.length),
    key,
    type,
    time: typeof time === 'string' ? time : new Date(Number(record.timestamp)).toISOString(),
    data: event.data ?? null,
  };
}

/**
 * The dead letter for a message that failed `attempts` times, in the embedded bus's shape: the original message
 * and the error as `data`, same id and key, on `<topic>.dlq`. The error is in a header too, for tools that only
 * look at headers. A record that did not decode is carried as its raw text.
 */
export function deadLetter(
  source: { topic: string; partition: number; record: KafkaMessage },
  message: BusMessage | null,
  error: string,
  attempts: number,
): Message {
  const { topic, partition, record } = source;
  const key = message?.key ?? record.key?.toString('utf8') ?? '';
  const letter: BusMessage = {
    id: message?.id ?? `${topic}/${partition}/${record.offset}`,
    topic: dlqTopic(topic),
    key,
    type: message?.type ?? 'undecodable',
    time: message?.time ?? new Date().toISOString(),
    data: message ? { message, error } : { raw: record.value?.toString('utf8') ?? null, error },
  };
  return encodeBusMessage(letter, {
    [Headers.dlqError]: error.slice(0, 2_000),
    [Headers.dlqAttempts]: String(attempts),
    [Headers.dlqSource]: `${topic}/${partition}/${record.offset}`,
  });
}

function isBusMessage(value: Record<string, unknown>): value is Record<string, unknown> & BusMessage {
  return ['id', 'topic', 'key', 'type', 'time'].every((field) => typeof value[field] === 'string');
}
