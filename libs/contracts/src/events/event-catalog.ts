import { randomUUID } from 'node:crypto';
import {
  AcsDeviceEventType,
  AcsDiagnosticsEventType,
  AcsFirmwareEventType,
  AcsGroupEventType,
  AcsTaskEventType,
  type AcsDeviceEventData,
  type AcsDiagnosticsAlarmEventData,
  type AcsDiagnosticsTestEventData,
  type AcsFirmwareEventData,
  type AcsGroupEventData,
  type AcsJobEventData,
  type AcsTaskEventData,
} from './acs-events';
import {
  CwmpCommandType,
  CwmpEventType,
  type ConnectionRequestCommand,
  type ConnectionRequestEventData,
  type CpeRequestEventData,
  type InformEventData,
  type RpcFaultEventData,
  type RpcResultEventData,
  type SessionClosedEventData,
} from './cwmp-events';

/**
 * The event catalog: every topic of the bus, the event types each carries and the payload of each type. Services
 * build events with `newEvent` and read them with `isEvent`, so a payload's shape is stated once, here.
 */

/** Topic names. `cwmp.*` are internal (gateway ↔ services); `acs.*` are public (JSON Schemas in ../../schemas). */
export const Topics = {
  cwmpEvents: 'cwmp.events',
  /** Commands for the gateway pool (connection requests), keyed by device id. */
  cwmpCommands: 'cwmp.commands',
  acsDevice: 'acs.device',
  acsTask: 'acs.task',
  acsFirmware: 'acs.firmware',
  acsGroup: 'acs.group',
  acsDiagnostics: 'acs.diagnostics',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** The event types each topic carries. */
export const TopicEventTypes = {
  [Topics.cwmpEvents]: CwmpEventType,
  [Topics.cwmpCommands]: CwmpCommandType,
  [Topics.acsDevice]: AcsDeviceEventType,
  [Topics.acsTask]: AcsTaskEventType,
  [Topics.acsFirmware]: AcsFirmwareEventType,
  [Topics.acsGroup]: AcsGroupEventType,
  [Topics.acsDiagnostics]: AcsDiagnosticsEventType,
} as const satisfies Record<Topic, Record<string, string>>;

/** The topics whose events are a published contract (CloudEvents checked against libs/contracts/schemas). */
export const PUBLIC_TOPICS = [Topics.acsDevice, Topics.acsTask, Topics.acsFirmware, Topics.acsGroup, Topics.acsDiagnostics] as const;
export type PublicTopic = (typeof PUBLIC_TOPICS)[number];

/** The payload (`data`) of each event type. */
export interface EventPayloads {
  [CwmpEventType.inform]: InformEventData;
  [CwmpEventType.cpeRequest]: CpeRequestEventData;
  [CwmpEventType.rpcResult]: RpcResultEventData;
  [CwmpEventType.rpcFault]: RpcFaultEventData;
  [CwmpEventType.sessionClosed]: SessionClosedEventData;
  [CwmpEventType.connectionRequest]: ConnectionRequestEventData;
  [CwmpCommandType.connectionRequest]: ConnectionRequestCommand;
  [AcsDeviceEventType.registered]: AcsDeviceEventData;
  [AcsDeviceEventType.bootstrapped]: AcsDeviceEventData;
  [AcsDeviceEventType.booted]: AcsDeviceEventData;
  [AcsDeviceEventType.parametersChanged]: AcsDeviceEventData;
  [AcsDeviceEventType.deleted]: AcsDeviceEventData;
  [AcsDeviceEventType.tagsChanged]: AcsDeviceEventData;
  [AcsTaskEventType.dispatched]: AcsTaskEventData;
  [AcsTaskEventType.retrying]: AcsTaskEventData;
  [AcsTaskEventType.done]: AcsTaskEventData;
  [AcsTaskEventType.faulted]: AcsTaskEventData;
  [AcsTaskEventType.cancelled]: AcsTaskEventData;
  [AcsTaskEventType.expired]: AcsTaskEventData;
  [AcsFirmwareEventType.campaignCreated]: AcsFirmwareEventData;
  [AcsFirmwareEventType.campaignStarted]: AcsFirmwareEventData;
  [AcsFirmwareEventType.waveAdvanced]: AcsFirmwareEventData;
  [AcsFirmwareEventType.campaignPaused]: AcsFirmwareEventData;
  [AcsFirmwareEventType.campaignResumed]: AcsFirmwareEventData;
  [AcsFirmwareEventType.campaignCompleted]: AcsFirmwareEventData;
  [AcsFirmwareEventType.campaignCancelled]: AcsFirmwareEventData;
  [AcsFirmwareEventType.deviceUpgraded]: AcsFirmwareEventData;
  [AcsFirmwareEventType.deviceFailed]: AcsFirmwareEventData;
  [AcsFirmwareEventType.deviceRolledBack]: AcsFirmwareEventData;
  [AcsGroupEventType.groupCreated]: AcsGroupEventData;
  [AcsGroupEventType.groupChanged]: AcsGroupEventData;
  [AcsGroupEventType.groupDeleted]: AcsGroupEventData;
  [AcsGroupEventType.deviceJoined]: AcsGroupEventData;
  [AcsGroupEventType.deviceLeft]: AcsGroupEventData;
  [AcsGroupEventType.jobCreated]: AcsJobEventData;
  [AcsGroupEventType.jobRunStarted]: AcsJobEventData;
  [AcsGroupEventType.jobRunPaused]: AcsJobEventData;
  [AcsGroupEventType.jobRunResumed]: AcsJobEventData;
  [AcsGroupEventType.jobRunCompleted]: AcsJobEventData;
  [AcsGroupEventType.jobCancelled]: AcsJobEventData;
  [AcsDiagnosticsEventType.testCompleted]: AcsDiagnosticsTestEventData;
  [AcsDiagnosticsEventType.testFailed]: AcsDiagnosticsTestEventData;
  [AcsDiagnosticsEventType.alarmRaised]: AcsDiagnosticsAlarmEventData;
  [AcsDiagnosticsEventType.alarmCleared]: AcsDiagnosticsAlarmEventData;
  [AcsDiagnosticsEventType.alarmAcknowledged]: AcsDiagnosticsAlarmEventData;
}

type TypesByTopic = { [P in Topic]: (typeof TopicEventTypes)[P][keyof (typeof TopicEventTypes)[P]] };
/** Every event type of the catalog. */
export type EventType = TypesByTopic[Topic];
/** The event types of one topic. */
export type EventTypeOf<P extends Topic> = TypesByTopic[P];
/** The topic an event type is published on. */
export type TopicOf<T extends EventType> = { [P in Topic]: T extends TypesByTopic[P] ? P : never }[Topic];
/** The payload of an event type: a type added to a topic without a payload above fails the build here. */
export type EventPayload<T extends EventType> = EventPayloads[T];

/**
 * An event of the catalog as it travels on the bus: assignable to the platform's `BusMessage`. For a union of types
 * it is a union of events, so a `switch (event.type)` narrows `data`.
 */
export type CatalogEvent<T extends EventType = EventType> = {
  [K in T]: {
    /** Unique per event, so consumers can de-duplicate what at-least-once delivery repeats. */
    id: string;
    topic: TopicOf<K>;
    /** Orders events: those with one key (a device id) are delivered in publish order. */
    key: string;
    type: K;
    /** ISO 8601 time of the fact the event reports. */
    time: string;
    data: EventPayload<K>;
  };
}[T];

const topicOfType: ReadonlyMap<string, Topic> = new Map(
  Object.entries(TopicEventTypes).flatMap(([topic, types]) => Object.values(types).map((type): [string, Topic] => [type, topic as Topic])),
);

/** The topic an event type is published on. */
export function topicOf<T extends EventType>(type: T): TopicOf<T> {
  return topicOfType.get(type) as TopicOf<T>;
}

export interface NewEventOptions {
  /** When the fact happened, in ms since the epoch (the caller's clock); default: now. */
  now?: number;
  /** Default: a random UUID. */
  id?: string;
}

/** Builds an event of the catalog: the topic follows from the type, `key` is the device id. */
export function newEvent<T extends EventType>(type: T, key: string, data: EventPayload<T>, options: NewEventOptions = {}): CatalogEvent<T> {
  const event = {
    id: options.id ?? randomUUID(),
    topic: topicOf(type),
    key,
    type,
    time: new Date(options.now ?? Date.now()).toISOString(),
    data,
  };
  // The mapped type does not narrow for a generic T; the object above is that type by construction.
  return event as unknown as CatalogEvent<T>;
}

/** What `isEvent` needs of a message: the platform's `BusMessage` and a decoded CloudEvent both fit. */
export interface TypedMessage {
  type: string;
  data: unknown;
}

/** A message known to be of one of the types `T`: a union over `T`, so a `switch (message.type)` narrows `data`. */
export type OfEventType<T extends EventType> = { [K in T]: { type: K; data: EventPayload<K> } }[T];

/**
 * Reads an event of the catalog: true when `message` is of `type` (or of one of `types`), narrowing `message.data`
 * to its payload. The payload is trusted as its producer built it (services publish only through `newEvent`); the
 * public topics are also described by the JSON Schemas, for producers and consumers in other languages.
 */
export function isEvent<M extends TypedMessage, T extends EventType>(message: M, type: T | readonly T[]): message is M & OfEventType<T> {
  return typeof type === 'string' ? message.type === type : (type as readonly string[]).includes(message.type);
}
