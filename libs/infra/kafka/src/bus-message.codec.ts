import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusMessage } from '@acs/platform';

/** Header names on every record; the id lets consumers de-duplicate without parsing the value. */
export const Headers = {
  id: 'message-id',
  type: 'message-type',
  dlqError: 'dlq-error',
  dlqAttempts: 'dlq-attempts',
  /** `<topic>/<partition>/<offset>` of the record that failed. */
  dlqSource: 'dlq-source',
} as const;

export class UndecodableMessageError extends Error {
  constructor(reason: string) {
    super(`undecodable bus message: ${reason}`);
    this.name = 'UndecodableMessageError';
  }
}

export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** A BusMessage as a Kafka record: key = message key (ordering), value = the whole message as JSON. */
export function encodeBusMessage(message: BusMessage, extraHeaders: IHeaders = {}): Message {
  return {
    key: message.key,
    value: JSON.stringify(message),
    headers: { [Headers.id]: message.id, [Headers.type]: message.type, ...extraHeaders },
  };
}

export function decodeBusMessage(record: KafkaMessage): BusMessage {
  if (!record.value) throw new UndecodableMessageError('empty value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new UndecodableMessageError(error instanceof Error ? error.message : String(error));
  }
  if (!isBusMessage(parsed)) throw new UndecodableMessageError('not a bus message (id, topic, key, type, time expected)');
  return parsed;
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

function isBusMessage(value: unknown): value is BusMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return ['id', 'topic', 'key', 'type', 'time'].every((field) => typeof m[field] === 'string');
}
