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
 * iterable it reads at the store's pace, ending only at the `complete` message; the call's cancellation aborts it.
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

/**
 * The content of an upload: the chunks after the metadata, each of at most MAX_UPLOAD_CHUNK_BYTES, then the
 * `complete` message with their total size. A stream that ends without it fails, so the store keeps nothing: grpc-js
 * ends a server's message stream when the client cancels, before it reports the cancellation, and a cut upload
 * would otherwise be stored as a whole file.
 */
async function* chunksOf(messages: AsyncIterator<pb.UploadFileRequest>): AsyncGenerator<Uint8Array> {
  let received = 0;
  for (let index = 1; ; index++) {
    const next = await messages.next();
    if (next.done) throw ValidationError.forField('complete', 'the upload ended without its complete message: it was cancelled or cut', 'REQUIRED');
    const part = next.value.part;
    switch (part?.$case) {
      case 'chunk':
        if (part.chunk.byteLength > MAX_UPLOAD_CHUNK_BYTES) {
          throw ValidationError.forField('chunk', `message ${index} carries ${part.chunk.byteLength} bytes; at most ${MAX_UPLOAD_CHUNK_BYTES} per message`, 'OUT_OF_RANGE');
        }
        received += part.chunk.byteLength;
        yield part.chunk;
        break;
      case 'complete':
        if (part.complete.size !== received) {
          throw ValidationError.forField('complete.size', `the client sent ${part.complete.size} bytes, ${received} arrived`, 'SIZE_MISMATCH');
        }
        if (!(await messages.next()).done) throw ValidationError.forField('complete', 'complete must be the last message of an upload', 'BAD_FORMAT');
        return;
      case 'metadata':
      case undefined:
        throw ValidationError.forField('chunk', `message ${index} of the upload is not a chunk: only the first carries metadata`, 'BAD_FORMAT');
    }
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
