import { Metadata, status, type ServerWritableStream } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { abortSignalOf, ERROR_DOMAIN, PermissionError, serverStream, statusWithDetails, ValidationError, type BusMessage, type FieldViolation } from '@acs/platform';
import { deviceScopeOf, type DeviceScopeChecker } from '../security/device-scope';
import { ReplayOutOfRangeError, type EventHub } from './event-hub';

/** Events a slow client may have waiting in its stream's buffer before it is cut off. */
export const MAX_PENDING_EVENTS = 10_000;
const MAX_FILTER_ENTRIES = 100;
// Segments as the event catalog names them: lower case, digits, `_` and `-` (`acs.device.parameters-changed`).
const TYPE_PATTERN = /^acs\.[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*\.?$/;

/** Whether WatchEvents takes `type` as a filter entry: an acs.* event type, or a prefix of types ending with `.`. */
export function isWatchableEventType(type: string): boolean {
  return TYPE_PATTERN.test(type);
}

type Call = ServerWritableStream<acsV1.WatchEventsRequest, acsV1.WatchEventsResponse>;

/**
 * EventService: the live `acs.*` events, filtered per stream; for a client scoped to device groups, only the events
 * whose subject is a device of those groups (`scope`: whom to ask; absent, such a client is refused).
 */
export function eventServiceOf(hub: EventHub, scope?: DeviceScopeChecker): acsV1.EventServiceServer {
  return {
    watchEvents: serverStream<acsV1.WatchEventsRequest, acsV1.WatchEventsResponse>((request, call) => watchEvents(hub, request, call, scope)),
  };
}

function watchEvents(hub: EventHub, request: acsV1.WatchEventsRequest, call: Call, checker?: DeviceScopeChecker): Promise<void> {
  validate(request);
  const scope = deviceScopeOf(call.metadata);
  if (scope && !checker) throw new PermissionError('WatchEvents cannot be held to the device groups this client is limited to');
  // A scoped stream asks about each event's device before writing it; the answers are awaited in order, so events
  // keep theirs.
  let inOrder = Promise.resolve();
  const admitted = (message: BusMessage, write: () => void): void => {
    if (!scope || !checker) return write();
    inOrder = inOrder.then(async () => {
      if (await checker.inScope(scope, message.key ?? '').catch(() => false)) write();
    });
  };
  const signal = abortSignalOf(call);
  return new Promise<void>((resolve, reject) => {
    let pending = 0;
    /** The slow-reader limit: MAX_PENDING_EVENTS live events waiting, on top of the replayed ones not yet written. */
    let allowance = MAX_PENDING_EVENTS;
    let replaying = true;
    let wroteAny = false;
    let unwatch: () => void = () => undefined;
    const watcher = {
      filter: { types: request.types, deviceIds: request.deviceIds },
      deliver: (message: BusMessage) => {
        const replayed = replaying;
        // Each replayed event raises the limit until it is written out, so a long replay does not count as a slow reader.
        if (replayed) allowance += 1;
        // A client that does not read would make this pod buffer without bound; past the limit its stream ends
        // with RESOURCE_EXHAUSTED and it reconnects (the events it missed are on Kafka).
        else if (pending >= allowance) {
          unwatch();
          reject({ code: status.RESOURCE_EXHAUSTED, details: `the client read too slowly: more than ${MAX_PENDING_EVENTS} events waiting` });
          return;
        }
        pending += 1;
        wroteAny = true;
        const done = (): void => {
          pending -= 1;
          if (replayed) allowance -= 1;
        };
        let written = false;
        admitted(message, () => {
          written = true;
          call.write({ event: eventOf(message) }, done);
        });
        // An event held back by the scope is done with once its answer is in.
        if (scope) {
          void inOrder.then(() => {
            if (!written) done();
          });
        }
      },
      end: (reason: string) => reject({ code: status.UNAVAILABLE, details: reason }),
    };
    try {
      unwatch = hub.watch(watcher, request.since?.getTime());
    } catch (error) {
      if (!(error instanceof ReplayOutOfRangeError)) throw error;
      reject(
        statusWithDetails(status.OUT_OF_RANGE, error.message, [
          { type: 'ErrorInfo', value: { reason: 'REPLAY_OUT_OF_RANGE', domain: ERROR_DOMAIN, metadata: { heldSince: Number.isFinite(error.heldSince) ? new Date(error.heldSince).toISOString() : '' } } },
        ]),
      );
      return;
    }
    replaying = false;
    // The headers go now rather than with the first event: a client learns its watch is in place (acsctl's tail says
    // so), where otherwise a quiet watch and a watch not yet registered would look the same.
    // A replayed event already carried them.
    if (!wroteAny) call.sendMetadata(new Metadata());
    signal.addEventListener(
      'abort',
      () => {
        unwatch();
        resolve();
      },
      { once: true },
    );
  });
}

function validate(request: acsV1.WatchEventsRequest): void {
  const violations: FieldViolation[] = [];
  if (request.types.length > MAX_FILTER_ENTRIES) violations.push({ field: 'types', description: `at most ${MAX_FILTER_ENTRIES} entries`, reason: 'TOO_MANY' });
  request.types.forEach((type, i) => {
    if (!isWatchableEventType(type)) {
      violations.push({ field: `types[${i}]`, description: `"${type}" is not an acs.* event type or a prefix ending with "."`, reason: 'BAD_VALUE' });
    }
  });
  if (request.deviceIds.length > MAX_FILTER_ENTRIES) violations.push({ field: 'device_ids', description: `at most ${MAX_FILTER_ENTRIES} entries`, reason: 'TOO_MANY' });
  request.deviceIds.forEach((id, i) => {
    if (id === '') violations.push({ field: `device_ids[${i}]`, description: 'empty device id', reason: 'REQUIRED' });
  });
  if (request.since !== undefined && Number.isNaN(request.since.getTime())) violations.push({ field: 'since', description: 'not a valid time', reason: 'BAD_VALUE' });
  if (violations.length > 0) throw new ValidationError('invalid event filter', violations);
}

/** The bus message as the public Event: the CloudEvents attributes it is published with (docs/events.md). */
export function eventOf(message: BusMessage): acsV1.Event {
  return {
    id: message.id,
    source: `/acs/${message.topic}`,
    type: message.type,
    subject: message.key,
    time: validDate(message.time),
    topic: message.topic,
    data: isRecord(message.data) ? message.data : { value: message.data },
  };
}

function validDate(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
