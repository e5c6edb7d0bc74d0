import { createHash, randomBytes } from 'node:crypto';

import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { errorDetailsOf, GrpcServerHost } from '@acs/platform';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';

import { FirmwareFixture } from '../testing/firmware-fixture';
import { FirmwareGrpcController, MAX_UPLOAD_CHUNK_BYTES } from './firmware-grpc.controller';

const metadataMessage = (overrides: Partial<pb.FileMetadata> = {}): pb.UploadFileRequest => ({
  part: {
    $case: 'metadata',
    metadata: { name: 'ex220.bin', fileType: '1 Firmware Upgrade Image', targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: [] }], softwareVersion: '2.0', notes: '', expectedSha256: '', ...overrides },
  },
});
const chunk = (bytes: Buffer): pb.UploadFileRequest => ({ part: { $case: 'chunk', chunk: bytes } });
const complete = (size: number): pb.UploadFileRequest => ({ part: { $case: 'complete', complete: { size } } });

describe('FirmwareGrpcController over gRPC', () => {
  let fixture: FirmwareFixture;
  let host: GrpcServerHost;
  let client: pb.FileServiceClient;

  beforeAll(async () => {
    fixture = await FirmwareFixture.open({ maxFileBytes: 3 * 1024 * 1024 });
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0, maxReceiveMessageBytes: MAX_UPLOAD_CHUNK_BYTES + 64 * 1024 });
    host.addService(pb.FileServiceService, new FirmwareGrpcController(fixture.useCases).implementation.files);
    const port = await host.start();
    client = new pb.FileServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await host.stop(0);
    await fixture.close();
  });

  function upload(messages: pb.UploadFileRequest[], metadata = new Metadata()): Promise<pb.UploadFileResponse> {
    return new Promise((resolve, reject) => {
      const call = client.uploadFile(metadata, (error, response) => (error ? reject(error) : resolve(response)));
      for (const message of messages) call.write(message);
      call.end();
    });
  }

  it('uploads metadata then chunks, answering the file with its size, SHA-256 and uploader; lists, gets and deletes it', async () => {
    const bytes = randomBytes(2 * MAX_UPLOAD_CHUNK_BYTES + 10);
    const requestedBy = new Metadata();
    requestedBy.set(REQUESTED_BY_METADATA_KEY, 'oss');
    const { file } = await upload(
      [
        metadataMessage(),
        chunk(bytes.subarray(0, MAX_UPLOAD_CHUNK_BYTES)),
        chunk(bytes.subarray(MAX_UPLOAD_CHUNK_BYTES, 2 * MAX_UPLOAD_CHUNK_BYTES)),
        chunk(bytes.subarray(2 * MAX_UPLOAD_CHUNK_BYTES)),
        complete(bytes.length),
      ],
      requestedBy,
    );
    expect(file).toMatchObject({ name: 'ex220.bin', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), createdBy: 'oss' });

    const listed = await new Promise<pb.ListFilesResponse>((resolve, reject) =>
      client.listFiles({ fileType: '', oui: '00259E', productClass: 'EX220', hardwareVersion: '', pageSize: 1, pageToken: '' }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    expect(listed).toEqual({ files: [file], nextPageToken: '' });
    const got = await new Promise<pb.GetFileResponse>((resolve, reject) => client.getFile({ fileId: file!.id }, (e, r) => (e ? reject(e) : resolve(r))));
    expect(got.file).toEqual(file);
    await new Promise<pb.DeleteFileResponse>((resolve, reject) => client.deleteFile({ fileId: file!.id }, (e, r) => (e ? reject(e) : resolve(r))));
    const missing = await new Promise<ServiceError>((resolve) => client.getFile({ fileId: file!.id }, (e) => resolve(e!)));
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('refuses an upload whose first message is not the metadata, or whose later messages are not chunks', async () => {
    const noMetadata = await upload([chunk(Buffer.from('x')), complete(1)]).catch((e: ServiceError) => e);
    expect(noMetadata).toMatchObject({ code: status.INVALID_ARGUMENT });
    const twoMetadata = await upload([metadataMessage(), metadataMessage()]).catch((e: ServiceError) => e);
    expect(twoMetadata).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(await fixture.store.content.ids()).toEqual([]);
  });

  it('answers RESOURCE_EXHAUSTED with the limit past the size limit, INVALID_ARGUMENT on a checksum mismatch, keeping nothing', async () => {
    const tooLarge = await upload([metadataMessage(), ...[1, 2, 3, 4].map(() => chunk(randomBytes(MAX_UPLOAD_CHUNK_BYTES)))]).catch((e: ServiceError) => e);
    expect(tooLarge).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect(errorDetailsOf(tooLarge as ServiceError).errorInfo).toMatchObject({ reason: 'FILE_TOO_LARGE', metadata: { maxBytes: String(3 * 1024 * 1024) } });
    const mismatch = await upload([metadataMessage({ expectedSha256: '0'.repeat(64) }), chunk(Buffer.from('image')), complete(5)]).catch((e: ServiceError) => e);
    expect(mismatch).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(errorDetailsOf(mismatch as ServiceError).badRequest?.fieldViolations.map((v) => v.field)).toEqual(['metadata.expected_sha256']);
    expect(await fixture.store.content.ids()).toEqual([]);
  });

  it('keeps nothing of an upload that ends without its complete message (what a cancelled call looks like) or whose size is not what arrived', async () => {
    const cut = await upload([metadataMessage(), chunk(randomBytes(1000))]).catch((e: ServiceError) => e);
    expect(cut).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(errorDetailsOf(cut as ServiceError).badRequest?.fieldViolations.map((v) => v.field)).toEqual(['complete']);
    const short = await upload([metadataMessage(), chunk(randomBytes(1000)), complete(2000)]).catch((e: ServiceError) => e);
    expect(errorDetailsOf(short as ServiceError).badRequest?.fieldViolations.map((v) => v.field)).toEqual(['complete.size']);
    const after = await upload([metadataMessage(), chunk(randomBytes(10)), complete(10), chunk(randomBytes(10))]).catch((e: ServiceError) => e);
    expect(after).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(await fixture.store.content.ids()).toEqual([]);
    expect((await fixture.store.files.list({}, { skip: 0, limit: 10 })).total).toBe(0);
  });

  it('refuses bad metadata with every violation named, before any content', async () => {
    const error = (await upload([metadataMessage({ name: '', fileType: 'firmware', targets: [{ oui: 'xyz', productClass: 'EX220', hardwareVersions: [] }] })]).catch((e: ServiceError) => e)) as ServiceError;
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailsOf(error).badRequest?.fieldViolations.map((v) => v.field)).toEqual(['metadata.name', 'metadata.file_type', 'metadata.targets[0].oui']);
  });
});
