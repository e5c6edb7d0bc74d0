/**
 * A message on the bus. `key` orders messages: those with one key (a device id) are delivered in publish order.
 * `id` is unique per message, so consumers can de-duplicate what at-least-once delivery repeats. The bus knows no
 * topic: topics, event types and payloads are the event catalog's (libs/contracts/src/events: `newEvent`, `isEvent`).
 */
export interface BusMessage<T = unknown> {
  id: string;
  topic: string;
  key: string;
  type: string;
  /** ISO 8601 time of the fact the message reports. */
  time: string;
  data: T;
}

export type BusHandler = (message: BusMessage) => Promise<void>;

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * Consumer group: each group gets every message once; members of one group share the messages. A group follows
   * one topic: subscribing it to a second topic is refused (GroupTopicConflictError). On Kafka, members of one group
   * with different topics get partitions assigned across all of them, and a member never reads partitions of a topic
   * it did not subscribe to — those messages would silently go unread.
   */
  group: string;
  /** Start from the beginning of the topic when the group has no position yet (default: only new messages). */
  fromBeginning?: boolean;
  /**
   * The group belongs to this one subscription, for live views (the NBI's event hub): it is removed when the
   * subscription closes, so nothing is left on the broker by processes that come and go. Its position does not
   * survive; use it only with a group name of its own.
   */
  ephemeral?: boolean;
}

/**
 * Port: the event bus. `publish` resolves only when every message is durably accepted (acks=all on Kafka), so a
 * caller may acknowledge its own input after it. A handler that throws gets the message again, with back-off;
 * after the configured number of attempts the message goes to `<topic>.dlq` as
 * `{ ...message, topic: '<topic>.dlq', data: { message, error } }` and the group moves on.
 * Without `fromBeginning`, a new group gets the messages published after `subscribe` resolved, and keeps its place
 * across rejoins (the Kafka adapter commits the topic's end as the group's position before it first joins).
 * Durable service groups subscribe `fromBeginning: true`, so that they also get what was published before their
 * first subscribe. `publish` and `ping` reject after `close()`.
 */
export interface EventBus {
  publish(messages: BusMessage[]): Promise<void>;
  subscribe(topic: string, options: SubscribeOptions, handler: BusHandler): Promise<Subscription>;
  /** Health: resolves when the bus can accept messages. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A consumer group was subscribed to a second topic (see SubscribeOptions.group). */
export class GroupTopicConflictError extends Error {
  constructor(
    readonly group: string,
    readonly topic: string,
    readonly existingTopic: string,
  ) {
    super(`consumer group "${group}" already follows topic "${existingTopic}"; use another group for "${topic}"`);
    this.name = 'GroupTopicConflictError';
  }
}
