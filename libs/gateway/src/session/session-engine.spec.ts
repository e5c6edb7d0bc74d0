import { buildEnvelope, parseEnvelope, type CpeResponse, type CwmpMessage, type CwmpVersion, type Inform } from '@acs/cwmp';
import { answerProcessedMark, CwmpEventType, isEvent, Topics } from '@acs/contracts';
import {
  InProcessDeviceQueue,
  InProcessEventBus,
  InProcessEventOutbox,
  InProcessSessionStore,
  MessageTooLargeError,
  type BusMessage,
  type EventBus,
  type WorkItem,
} from '@acs/platform';
import pino from 'pino';
import { Registry } from 'prom-client';
import { CpeAuthenticator } from '../auth/cpe-authenticator';
import { FileCpeCredentialStore } from '../auth/cpe-credentials';
import { EventPublisher } from '../events/event-publisher';
import { OutboxRelay } from '../events/outbox-relay';
import { loadGatewayConfig, type GatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { SessionEngine, type CwmpHttpReply } from './session-engine';

const DEVICE = { manufacturer: 'Acme', oui: '00AA11', productClass: 'Router', serialNumber: 'SN1' };
const DEVICE_ID = '00AA11-Router-SN1';

function inform(events = ['2 PERIODIC']): Inform {
  return {
    kind: 'Inform',
    deviceId: DEVICE,
    events: events.map((eventCode) => ({ eventCode, commandKey: '' })),
    maxEnvelopes: 1,
    currentTime: '2026-11-22T10:00:00Z',
    retryCount: 0,
    parameterList: [{ name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '1.0' } }],
  };
}

interface Harness {
  engine: SessionEngine;
  store: InProcessSessionStore;
  queue: InProcessDeviceQueue;
  outbox: InProcessEventOutbox;
  relay: OutboxRelay;
  bus: EventBus;
  events: BusMessage[];
  clock: { now: number };
  config: GatewayConfig;
}

async function harness(env: Record<string, string> = {}, shared?: Partial<Harness>): Promise<Harness> {
  const config = loadGatewayConfig({ ACS_POD_NAME: 'test', ...env });
  const clock = shared?.clock ?? { now: Date.parse('2026-11-22T10:00:00Z') };
  const store = shared?.store ?? new InProcessSessionStore(() => clock.now);
  const queue = shared?.queue ?? new InProcessDeviceQueue();
  const outbox = shared?.outbox ?? new InProcessEventOutbox(queue);
  const bus = shared?.bus ?? new InProcessEventBus();
  const events = shared?.events ?? [];
  if (!shared?.bus) await bus.subscribe(Topics.cwmpEvents, { group: 'test' }, async (m) => void events.push(m));
  const authenticator = new CpeAuthenticator(
    {
      mode: config.auth.mode,
      realm: config.auth.realm,
      defaultCredentials: config.auth.username ? { username: config.auth.username, password: config.auth.password! } : undefined,
      acceptUnknown: config.auth.acceptUnknown,
      nonceSecret: Buffer.from('secret'),
      nonceTtlMs: config.auth.nonceTtlMs,
    },
    new FileCpeCredentialStore(),
    () => clock.now,
  );
  const metrics = new GatewayMetrics(new Registry());
  const logger = pino({ level: 'silent' });
  const publisher = new EventPublisher(bus, outbox, queue, metrics, logger, 200, () => clock.now);
  const relay = new OutboxRelay(outbox, bus, publisher, metrics, logger, {
    owner: 'test',
    intervalMs: 1000,
    publishTimeoutMs: 200,
    devicesPerRound: 10,
    batchesPerPublish: 10,
  });
  const engine = new SessionEngine({ config, store, queue, publisher, authenticator, metrics, logger, now: () => clock.now });
  return { engine, store, queue, outbox, relay, bus, events, clock, config };
}

class FakeCpe {
  cookie?: string;
  constructor(
    private readonly h: Harness,
    private readonly version: CwmpVersion = '1.0',
    readonly address = '127.0.0.1:40000',
  ) {}

  async post(message: CwmpMessage | null, id?: string, extra: { authorization?: string; engine?: SessionEngine } = {}): Promise<CwmpHttpReply> {
    const body = message ? buildEnvelope(message, id === undefined ? {} : { id }, this.version) : '';
    const reply = await (extra.engine ?? this.h.engine).handle({
      body,
      sessionId: this.cookie,
      remoteAddress: this.address,
      authorization: extra.authorization,
      method: 'POST',
    });
    const setCookie = reply.headers['Set-Cookie'];
    if (typeof setCookie === 'string') this.cookie = setCookie.split(';')[0].split('=')[1];
    return reply;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function enqueue(h: Harness, rpc: WorkItem['rpc'], extra: Partial<WorkItem> = {}): Promise<void> {
  return h.queue.enqueue({ id: `item-${Math.random().toString(36).slice(2)}`, deviceId: DEVICE_ID, rpc, enqueuedAt: h.clock.now, ...extra });
}

describe('SessionEngine', () => {
  it('opens a session on Inform, answers with a cookie, publishes the inform and closes on the empty POST', async () => {
    const h = await harness();
    const cpe = new FakeCpe(h);
    const first = await cpe.post(inform(), '42');
    expect(first.status).toBe(200);
    const parsed = parseEnvelope(first.body)!;
    expect(parsed.body).toEqual({ kind: 'InformResponse', maxEnvelopes: 1 });
    expect(parsed.header.id).toBe('42');
    expect(cpe.cookie).toBeDefined();
    const last = await cpe.post(null);
    expect(last.status).toBe(204);
    await flush();
    expect(h.events.map((e) => e.type)).toEqual([CwmpEventType.inform, CwmpEventType.sessionClosed]);
    expect(h.events.every((e) => e.key === DEVICE_ID)).toBe(true);
    expect(h.events.filter((e) => isEvent(e, CwmpEventType.sessionClosed)).map((e) => e.data.reason)).toEqual(['completed']);
    expect(await h.store.byDevice(DEVICE_ID)).toBeNull();
  });

  it('runs queued work as RPCs, publishes each result before acknowledging it, then ends with 204', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.'] }, { taskId: 'task-1' });
    await enqueue(h, { kind: 'Reboot', commandKey: 'rb' });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    const rpc1 = await cpe.post(null);
    const gpv = parseEnvelope(rpc1.body)!;
    expect(gpv.body.kind).toBe('GetParameterValues');
    expect(gpv.header.id).toBe('1');
    const answer: CpeResponse = {
      kind: 'GetParameterValuesResponse',
      parameterList: [{ name: 'Device.DeviceInfo.UpTime', value: { type: 'unsignedInt', value: 5 } }],
    };
    const rpc2 = await cpe.post(answer, '1');
    expect(parseEnvelope(rpc2.body)!.body).toEqual({ kind: 'Reboot', commandKey: 'rb' });
    await flush();
    const result = h.events.find((e) => e.type === CwmpEventType.rpcResult)!;
    expect(result.data).toMatchObject({ taskId: 'task-1', request: { kind: 'GetParameterValues' }, response: answer });
    expect(await h.queue.size(DEVICE_ID)).toBe(1);
    const end = await cpe.post({ kind: 'RebootResponse' }, '2');
    expect(end.status).toBe(204);
    expect(await h.queue.size(DEVICE_ID)).toBe(0);
  });

  it('publishes a CPE fault as an rpc.fault event and acknowledges the item', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'SetParameterValues', parameterKey: 'k', parameterList: [{ name: 'Device.X', value: { type: 'string', value: 'v' } }] });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    await cpe.post(null);
    const fault = {
      kind: 'Fault' as const,
      soapFaultCode: 'Client' as const,
      faultCode: 9003,
      faultString: 'Invalid arguments',
      setParameterValuesFault: [{ parameterName: 'Device.X', faultCode: 9005, faultString: 'Invalid parameter name' }],
    };
    expect((await cpe.post(fault, '1')).status).toBe(204);
    await flush();
    const event = h.events.find((e) => e.type === CwmpEventType.rpcFault)!;
    expect(event.data).toMatchObject({ fault: { faultCode: 9003, setParameterValuesFault: [{ faultCode: 9005 }] } });
    expect(await h.queue.size(DEVICE_ID)).toBe(0);
  });

  it('refuses an answer with the wrong cwmp:ID, ends the session and keeps the item for the next one', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'GetParameterNames', parameterPath: 'Device.', nextLevel: true });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    await cpe.post(null);
    const reply = await cpe.post({ kind: 'GetParameterNamesResponse', parameterList: [] }, '999');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/cwmp:ID 999/);
    expect(await h.queue.size(DEVICE_ID)).toBe(1);
    expect(await h.store.byDevice(DEVICE_ID)).toBeNull();
    // The next session runs the same item again.
    const next = new FakeCpe(h);
    await next.post(inform());
    expect(parseEnvelope((await next.post(null)).body)!.body.kind).toBe('GetParameterNames');
  });

  it('answers and publishes CPE-initiated requests', async () => {
    const h = await harness();
    const cpe = new FakeCpe(h);
    await cpe.post(inform(['7 TRANSFER COMPLETE', 'M Download']));
    const reply = await cpe.post(
      { kind: 'TransferComplete', commandKey: 'fw', fault: { faultCode: 0, faultString: '' }, startTime: '2026-11-22T10:00:00Z', completeTime: '2026-11-22T10:01:00Z' },
      '7',
    );
    expect(parseEnvelope(reply.body)!.body).toEqual({ kind: 'TransferCompleteResponse' });
    const rpcs = await cpe.post({ kind: 'GetRPCMethods' }, '8');
    expect(parseEnvelope(rpcs.body)!.body).toMatchObject({ kind: 'GetRPCMethodsResponse', methodList: expect.arrayContaining(['Inform', 'TransferComplete']) });
    await flush();
    expect(h.events.filter((e) => e.type === CwmpEventType.cpeRequest)).toHaveLength(1);
  });

  it('waits briefly after a task’s answer for its next step, and runs it in the same session', async () => {
    const h = await harness({ ACS_PLAN_WAIT_MS: '2000' });
    await enqueue(h, { kind: 'GetParameterNames', parameterPath: 'Device.', nextLevel: false }, { taskId: 'refresh' });
    // Stand-in for provisioning: after the answer is published, it queues the next step and marks the answer done.
    await h.bus.subscribe(Topics.cwmpEvents, { group: 'provisioning' }, async (m) => {
      if (isEvent(m, CwmpEventType.inform)) await h.store.markPlanned(DEVICE_ID, m.data.sessionId, 60_000);
      if (!isEvent(m, CwmpEventType.rpcResult)) return;
      const { sessionId, itemId } = m.data;
      await new Promise((r) => setTimeout(r, 30));
      await enqueue(h, { kind: 'GetParameterValues', parameterNames: ['Device.DeviceInfo.UpTime'] }, { taskId: 'refresh' });
      await h.store.markPlanned(DEVICE_ID, answerProcessedMark(sessionId, itemId), 60_000);
    });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    await cpe.post(null);
    // The engine's clock stays where it is while the stand-in works: the bounded wait cannot run out however slowly
    // this machine schedules the stand-in, so the test sees the wait itself rather than a race against it.
    const next = await cpe.post({ kind: 'GetParameterNamesResponse', parameterList: [{ name: 'Device.DeviceInfo.UpTime', writable: false }] }, '1');
    expect(parseEnvelope(next.body)!.body.kind).toBe('GetParameterValues');
  });

  it('waits longer for the plan of a BOOTSTRAP session: its credentials and bootstrap presets run in it', async () => {
    const h = await harness({ ACS_PLAN_WAIT_MS: '1000', ACS_BOOTSTRAP_PLAN_WAIT_MS: '10000' });
    // Stand-in for a provisioning slowed by a mass bootstrap: it plans 5 s (of the engine's clock) after the Inform,
    // past the ordinary plan wait, and only after a while of real time, so the engine polls with the clock moved on.
    await h.bus.subscribe(Topics.cwmpEvents, { group: 'provisioning' }, async (m) => {
      if (!isEvent(m, CwmpEventType.inform)) return;
      h.clock.now += 5000;
      await new Promise((r) => setTimeout(r, 100));
      await enqueue(h, { kind: 'SetParameterValues', parameterList: [{ name: 'Device.ManagementServer.ConnectionRequestUsername', value: { type: 'string', value: 'acs-1' } }], parameterKey: '' }, { taskId: 'credentials' });
      await h.store.markPlanned(DEVICE_ID, m.data.sessionId, 60_000);
    });
    const cpe = new FakeCpe(h);
    await cpe.post(inform(['0 BOOTSTRAP', '1 BOOT']));
    const rpc = await cpe.post(null);
    expect(rpc.status).toBe(200);
    expect(parseEnvelope(rpc.body)!.body.kind).toBe('SetParameterValues');
  });

  it('sends HoldRequests with work items that ask for it', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'FactoryReset' }, { holdRequests: true });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    const rpc = parseEnvelope((await cpe.post(null)).body)!;
    expect(rpc.header.holdRequests).toBe(true);
  });

  it('negotiates CWMP 1.4 with a CPE that offers it, and faults 8006 when nothing is common', async () => {
    const h = await harness();
    const reply = await h.engine.handle({
      body: buildEnvelope(inform(), { id: '1', supportedCWMPVersions: '1.0,1.1,1.2,1.3,1.4' }, '1.4'),
      remoteAddress: 'a:1',
      method: 'POST',
    });
    expect(reply.status).toBe(200);
    expect(parseEnvelope(reply.body)!.header.useCWMPVersion).toBe('1.4');

    const old = await harness({ ACS_CWMP_VERSIONS: '1.0' });
    const refused = await old.engine.handle({
      body: buildEnvelope(inform(), { id: '1', supportedCWMPVersions: '1.3,1.4' }, '1.4'),
      remoteAddress: 'a:1',
      method: 'POST',
    });
    expect(refused.status).toBe(500);
    expect(parseEnvelope(refused.body)!.body).toMatchObject({ kind: 'Fault', faultCode: 8006 });
  });

  it('ends the session at its deadline and at the RPC limit, leaving the rest queued', async () => {
    const h = await harness({ ACS_SESSION_MAX_RPCS: '1', ACS_SESSION_DEADLINE_MS: '5000' });
    for (let i = 0; i < 3; i++) await enqueue(h, { kind: 'GetRPCMethods' });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    await cpe.post(null);
    expect((await cpe.post({ kind: 'GetRPCMethodsResponse', methodList: [] }, '1')).status).toBe(204);
    expect(await h.queue.size(DEVICE_ID)).toBe(2);

    const late = new FakeCpe(h);
    await late.post(inform());
    h.clock.now += 6000;
    expect((await late.post(null)).status).toBe(204);
    await flush();
    expect(h.events.filter((e) => isEvent(e, CwmpEventType.sessionClosed)).map((e) => e.data.reason)).toEqual([
      'rpc-limit',
      'deadline',
    ]);
  });

  it('serves one session from two engines sharing the store, requests alternating between them', async () => {
    const a = await harness();
    const b = await harness({ ACS_POD_NAME: 'pod-b' }, { store: a.store, queue: a.queue, outbox: a.outbox, bus: a.bus, events: a.events, clock: a.clock });
    await enqueue(a, { kind: 'GetParameterValues', parameterNames: ['Device.'] });
    await enqueue(a, { kind: 'AddObject', objectName: 'Device.IP.Interface.', parameterKey: '' });
    const cpe = new FakeCpe(a);
    await cpe.post(inform(), '1', { engine: a.engine });
    expect(parseEnvelope((await cpe.post(null, undefined, { engine: b.engine })).body)!.body.kind).toBe('GetParameterValues');
    const add = await cpe.post({ kind: 'GetParameterValuesResponse', parameterList: [] }, '1', { engine: a.engine });
    expect(parseEnvelope(add.body)!.body.kind).toBe('AddObject');
    const end = await cpe.post({ kind: 'AddObjectResponse', instanceNumber: 2, status: 0 }, '2', { engine: b.engine });
    expect(end.status).toBe(204);
    expect(await a.queue.size(DEVICE_ID)).toBe(0);
    // Opened on a, ended on b: it no longer counts against a's shedding budget.
    expect(await a.store.openedCount('test')).toBe(0);
  });

  it('sheds new sessions beyond the per-pod budget of sessions in flight', async () => {
    const h = await harness({ ACS_MAX_SESSIONS_IN_FLIGHT: '2' });
    for (const serial of ['A', 'B']) {
      await h.engine.handle({ body: buildEnvelope({ ...inform(), deviceId: { ...DEVICE, serialNumber: serial } }, {}, '1.0'), remoteAddress: serial, method: 'POST' });
    }
    expect(h.engine.overloaded()).toBe(true);
    expect(await h.store.openedCount('test')).toBe(2);
  });

  it('finds the session by connection address when the CPE drops cookies', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'GetRPCMethods' });
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    cpe.cookie = undefined;
    expect(parseEnvelope((await cpe.post(null)).body)!.body.kind).toBe('GetRPCMethods');
  });

  it('answers requests outside any session with 400, and an empty POST with 204', async () => {
    const h = await harness();
    const cpe = new FakeCpe(h, '1.0', '10.0.0.1:1');
    expect((await cpe.post({ kind: 'RebootResponse' }, '1')).status).toBe(400);
    expect((await cpe.post(null)).status).toBe(204);
  });

  it('supersedes a session the CPE abandoned when it informs again', async () => {
    const h = await harness();
    const first = new FakeCpe(h);
    await first.post(inform());
    const second = new FakeCpe(h, '1.0', '127.0.0.1:40001');
    expect((await second.post(inform(['1 BOOT']))).status).toBe(200);
    await flush();
    expect(h.events.map((e) => e.type)).toEqual([CwmpEventType.inform, CwmpEventType.sessionClosed, CwmpEventType.inform]);
    expect(await h.store.get(first.cookie!)).toBeNull();
  });

  it('goes on when the bus is down: defers events, parks results, and publishes them in order once it is back', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'GetRPCMethods' }, { id: 'item-1' } as Partial<WorkItem>);
    await enqueue(h, { kind: 'Reboot', commandKey: 'rb' }, { id: 'item-2' } as Partial<WorkItem>);
    const publish = jest.spyOn(h.bus, 'publish').mockRejectedValue(new Error('bus down'));
    const cpe = new FakeCpe(h);
    expect((await cpe.post(inform())).status).toBe(200);
    await cpe.post(null);
    expect(parseEnvelope((await cpe.post({ kind: 'GetRPCMethodsResponse', methodList: ['Inform'] }, '1')).body)!.body.kind).toBe('Reboot');
    expect((await cpe.post({ kind: 'RebootResponse' }, '2')).status).toBe(204);
    // Nothing acknowledged, nothing lost: both items parked behind their deferred results.
    expect(await h.queue.size(DEVICE_ID)).toBe(2);
    expect(await h.queue.parked(DEVICE_ID)).toBe(2);
    expect(await h.queue.lease(DEVICE_ID)).toBeNull();
    expect(h.events).toEqual([]);

    await h.relay.round();
    expect(await h.outbox.hasPending(DEVICE_ID)).toBe(true);
    publish.mockRestore();
    await h.relay.round();
    await flush();
    expect(h.events.map((e) => e.type)).toEqual([
      CwmpEventType.inform,
      CwmpEventType.rpcResult,
      CwmpEventType.rpcResult,
      CwmpEventType.sessionClosed,
    ]);
    expect(await h.queue.size(DEVICE_ID)).toBe(0);
    expect(await h.outbox.hasPending(DEVICE_ID)).toBe(false);
  });

  it('faults the work item whose answer the bus cannot carry, instead of parking it in front of every later event', async () => {
    const h = await harness();
    await enqueue(h, { kind: 'GetParameterValues', parameterNames: ['Device.'] }, { id: 'item-1', taskId: 'task-1' } as Partial<WorkItem>);
    const cpe = new FakeCpe(h);
    await cpe.post(inform());
    await cpe.post(null);
    const publish = h.bus.publish.bind(h.bus);
    jest.spyOn(h.bus, 'publish').mockImplementation(async (messages) => {
      if (messages.some((m) => m.type === CwmpEventType.rpcResult)) throw new MessageTooLargeError('cwmp.events', 20_000_000, 16_777_216);
      return publish(messages);
    });
    expect((await cpe.post({ kind: 'GetParameterValuesResponse', parameterList: [] }, '1')).status).toBe(204);
    await flush();
    const fault = h.events.find((e) => e.type === CwmpEventType.rpcFault);
    expect(fault?.data).toMatchObject({ itemId: 'item-1', taskId: 'task-1', fault: { faultCode: 8004, faultString: expect.stringContaining('larger than the event bus carries') } });
    expect(await h.outbox.hasPending(DEVICE_ID)).toBe(false);
    expect(await h.queue.size(DEVICE_ID)).toBe(0);
  });

  it('keeps no session when the inform can be neither published nor deferred', async () => {
    const h = await harness();
    jest.spyOn(h.bus, 'publish').mockRejectedValueOnce(new Error('bus down'));
    jest.spyOn(h.outbox, 'defer').mockRejectedValueOnce(new Error('store down'));
    await expect(new FakeCpe(h).post(inform())).rejects.toThrow('store down');
    expect(await h.store.byDevice(DEVICE_ID)).toBeNull();
  });

  it('challenges with Digest and refuses unknown devices when configured', async () => {
    const h = await harness({ ACS_CPE_AUTH: 'digest', ACS_CPE_USERNAME: 'cpe', ACS_CPE_PASSWORD: 'pw' });
    const challenge = await new FakeCpe(h).post(inform());
    expect(challenge.status).toBe(401);
    expect(challenge.headers['WWW-Authenticate']).toEqual([expect.stringMatching(/^Digest .*algorithm=SHA-256/), expect.stringMatching(/algorithm=MD5/)]);

    const closed = await harness({ ACS_ACCEPT_UNKNOWN_DEVICES: 'false' });
    expect((await new FakeCpe(closed).post(inform())).status).toBe(403);
  });
});
