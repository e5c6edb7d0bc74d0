import { acsV1, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import type { ServiceTransport } from '@acs/clients';
import { clientStream, errorDetailsOf, GrpcServerHost, LimitExceededError, unary } from '@acs/platform';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CLIENT_METADATA_KEY } from '../security/nbi-security.interceptor';
import { BackendRelay } from './backend-relay';

/** What the backend saw of uploads, and a way to wait for one to end on its side. */
const backendSide = {
  requestedBy: '' as unknown,
  chunks: 0,
  ended: undefined as undefined | ((how: string) => void),
  onChunk: undefined as undefined | (() => void),
};

/**
 * The backend: a FileService double whose upload counts chunks, refuses past 2 of them, and reports how it ended:
 * `completed` only with the closing `complete` message (a cancel can reach a server as the end of the messages).
 */
const fileService = {
  uploadFile: clientStream<acsV1.UploadFileRequest, acsV1.UploadFileResponse>(async (messages, serverCall) => {
    backendSide.requestedBy = serverCall.metadata.get(REQUESTED_BY_METADATA_KEY)[0];
    let bytes = 0;
    let name = '';
    let completed = false;
    try {
      for await (const message of messages) {
        if (message.part?.$case === 'metadata') name = message.part.metadata.name;
        if (message.part?.$case === 'chunk') {
          backendSide.chunks++;
          backendSide.onChunk?.();
          bytes += message.part.chunk.length;
          if (name === 'limited' && backendSide.chunks > 2) throw new LimitExceededError('too large', 'FILE_TOO_LARGE', { maxBytes: '2' });
        }
        if (message.part?.$case === 'complete') completed = true;
      }
    } catch (error) {
      backendSide.ended?.(error instanceof LimitExceededError ? 'refused' : 'cancelled');
      throw error;
    }
    backendSide.ended?.(completed ? 'completed' : 'cut');
    if (!completed) throw new Error('cut');
    return { file: { id: 'f-1', name, fileType: '1 Firmware Upgrade Image', targets: [], softwareVersion: '', notes: '', size: bytes, sha256: '', createdBy: String(backendSide.requestedBy ?? '') } };
  }),
  listFiles: unary(async () => ({ files: [], nextPageToken: '' })),
  getFile: unary(async () => ({})),
  deleteFile: unary(async () => ({})),
} as unknown as acsV1.FileServiceServer;

const transports: Array<[string, (backend: GrpcServerHost, port: number) => ServiceTransport]> = [
  ['gRPC', (_backend, port) => ({ address: `127.0.0.1:${port}` })],
  ['in-process', (backend) => ({ host: () => backend })],
];

const metadataMessage = (name: string): acsV1.UploadFileRequest => ({
  part: { $case: 'metadata', metadata: { name, fileType: '1 Firmware Upgrade Image', targets: [], softwareVersion: '', notes: '', expectedSha256: '' } },
});
const chunk = (size: number): acsV1.UploadFileRequest => ({ part: { $case: 'chunk', chunk: Buffer.alloc(size, 7) } });
const complete = (size: number): acsV1.UploadFileRequest => ({ part: { $case: 'complete', complete: { size } } });

describe.each(transports)('BackendRelay relays an upload (client stream) to a backend over %s', (_name, transportOf) => {
  let backend: GrpcServerHost;
  let nbi: GrpcServerHost;
  let relay: BackendRelay;
  let files: acsV1.FileServiceClient;

  beforeAll(async () => {
    backend = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    backend.addService(acsV1.FileServiceService, fileService);
    const backendPort = await backend.start();
    relay = new BackendRelay({ dependency: 'firmware', services: [acsV1.FileServiceService], transport: transportOf(backend, backendPort) });
    nbi = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    for (const [definition, implementation] of relay.services()) nbi.addService(definition, implementation);
    files = new acsV1.FileServiceClient(`127.0.0.1:${await nbi.start()}`, credentials.createInsecure());
  });

  beforeEach(() => {
    backendSide.chunks = 0;
    backendSide.requestedBy = undefined;
  });

  afterAll(async () => {
    files?.close();
    relay?.close();
    await nbi?.stop();
    await backend?.stop();
  });

  function ending(): Promise<string> {
    return new Promise((resolve) => (backendSide.ended = resolve));
  }

  it('relays every message in order and answers with the backend\'s response, the authenticated client as requested-by', async () => {
    const metadata = new Metadata();
    metadata.set(CLIENT_METADATA_KEY, 'oss');
    const response = await new Promise<acsV1.UploadFileResponse>((resolve, reject) => {
      const call = files.uploadFile(metadata, (error, answer) => (error ? reject(error) : resolve(answer)));
      call.write(metadataMessage('image.bin'));
      for (let i = 0; i < 20; i++) call.write(chunk(256 * 1024));
      call.write(complete(20 * 256 * 1024));
      call.end();
    });
    expect(response.file).toMatchObject({ name: 'image.bin', size: 20 * 256 * 1024, createdBy: 'oss' });
    expect(backendSide.chunks).toBe(20);
  });

  it("passes the backend's refusal mid-upload through with its status and details", async () => {
    const ended = ending();
    const error = await new Promise<ServiceError>((resolve) => {
      const call = files.uploadFile(new Metadata(), (e) => resolve(e!));
      call.write(metadataMessage('limited'));
      for (let i = 0; i < 5; i++) call.write(chunk(1024));
      call.end();
    });
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorDetailsOf(error).errorInfo).toMatchObject({ reason: 'FILE_TOO_LARGE' });
    expect(await ended).toBe('refused');
  });

  it("ends the backend's upload without its complete message when the caller cancels", async () => {
    const ended = ending();
    const call = files.uploadFile(new Metadata(), () => undefined);
    // Cancelled once the backend has the upload under way, not before the relay has opened it.
    backendSide.onChunk = () => {
      backendSide.onChunk = undefined;
      call.cancel();
    };
    call.write(metadataMessage('cut.bin'));
    call.write(chunk(1024));
    // Cancelled (in process), or cut short (over gRPC, where the cancel may reach the backend as the end of the messages).
    expect(['cancelled', 'cut']).toContain(await ended);
  });
});
