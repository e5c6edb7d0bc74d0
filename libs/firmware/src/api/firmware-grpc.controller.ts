import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { abortSignalOf, clientStream, decodePageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import type { Metadata, ServerReadableStream } from '@grpc/grpc-js';

import type { FirmwareUseCases } from '../usecases';
import { fileDescriptionFromProto, fileToProto } from './firmware.mappers';

/** The largest chunk an UploadFile message may carry (files.proto): well under every gRPC message limit on the way. */
export const MAX_UPLOAD_CHUNK_BYTES = 1024 * 1024;

/**
 * The firmware service's gRPC API — acs.v1 FileService, served by the firmware service itself (the NBI relays it):
 * transport and mapping only. UploadFile reads the metadata message, then hands the use case the chunks as an
 * iterable it reads at the store's pace; the call's cancellation aborts the upload.
 *
 *   host.addService(acsV1.FileServiceService, new FirmwareGrpcController(useCases).implementation.files);
 */
export class FirmwareGrpcController {
  readonly implementation: { files: pb.FileServiceServer };

  constructor(private readonly useCases: FirmwareUseCases) {
    this.implementation = {
      files: {
        uploadFile: clientStream<pb.UploadFileRequest, pb.UploadFileResponse>((messages, call) => this.uploadFile(messages, call)),
        listFiles: unary((request: pb.ListFilesRequest) => this.listFiles(request)),
        getFile: unary((request: pb.GetFileRequest) => this.getFile(request)),
        deleteFile: unary((request: pb.DeleteFileRequest, call) => this.deleteFile(request, call.metadata)),
      },
    };
  }

  async uploadFile(messages: AsyncIterable<pb.UploadFileRequest>, call: ServerReadableStream<pb.UploadFileRequest, pb.UploadFileResponse>): Promise<pb.UploadFileResponse> {
    const iterator = messages[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.part?.$case !== 'metadata') {
      throw ValidationError.forField('metadata', 'the first message of an upload carries the file\'s metadata', 'REQUIRED');
    }
    const { metadata } = first.value.part;
    const file = await this.useCases.uploadFile.execute({
      description: fileDescriptionFromProto(metadata),
      expectedSha256: metadata.expectedSha256,
      createdBy: requestedByOf(call.metadata),
      content: chunksOf(iterator),
      signal: abortSignalOf(call),
    });
    return { file: fileToProto(file) };
  }

  async listFiles(request: pb.ListFilesRequest): Promise<pb.ListFilesResponse> {
    const page = { skip: decodePageToken(request.pageToken), limit: pageSizeOf(request.pageSize) };
    const files = await this.useCases.listFiles.execute({
      fileType: request.fileType,
      oui: request.oui,
      productClass: request.productClass,
      hardwareVersion: request.hardwareVersion,
      page,
    });
    return { files: files.items.map(fileToProto), nextPageToken: nextPageToken(page.skip, files.items.length, files.total) };
  }

  async getFile(request: pb.GetFileRequest): Promise<pb.GetFileResponse> {
    return { file: fileToProto(await this.useCases.getFile.execute({ fileId: request.fileId })) };
  }

  async deleteFile(request: pb.DeleteFileRequest, metadata: Metadata): Promise<pb.DeleteFileResponse> {
    await this.useCases.deleteFile.execute({ fileId: request.fileId, requestedBy: requestedByOf(metadata) });
    return {};
  }
}

/** The content of an upload: every message after the metadata must be a chunk of at most MAX_UPLOAD_CHUNK_BYTES. */
async function* chunksOf(messages: AsyncIterator<pb.UploadFileRequest>): AsyncGenerator<Uint8Array> {
  for (let index = 1; ; index++) {
    const next = await messages.next();
    if (next.done) return;
    const part = next.value.part;
    if (part?.$case !== 'chunk') throw ValidationError.forField('chunk', `message ${index} of the upload is not a chunk: only the first carries metadata`, 'BAD_FORMAT');
    if (part.chunk.byteLength > MAX_UPLOAD_CHUNK_BYTES) {
      throw ValidationError.forField('chunk', `message ${index} carries ${part.chunk.byteLength} bytes; at most ${MAX_UPLOAD_CHUNK_BYTES} per message`, 'OUT_OF_RANGE');
    }
    yield part.chunk;
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
