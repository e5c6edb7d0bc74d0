import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { buildEnvelope, parseEnvelope } from '@acs/cwmp';
import { call, collect, NbiChannel, type AcsV1Clients } from './nbi/support/nbi-client';
import { bootstrapToken } from './nbi/support/standalone-with-cpe';
import { metric, startApp, type RunningApp } from './support/processes';

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A POST with full control of the body stream, for bodies fetch would not send (100 MB, lying lengths). */
function post(url: string, body: Buffer | ((write: (chunk: Buffer) => boolean) => Promise<void>), headers: Record<string, string | number> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      body((chunk) => req.write(chunk))
        .then(() => req.end())
        .catch(() => undefined);
    }
  });
}

const ENVELOPE_OPEN =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Header/><soap:Body>';

/** Every kind of hostile input gets a 4xx or a CWMP fault quickly, and the next CPE is served as usual. */
describe('hostile input against the standalone gateway', () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let serial = 0;

  beforeAll(async () => {
    // No provisioning work for new devices: the "next CPE" must see the plain Inform / 204 exchange.
    app = await startApp('standalone', { ACS_MAX_BODY_BYTES: String(4 * 1024 * 1024), ACS_MANAGE_CR_CREDENTIALS: 'false' });
    channel = new NbiChannel(app.nbiAddress);
    api = channel.clients(await bootstrapToken(app));
  }, 30_000);

  afterAll(async () => {
    channel?.close();
    expect(await app?.stop()).toBe(0);
  });

  afterEach(async () => {
    // The next CPE is served normally, whatever the previous request was.
    const cpe = new SimulatedCpe({ acsUrl: app.cwmpUrl, model: DataModel.builtin('tr098'), oui: 'A1B2C3', productClass: 'Next', serialNumber: `N${serial++}` });
    const report = await cpe.runSession(['2 PERIODIC']);
    expect(report.error).toBeUndefined();
    expect(report.httpStatuses).toEqual([200, 204]);
    // Bounded memory: whatever was thrown at it, the process stays small.
    expect(await metric(app.mgmtUrl, 'acs_process_resident_memory_bytes')).toBeLessThan(400 * 1024 * 1024);
  });

  it('refuses a billion-laughs document without expanding it', async () => {
    const laughs = [
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      `${ENVELOPE_OPEN}<cwmp:Inform><DeviceId><OUI>&lol9;</OUI></DeviceId></cwmp:Inform></soap:Body></soap:Envelope>`,
    ].join('');
    const reply = await post(app.cwmpUrl, Buffer.from(laughs));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/forbidden-dtd/);
  });

  it('refuses a 100 MB body with 413 without reading it into memory', async () => {
    const size = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const reply = await post(
      app.cwmpUrl,
      async (write) => {
        for (let sent = 0; sent < size; sent += chunk.length) {
          if (!write(chunk)) await new Promise((r) => setTimeout(r, 1));
        }
      },
      { 'Content-Length': size },
    ).catch((error: NodeJS.ErrnoException) => {
      // The server may close the connection before the client finishes writing; that is a refusal too, but the
      // answer must have been a 413: check it on a request that declares its size honestly and sends nothing more.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') throw error;
      return post(app.cwmpUrl, Buffer.alloc(0), { 'Content-Length': size });
    });
    expect(reply.status).toBe(413);
  }, 30_000);

  it('refuses a chunked body that grows past the limit, and a gzip bomb', async () => {
    const chunked = await post(app.cwmpUrl, async (write) => {
      for (let i = 0; i < 8; i++) write(Buffer.alloc(1024 * 1024, 'b'));
    });
    expect(chunked.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, ' '));
    const reply = await post(app.cwmpUrl, bomb, { 'Content-Encoding': 'gzip' });
    expect(reply.status).toBe(413);
  }, 30_000);

  it('refuses 10,000-deep nesting', async () => {
    const deep = `${ENVELOPE_OPEN}${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</soap:Body></soap:Envelope>`;
    const reply = await post(app.cwmpUrl, Buffer.from(deep));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/too-deep/);
  });

  it('refuses random bytes', async () => {
    for (let i = 0; i < 20; i++) {
      const reply = await post(app.cwmpUrl, randomBytes(1 + Math.floor(Math.random() * 4096)));
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
    }
  });

  it('answers an unknown RPC with CWMP fault 8000', async () => {
    const cpe = new SimulatedCpe({ acsUrl: app.cwmpUrl, model: DataModel.builtin('tr181'), oui: 'A1B2C3', productClass: 'Odd', serialNumber: 'U1' });
    const open = await post(app.cwmpUrl, Buffer.from(informXml(cpe.deviceId)));
    expect(open.status).toBe(200);
    const cookie = String(open.headers['set-cookie']).split(';')[0];
    const reply = await post(app.cwmpUrl, Buffer.from(`${ENVELOPE_OPEN}<cwmp:FrobnicateWidget/></soap:Body></soap:Envelope>`), { Cookie: cookie });
    expect(reply.status).toBe(500);
    expect(parseEnvelope(reply.body)!.body).toMatchObject({ kind: 'Fault', faultCode: 8000 });
  });

  it('ends the session on a wrong cwmp:ID and runs the item again in the next session', async () => {
    const deviceId = 'A1B2C3-Odd-W1';
    // A task needs a device the ACS knows: a first, ordinary session registers it.
    const first = await post(app.cwmpUrl, Buffer.from(informXml(deviceId)));
    expect(first.status).toBe(200);
    expect((await post(app.cwmpUrl, Buffer.alloc(0), { Cookie: String(first.headers['set-cookie']).split(';')[0] })).status).toBe(204);
    const { task } = await call(
      api.tasks.createTask.bind(api.tasks),
      acsV1.CreateTaskRequest.fromPartial({
        deviceId,
        spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } } },
      }),
    );
    expect(task?.workItemIds).toHaveLength(1);

    const open = await post(app.cwmpUrl, Buffer.from(informXml(deviceId)));
    const cookie = String(open.headers['set-cookie']).split(';')[0];
    const rpc = await post(app.cwmpUrl, Buffer.alloc(0), { Cookie: cookie });
    expect(parseEnvelope(rpc.body)!.body.kind).toBe('GetParameterValues');
    const wrong = await post(app.cwmpUrl, Buffer.from(buildEnvelope({ kind: 'GetParameterValuesResponse', parameterList: [] }, { id: 'not-it' }, '1.0')), { Cookie: cookie });
    expect(wrong.status).toBe(400);
    // The item went back to the device's queue: the task still waits on it.
    const { task: waiting } = await call(api.tasks.getTask.bind(api.tasks), acsV1.GetTaskRequest.fromPartial({ taskId: task!.id }));
    expect(waiting?.status).toBe(acsV1.TaskStatus.TASK_STATUS_DISPATCHED);
    expect(waiting?.workItemIds).toEqual(task?.workItemIds);

    // The next session sends it again, and this time its answer ends the task.
    const watch = collect(
      api.tasks.watchTask(acsV1.WatchTaskRequest.fromPartial({ taskId: task!.id }), { deadline: Date.now() + 20_000 }),
      (update) => update.task?.status === acsV1.TaskStatus.TASK_STATUS_DONE,
      20_000,
    );
    const again = await post(app.cwmpUrl, Buffer.from(informXml(deviceId)));
    const againCookie = String(again.headers['set-cookie']).split(';')[0];
    const resent = parseEnvelope((await post(app.cwmpUrl, Buffer.alloc(0), { Cookie: againCookie })).body)!;
    expect(resent.body.kind).toBe('GetParameterValues');
    const answer = buildEnvelope(
      { kind: 'GetParameterValuesResponse', parameterList: [{ name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '1.0' } }] },
      { id: resent.header.id },
      '1.0',
    );
    expect((await post(app.cwmpUrl, Buffer.from(answer), { Cookie: againCookie })).status).toBe(204);
    expect((await watch).at(-1)?.task?.status).toBe(acsV1.TaskStatus.TASK_STATUS_DONE);
  });
});

function informXml(deviceId: string): string {
  const [oui, productClass, serialNumber] = deviceId.split('-');
  return buildEnvelope(
    {
      kind: 'Inform',
      deviceId: { manufacturer: 'Test', oui, productClass, serialNumber },
      events: [{ eventCode: '2 PERIODIC', commandKey: '' }],
      maxEnvelopes: 1,
      currentTime: new Date().toISOString(),
      retryCount: 0,
      parameterList: [],
    },
    { id: '1' },
    '1.0',
  );
}
