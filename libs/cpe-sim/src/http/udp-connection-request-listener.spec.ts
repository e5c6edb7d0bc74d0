import { createHmac } from 'node:crypto';
import * as dgram from 'node:dgram';
import { DataModel } from '../data-model/data-model';
import { SimulatedCpe } from '../session/simulated-cpe';
import { FakeAcs } from '../testing/fake-acs';
import { UdpConnectionRequestListener } from './udp-connection-request-listener';

// Messages are built by hand here, independently of the gateway's requester (which the simulator must not import);
// test/e2e/connection-request.e2e-spec.ts drives this listener with the real requester.

interface Message {
  ts?: number;
  id?: number;
  un?: string;
  cn?: string;
  password?: string;
  /** Replaces the computed signature. */
  sig?: string;
  /** Replaces the whole datagram. */
  raw?: string;
}

describe('UdpConnectionRequestListener', () => {
  const NOW = 1_700_000_000_000;
  let listener: UdpConnectionRequestListener;
  let sender: dgram.Socket;
  let woken = 0;
  let credentials: { username: string; password: string } | undefined;

  beforeEach(async () => {
    woken = 0;
    credentials = { username: 'acs', password: 'pw' };
    listener = new UdpConnectionRequestListener({ host: '127.0.0.1', port: 0, replayWindowSeconds: 60, now: () => NOW });
    await listener.listen();
    listener.register({ credentials: () => credentials, onConnectionRequest: () => woken++ });
    sender = dgram.createSocket('udp4');
  });

  afterEach(async () => {
    await listener.close();
    await new Promise<void>((resolve) => sender.close(() => resolve()));
  });

  function datagram(m: Message = {}): string {
    if (m.raw !== undefined) return m.raw;
    const ts = m.ts ?? Math.floor(NOW / 1000);
    const id = m.id ?? 42;
    const un = m.un ?? 'acs';
    const cn = m.cn ?? 'c n&1';
    const sig = m.sig ?? createHmac('sha1', m.password ?? 'pw').update(`${ts}${id}${un}${cn}`).digest('hex');
    const query = `ts=${ts}&id=${id}&un=${encodeURIComponent(un)}&cn=${encodeURIComponent(cn)}&sig=${sig}`;
    return `GET http://${listener.address}?${query} HTTP/1.1\r\nHost: ${listener.address}\r\n\r\n`;
  }

  /** Sends and resolves once the listener has handled the datagram. */
  async function send(m: Message = {}): Promise<void> {
    const handled = new Promise<void>((resolve) => {
      const off = listener.onProcessed(() => {
        off();
        resolve();
      });
    });
    sender.send(datagram(m), listener.port, '127.0.0.1');
    await handled;
  }

  it('accepts a signed request once; retransmissions with the same id are duplicates', async () => {
    await send();
    await send();
    await send({ id: 43, sig: undefined });
    expect(woken).toBe(2);
    expect(listener.stats).toEqual({ accepted: 2, duplicates: 1, rejected: 0 });
  });

  it.each<[string, Message, string]>([
    ['a wrong password', { password: 'nope' }, 'bad-signature'],
    ['another username', { un: 'someone' }, 'wrong-username'],
    ['an old timestamp', { ts: Math.floor(NOW / 1000) - 61 }, 'stale-timestamp'],
    ['a timestamp from the future', { ts: Math.floor(NOW / 1000) + 61 }, 'stale-timestamp'],
    ['a body', { raw: 'GET http://h:1?ts=1&id=1&un=a&cn=b&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\nContent-Length: 1\r\n\r\nx' }, 'malformed'],
    ['a path', { raw: 'GET http://h:1/x?ts=1&id=1&un=a&cn=b&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n' }, 'malformed'],
    ['a missing sig', { raw: 'GET http://h:1?ts=1&id=1&un=a&cn=b HTTP/1.1\r\n\r\n' }, 'malformed'],
    ['a POST', { raw: 'POST http://h:1?ts=1&id=1&un=a&cn=b&sig=' + 'a'.repeat(40) + ' HTTP/1.1\r\n\r\n' }, 'malformed'],
  ])('ignores a request with %s', async (_name, message, reason) => {
    await send(message);
    expect(woken).toBe(0);
    expect(listener.lastRejection).toBe(reason);
  });

  it('checks the live credentials, and accepts anything well-formed when the CPE has none', async () => {
    credentials = { username: 'acs', password: 'changed' };
    await send();
    expect(listener.lastRejection).toBe('bad-signature');
    await send({ password: 'changed', id: 7 });
    credentials = undefined;
    await send({ password: 'whatever', id: 8 });
    expect(woken).toBe(2);
  });
});

describe('SimulatedCpe with a UDP connection request listener', () => {
  let acs: FakeAcs;
  let device: SimulatedCpe;

  beforeEach(async () => {
    acs = new FakeAcs();
    const [url] = await acs.listen();
    device = new SimulatedCpe({
      acsUrl: url!,
      model: DataModel.builtin('tr098'),
      oui: '00D09E',
      productClass: 'Udp Box',
      serialNumber: 'U1',
      connectionRequest: { host: '127.0.0.1', port: 0, username: 'acs', password: 'pw' },
      udpConnectionRequest: { host: '127.0.0.1', port: 0 },
      periodicInformInterval: 3600,
    });
  });

  afterEach(async () => {
    await device.stop();
    await acs.close();
  });

  it('reports UDPConnectionRequestAddress in its Informs and opens a 6 CONNECTION REQUEST session on a signed request', async () => {
    await device.start();
    const listener = device.udpConnectionRequestListener!;
    const inform = acs.requests[0]!.envelope!.body;
    if (inform.kind !== 'Inform') throw new Error('expected an Inform');
    expect(inform.parameterList).toContainEqual({
      name: 'InternetGatewayDevice.ManagementServer.UDPConnectionRequestAddress',
      value: { type: 'string', value: listener.address },
    });

    const woke = device.waitForSession((s) => s.events.includes('6 CONNECTION REQUEST'), 20_000);
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha1', 'pw').update(`${ts}1acsx`).digest('hex');
    const socket = dgram.createSocket('udp4');
    socket.send(`GET http://${listener.address}?ts=${ts}&id=1&un=acs&cn=x&sig=${sig} HTTP/1.1\r\n\r\n`, listener.port, '127.0.0.1');
    expect((await woke).events).toEqual(['6 CONNECTION REQUEST']);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });
});
