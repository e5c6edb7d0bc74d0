import { acsV1, AcsDeviceEventType, AcsDiagnosticsEventType, AcsTaskEventType, newEvent } from '@acs/contracts';
import { GrpcServerHost, InProcessEventBus, type BusMessage } from '@acs/platform';
import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';

import { eventually } from '../testing/eventually';
import { EventHub } from './event-hub';
import { eventServiceOf, isWatchableEventType, MAX_PENDING_EVENTS } from './event.service';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

/** Events of about 1 kB, so a client that does not read fills the connection's flow-control window quickly. */
function burst(count: number, from: number): BusMessage[] {
  const data = { deviceId: 'dev-1', oui: '00259E', productClass: 'HG8245H', serialNumber: 'SN1', parameters: [{ path: 'Device.X', value: 'x'.repeat(1000) }] };
  return Array.from({ length: count }, (_, i) => newEvent(AcsDeviceEventType.booted, 'dev-1', data, { id: `e-${from + i}` }));
}

/** WatchEvents over a real gRPC server, with the hub on the in-process bus. */
describe('EventService.WatchEvents, a client that stops reading', () => {
  let bus: InProcessEventBus;
  let hub: EventHub;
  let host: GrpcServerHost;
  let client: acsV1.EventServiceClient;
  /** Just after the hub joined the topics: the earliest time it vouches for. */
  let joinedAt: Date;

  beforeAll(async () => {
    bus = new InProcessEventBus();
    hub = new EventHub(bus, logger, { maxEvents: MAX_PENDING_EVENTS + 2000 });
    await hub.start();
    joinedAt = new Date();
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    host.addService(acsV1.EventServiceService, eventServiceOf(hub));
    client = new acsV1.EventServiceClient(`127.0.0.1:${await host.start()}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await host.stop(200);
    await hub.stop();
    await bus.close();
  });

  function ending(stream: ClientReadableStream<acsV1.WatchEventsResponse>): Promise<ServiceError | undefined> {
    return new Promise((resolve) => {
      stream.on('error', (error: ServiceError) => resolve(error));
      stream.on('end', () => resolve(undefined));
    });
  }

  /** Counts the events a stream delivers; `reached(n)` resolves once n have come, however long that takes. */
  function counting(stream: ClientReadableStream<acsV1.WatchEventsResponse>) {
    let received = 0;
    const waiting: { count: number; resolve: () => void }[] = [];
    stream.on('data', () => {
      received += 1;
      for (const waiter of waiting.filter((w) => w.count <= received)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    return {
      get received() {
        return received;
      },
      reached: (count: number) => (received >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }))),
    };
  }

  it(`ends the stream RESOURCE_EXHAUSTED once more than ${MAX_PENDING_EVENTS} live events wait`, async () => {
    const stream = client.watchEvents({ types: [], deviceIds: [] });
    const ended = ending(stream);
    await eventually(() => hub.watcherCount === 1, 'the watch to register');
    stream.pause();
    await bus.publish(burst(MAX_PENDING_EVENTS + 2000, 0));
    stream.resume();
    const error = await ended;
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.details).toBe(`the client read too slowly: more than ${MAX_PENDING_EVENTS} events waiting`);
    await eventually(() => hub.watcherCount === 0, 'the watch to be dropped');
  }, 30_000);

  it('replays more held events than that limit to a resuming watch without cutting it off', async () => {
    expect(hub.heldCount).toBe(MAX_PENDING_EVENTS + 2000);
    const stream = client.watchEvents({ types: [], deviceIds: [], since: joinedAt });
    const ended = ending(stream);
    const events = counting(stream);
    await events.reached(MAX_PENDING_EVENTS + 2000);
    expect(events.received).toBe(MAX_PENDING_EVENTS + 2000);
    // Live events go on after the replay.
    await bus.publish(burst(1, 100_000));
    await events.reached(MAX_PENDING_EVENTS + 2001);
    expect(events.received).toBe(MAX_PENDING_EVENTS + 2001);
    stream.cancel();
    expect((await ended)?.code).toBe(status.CANCELLED);
  }, 30_000);

  it('ends open watches UNAVAILABLE when the hub ends them for a stop, and the client learned the watch was open first', async () => {
    const stream = client.watchEvents({ types: [], deviceIds: [] });
    // The server sends its headers as soon as the watch is registered, before any event.
    await new Promise((resolve) => stream.once('metadata', resolve));
    const ended = ending(stream);
    expect(hub.endWatches('server shutting down')).toBeGreaterThanOrEqual(1);
    const error = await ended;
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(error?.details).toBe('server shutting down');
  });
});

describe('WatchEvents type filters', () => {
  it('takes every event type of the catalog, hyphenated ones included, and prefixes ending with "."', () => {
    for (const type of [...Object.values(AcsDeviceEventType), ...Object.values(AcsDiagnosticsEventType), ...Object.values(AcsTaskEventType)]) {
      expect([type, isWatchableEventType(type)]).toEqual([type, true]);
    }
    expect(isWatchableEventType('acs.diagnostics.')).toBe(true);
    expect(isWatchableEventType('cwmp.inform')).toBe(false);
    expect(isWatchableEventType('acs.Device.booted')).toBe(false);
    expect(isWatchableEventType('acs..x')).toBe(false);
  });
});
