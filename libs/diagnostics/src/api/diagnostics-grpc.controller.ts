import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { decodePageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { RunUseCases } from '../usecases/run-usecases';
import { kindFromProto, runToProto, statusFromProto } from './diagnostics.mappers';

/**
 * acs.v1 DiagnosticsService, served by the diagnostics service (the NBI relays it): transport and mapping only. The
 * use cases' ValidationError, NotFoundError and ConflictError become statuses with details at the host.
 *
 *   host.addService(acsV1.DiagnosticsServiceService, new DiagnosticsGrpcController(useCases).implementation);
 */
export class DiagnosticsGrpcController {
  readonly implementation: pb.DiagnosticsServiceServer;

  constructor(private readonly useCases: RunUseCases) {
    this.implementation = {
      runDiagnostic: unary((request: pb.RunDiagnosticRequest, call) => this.runDiagnostic(request, call.metadata)),
      getDiagnostic: unary((request: pb.GetDiagnosticRequest) => this.getDiagnostic(request)),
      listDiagnostics: unary((request: pb.ListDiagnosticsRequest) => this.listDiagnostics(request)),
      cancelDiagnostic: unary((request: pb.CancelDiagnosticRequest, call) => this.cancelDiagnostic(request, call.metadata)),
    };
  }

  async runDiagnostic(request: pb.RunDiagnosticRequest, metadata: Metadata): Promise<pb.RunDiagnosticResponse> {
    const requestedBy = requestedByOf(metadata);
    const run = await this.useCases.runDiagnostic.execute({
      deviceId: request.deviceId,
      kind: kindFromProto(request.kind),
      inputs: request.inputs,
      ...(request.timeoutSeconds !== undefined ? { timeoutSeconds: request.timeoutSeconds } : {}),
      ...(request.acsEndpointBytes !== undefined ? { acsEndpointBytes: request.acsEndpointBytes } : {}),
      ...(requestedBy ? { requestedBy } : {}),
    });
    return { run: runToProto(run) };
  }

  async getDiagnostic(request: pb.GetDiagnosticRequest): Promise<pb.GetDiagnosticResponse> {
    return { run: runToProto(await this.useCases.getDiagnostic.execute({ runId: request.runId })) };
  }

  async listDiagnostics(request: pb.ListDiagnosticsRequest): Promise<pb.ListDiagnosticsResponse> {
    const page = { skip: decodePageToken(request.pageToken), limit: pageSizeOf(request.pageSize) };
    const kind = kindFromProto(request.kind);
    const status = statusFromProto(request.status);
    const runs = await this.useCases.listDiagnostics.execute({ ...(request.deviceId !== '' ? { deviceId: request.deviceId } : {}), ...(kind !== '' ? { kind } : {}), ...(status ? { status } : {}) }, page);
    return { runs: runs.items.map(runToProto), totalSize: runs.total, nextPageToken: nextPageToken(page.skip, runs.items.length, runs.total) };
  }

  async cancelDiagnostic(request: pb.CancelDiagnosticRequest, metadata: Metadata): Promise<pb.CancelDiagnosticResponse> {
    if (request.runId === '') throw ValidationError.forField('run_id', 'required', 'REQUIRED');
    const requestedBy = requestedByOf(metadata);
    return { run: runToProto(await this.useCases.cancelDiagnostic.execute({ runId: request.runId, ...(requestedBy ? { requestedBy } : {}) })) };
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
