import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { buildEnvelope, parseEnvelope } from '@acs/cwmp';
import { ConnectionRequester, type ConnectionRequesterOptions } from '@acs/gateway';

/**
 * The gateway's ConnectionRequester against simulated CPEs: HTTP Digest (the simulator's own Digest server) and the
 * signed UDP request of TR-111 (the simulator's UDP listener). A woken CPE opens a '6 CONNECTION REQUEST' session with
 * a tiny ACS in this file (InformResponse, then 204), which is all the wake-up needs; the session engine has its own
 * tests.
 */
describe('connection requests to simulated CPEs', () => {
  let acs: http.Server;
  let acsUrl: string;
  const informEvents: string[][] = [];
  const cpes: SimulatedCpe[] = [];
  const requesters: ConnectionRequester[] = [];

  beforeAll(async () => {
    acs = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const envelope = body.trim() === '' ? null : parseEnvelope(body);
        if (envelope?.body.kind !== 'Inform') return void response.writeHead(204).end();
        informEvents.push(envelope.body.events.map((e) => e.eventCode));
        const xml = buildEnvelope({ kind: 'InformResponse', maxEnvelopes: 1 }, { id: envelope.header.id }, envelope.version);
        response.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' }).end(xml);
      });
    });
    await new Promise<void>((resolve) => acs.listen(0, '127.0.0.1', resolve));
    acsUrl = `http://127.0.0.1:${(acs.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    for (const cpe of cpes.splice(0)) await cpe.stop();
    for (const requester of requesters.splice(0)) requester.close();
  });

  afterAll(async () => {
    acs.closeAllConnections();
    await new Promise<void>((resolve) => acs.close(() => resolve()));
  });

  async function startCpe(serial: string, udp = false): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({
      acsUrl,
      model: DataModel.builtin('tr181'),
      oui: 'A1B2C3',
      productClass: 'CR Test',
      serialNumber: serial,
      connectionRequest: { host: '127.0.0.1', port: 0, username: 'cr-user', password: 'cr-pass' },
      udpConnectionRequest: udp ? { host: '127.0.0.1', port: 0 } : undefined,
      periodicInformInterval: 3600,
    });
    cpes.push(cpe);
    await cpe.start();
    return cpe;
  }

  function requester(options: ConnectionRequesterOptions = {}): ConnectionRequester {
    const created = new ConnectionRequester({ timeoutMs: 2000, udpIntervalMs: 5, ...options });
    requesters.push(created);
    return created;
  }

  /** The device as provisioning would know it from the CPE's Inform. */
  function targetOf(cpe: SimulatedCpe, password = 'cr-pass') {
    return {
      deviceId: cpe.deviceId,
      url: cpe.model.value('Device.ManagementServer.ConnectionRequestURL'),
      udpAddress: cpe.model.value('Device.ManagementServer.UDPConnectionRequestAddress') || undefined,
      username: 'cr-user',
      password,
    };
  }

  it('wakes a CPE over HTTP Digest: it opens a 6 CONNECTION REQUEST session', async () => {
    const cpe = await startCpe('HTTP1');
    const session = cpe.waitForSession((s) => s.events.includes('6 CONNECTION REQUEST'), 20_000);
    const outcome = await requester().request(targetOf(cpe));
    expect(outcome).toMatchObject({ deviceId: cpe.deviceId, result: 'woke', via: 'http', status: 200 });
    expect((await session).error).toBeUndefined();
    expect(informEvents).toContainEqual(['6 CONNECTION REQUEST']);
  });

  it('reports auth-failed for a wrong password, and the CPE stays asleep', async () => {
    const cpe = await startCpe('HTTP2');
    const outcome = await requester().request(targetOf(cpe, 'wrong'));
    expect(outcome).toMatchObject({ result: 'auth-failed', via: 'http', status: 401 });
    await cpe.idle();
    expect(cpe.sessions.map((s) => s.events)).toEqual([['0 BOOTSTRAP', '1 BOOT']]);
  });

  it('reports unreachable once the CPE is gone', async () => {
    const cpe = await startCpe('HTTP3');
    const target = targetOf(cpe);
    await cpe.stop();
    expect(await requester().request(target)).toMatchObject({ result: 'unreachable', via: 'http' });
  });

  it('wakes a CPE behind NAT with a signed UDP request, and a wrongly signed one does not', async () => {
    const cpe = await startCpe('UDP1', true);
    const target = targetOf(cpe);
    expect(target.udpAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const listener = cpe.udpConnectionRequestListener!;

    const wrong = await requester({ preferUdp: true }).request({ ...target, password: 'wrong' });
    expect(wrong).toMatchObject({ result: 'sent', via: 'udp' });
    while (listener.stats.rejected < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(listener.lastRejection).toBe('bad-signature');
    expect(listener.stats.accepted).toBe(0);

    const session = cpe.waitForSession((s) => s.events.includes('6 CONNECTION REQUEST'), 20_000);
    const outcome = await requester({ preferUdp: true }).request(target);
    expect(outcome).toMatchObject({ result: 'sent', via: 'udp' });
    expect((await session).events).toEqual(['6 CONNECTION REQUEST']);
    // Three copies, one id: one wake-up, two duplicates.
    while (listener.stats.accepted + listener.stats.duplicates < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(listener.stats).toMatchObject({ accepted: 1, duplicates: 2 });
  });

  it('falls back to UDP when the ConnectionRequestURL cannot be reached', async () => {
    const cpe = await startCpe('UDP2', true);
    const session = cpe.waitForSession((s) => s.events.includes('6 CONNECTION REQUEST'), 20_000);
    const outcome = await requester().request({ ...targetOf(cpe), url: 'http://127.0.0.1:1/unreachable' });
    expect(outcome).toMatchObject({ result: 'sent', via: 'udp' });
    await session;
  });

  it('rate limits a device asked twice in a row', async () => {
    const cpe = await startCpe('RATE1');
    const r = requester({ perDeviceIntervalMs: 60_000 });
    expect((await r.request(targetOf(cpe))).result).toBe('woke');
    expect(await r.request(targetOf(cpe))).toMatchObject({ result: 'rate-limited', via: 'none' });
  });
});
