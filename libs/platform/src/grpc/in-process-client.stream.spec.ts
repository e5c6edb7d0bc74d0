import { acsV1 as pb } from '@acs/contracts';
import { Metadata, status, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { LimitExceededError } from '../errors/domain-errors';
import { clientStream, unary } from './grpc-handler';
import { inProcessClient } from './in-process-client';

type Upload = (metadata: Metadata, options: object, callback: (error: ServiceError | null, response: pb.UploadFileResponse) => void) => ClientWritableStream<pb.UploadFileRequest>;

const chunk = (n: number): pb.UploadFileRequest => ({ part: { $case: 'chunk', chunk: Buffer.alloc(10, n) } });

describe('inProcessClient, client streams', () => {
  /** Messages the handler has read; it reads one only when `allow` lets it. */
  let read: number[] = [];
  let allow: () => void = () => undefined;
  const gate = () => new Promise<void>((resolve) => (allow = resolve));

  const files = inProcessClient<{ uploadFile: Upload }>(pb.FileServiceService, {
    uploadFile: clientStream<pb.UploadFileRequest, pb.UploadFileResponse>(async (messages) => {
      for await (const message of messages) {
        if (message.part?.$case !== 'chunk') continue;
        read.push(message.part.chunk[0]!);
        if (message.part.chunk[0] === 99) throw new LimitExceededError('too large', 'FILE_TOO_LARGE');
        await gate();
      }
      return { file: { id: 'f', name: `${read.length} chunks`, fileType: '', targets: [], softwareVersion: '', notes: '', size: 0, sha256: '', createdBy: '' } };
    }),
    listFiles: unary(async () => ({ files: [], nextPageToken: '' })),
    getFile: unary(async () => ({})),
    deleteFile: unary(async () => ({})),
  } as unknown as pb.FileServiceServer);

  beforeEach(() => {
    read = [];
  });

  it('completes a write only when the handler has room for it, then answers through the callback', async () => {
    const answer = new Promise<pb.UploadFileResponse>((resolve, reject) => {
      const call = files.uploadFile(new Metadata(), {}, (error, response) => (error ? reject(error) : resolve(response)));
      const written: number[] = [];
      for (let n = 1; n <= 5; n++) call.write(chunk(n), () => written.push(n));
      call.end();
      // The handler holds the first chunk: at most the next one waits in the buffer, the rest are not taken yet.
      setImmediate(() => {
        expect(written.length).toBeLessThanOrEqual(2);
        const release = () => {
          allow();
          if (read.length < 5) setImmediate(release);
        };
        release();
      });
    });
    expect((await answer).file?.name).toBe('5 chunks');
    expect(read).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers the handler\'s error with its status, and lets a writer waiting for room go on', async () => {
    const error = await new Promise<ServiceError>((resolve) => {
      const call = files.uploadFile(new Metadata(), {}, (e) => resolve(e!));
      call.write(chunk(99));
      call.write(chunk(2));
      call.write(chunk(3));
      call.end();
    });
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(read).toEqual([99]);
  });
});
