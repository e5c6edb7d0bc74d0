import type { SetParameterValues } from '@acs/cwmp';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataModel } from '../data-model/data-model';
import { SimulatedCpe } from '../session/simulated-cpe';
import { FakeAcs } from '../testing/fake-acs';

const FILE_BYTES = 400_000;
const RATE = 3_200_000; // bits/s: the file takes about 1 s on the simulated link

/** A local file server: GET /file, PUT /upload (counts the bytes), /missing 404, /broken 500. */
class TransferServer {
  uploaded = 0;
  private server?: http.Server;
  async listen(): Promise<string> {
    this.server = http.createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/file') {
        response.writeHead(200, { 'content-length': FILE_BYTES, 'content-type': 'application/octet-stream' }).end(Buffer.alloc(FILE_BYTES, 1));
        return;
      }
      if (request.method === 'PUT' && request.url === '/upload') {
        request.on('data', (chunk: Buffer) => (this.uploaded += chunk.length));
        request.on('end', () => response.writeHead(201).end());
        return;
      }
      request.resume();
      response.writeHead(request.url === '/broken' ? 500 : 404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const spv = (values: Record<string, string | number>): SetParameterValues => ({
  kind: 'SetParameterValues',
  parameterKey: '',
  parameterList: Object.entries(values).map(([name, value]) => ({ name, value: typeof value === 'number' ? { type: 'unsignedInt', value } : { type: 'string', value } })),
});

const MICROSECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('download and upload diagnostics over real HTTP', () => {
  let acs: FakeAcs;
  let acsUrl: string;
  let files: TransferServer;
  let base: string;
  const cpes: SimulatedCpe[] = [];

  beforeAll(async () => {
    acs = new FakeAcs();
    [acsUrl] = (await acs.listen(1)) as [string];
    files = new TransferServer();
    base = await files.listen();
  });
  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    await files.close();
    await acs.close();
  });

  async function measure(kind: 'tr181' | 'tr098', values: Record<string, string | number>): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({
      acsUrl,
      model: DataModel.builtin(kind),
      oui: '001122',
      productClass: 'Box',
      serialNumber: `H${cpes.length}`,
      network: { downloadBitsPerSecond: RATE, uploadBitsPerSecond: RATE },
    });
    cpes.push(cpe);
    acs.queue.push(spv(values));
    await cpe.runSession();
    await cpe.diagnosticsSettled();
    expect((await cpe.runSession()).events).toContain('8 DIAGNOSTICS COMPLETE');
    return cpe;
  }

  /** Throughput as an ACS computes it: test bytes over BOM→EOM. The link caps it; a busy machine only lowers it. */
  function throughput(cpe: SimulatedCpe, path: string, bytesName: string): number {
    const v = (n: string): string => cpe.model.value(`${path}${n}`)!;
    for (const n of ['ROMTime', 'BOMTime', 'EOMTime', 'TCPOpenRequestTime', 'TCPOpenResponseTime']) expect(v(n)).toMatch(MICROSECONDS);
    const micros = (t: string): number => Date.parse(t.slice(0, 19) + 'Z') * 1000 + Number(t.slice(20, 26));
    expect(micros(v('TCPOpenRequestTime'))).toBeLessThanOrEqual(micros(v('TCPOpenResponseTime')));
    expect(micros(v('BOMTime'))).toBeLessThan(micros(v('EOMTime')));
    return (Number(v(bytesName)) * 8) / ((micros(v('EOMTime')) - micros(v('BOMTime'))) / 1e6);
  }

  it.each([
    ['tr181', 'Device.IP.Diagnostics.DownloadDiagnostics.', 'Complete'],
    ['tr098', 'InternetGatewayDevice.DownloadDiagnostics.', 'Completed'],
  ] as const)('%s: a download reads the file at the configured rate', async (kind, path, complete) => {
    const cpe = await measure(kind, { [`${path}DownloadURL`]: `${base}/file`, [`${path}DiagnosticsState`]: 'Requested' });
    expect(cpe.model.value(`${path}DiagnosticsState`)).toBe(complete);
    const bytes = Number(cpe.model.value(`${path}TestBytesReceived`));
    expect(bytes).toBeGreaterThanOrEqual(FILE_BYTES);
    expect(bytes).toBeLessThan(FILE_BYTES + 1000);
    expect(Number(cpe.model.value(`${path}TotalBytesReceived`))).toBeGreaterThan(bytes);
    const measured = throughput(cpe, path, 'TestBytesReceived');
    // Header bytes ride along with the first chunk: a hair above the rate at most.
    expect(measured).toBeLessThanOrEqual(RATE * 1.01);
    expect(measured).toBeGreaterThanOrEqual(RATE * 0.5);
  });

  it('tr181: an upload sends TestFileLength bytes at the configured rate', async () => {
    const path = 'Device.IP.Diagnostics.UploadDiagnostics.';
    const before = files.uploaded;
    const cpe = await measure('tr181', { [`${path}UploadURL`]: `${base}/upload`, [`${path}TestFileLength`]: FILE_BYTES, [`${path}DiagnosticsState`]: 'Requested' });
    expect(cpe.model.value(`${path}DiagnosticsState`)).toBe('Complete');
    expect(files.uploaded - before).toBe(FILE_BYTES);
    const measured = throughput(cpe, path, 'TestBytesSent');
    expect(measured).toBeLessThanOrEqual(RATE * 1.01);
    expect(measured).toBeGreaterThanOrEqual(RATE * 0.5);
  });

  it('tr098: an upload reports Completed and TotalBytesSent', async () => {
    const path = 'InternetGatewayDevice.UploadDiagnostics.';
    const cpe = await measure('tr098', { [`${path}UploadURL`]: `${base}/upload`, [`${path}TestFileLength`]: 50_000, [`${path}DiagnosticsState`]: 'Requested' });
    expect(cpe.model.value(`${path}DiagnosticsState`)).toBe('Completed');
    expect(Number(cpe.model.value(`${path}TotalBytesSent`))).toBeGreaterThan(50_000);
  });

  it.each([
    ['tr181', 'Device.IP.Diagnostics.DownloadDiagnostics.', 'Error_TransferFailed', '/missing'],
    ['tr098', 'InternetGatewayDevice.DownloadDiagnostics.', 'Error_TransferFailed', '/missing'],
    ['tr181', 'Device.IP.Diagnostics.UploadDiagnostics.', 'Error_NoTransferComplete', '/broken'],
    ['tr098', 'InternetGatewayDevice.UploadDiagnostics.', 'Error_NoTransferComplete', '/broken'],
  ] as const)('%s %s: an HTTP error gives %s', async (kind, path, state, file) => {
    const inputs = path.includes('Upload') ? { [`${path}UploadURL`]: `${base}${file}`, [`${path}TestFileLength`]: 1000 } : { [`${path}DownloadURL`]: `${base}${file}` };
    const cpe = await measure(kind, { ...inputs, [`${path}DiagnosticsState`]: 'Requested' });
    expect(cpe.model.value(`${path}DiagnosticsState`)).toBe(state);
    expect(cpe.diagnosticsRecords.at(-1)!.reason).toMatch(/HTTP (404|500)/);
  });

  it('an unreachable server gives Error_InitConnectionFailed', async () => {
    const closed = new TransferServer();
    const gone = await closed.listen();
    await closed.close();
    const path = 'Device.IP.Diagnostics.DownloadDiagnostics.';
    const cpe = await measure('tr181', { [`${path}DownloadURL`]: `${gone}/file`, [`${path}DiagnosticsState`]: 'Requested' });
    expect(cpe.model.value(`${path}DiagnosticsState`)).toBe('Error_InitConnectionFailed');
  });
});
