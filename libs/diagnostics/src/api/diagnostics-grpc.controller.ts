import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { decodePageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { RunUseCases } from '../usecases/run-usecases';
import { kindFromProto, responderTaskToProto, runToProto, statusFromProto, udpEchoResponderToProto } from './diagnostics.mappers';

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
      setUdpEchoResponder: unary((request: pb.SetUdpEchoResponderRequest) => this.setUdpEchoResponder(request)),
      getUdpEchoResponder: unary((request: pb.GetUdpEchoResponderRequest) => this.getUdpEchoResponder(request)),
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

  async setUdpEchoResponder(request: pb.SetUdpEchoResponderRequest): Promise<pb.SetUdpEchoResponderResponse> {
    const settings = {
      ...(request.enabled !== undefined ? { enabled: request.enabled } : {}),
      ...(request.interface !== undefined ? { interface: request.interface } : {}),
      ...(request.sourceIpAddress !== undefined ? { sourceIpAddress: request.sourceIpAddress } : {}),
      ...(request.udpPort !== undefined ? { udpPort: request.udpPort } : {}),
      ...(request.echoPlusEnabled !== undefined ? { echoPlusEnabled: request.echoPlusEnabled } : {}),
    };
    const outcome = await this.useCases.setUdpEchoResponder.execute({ deviceId: request.deviceId, settings, ...waitOf(request.waitSeconds) });
    return { task: responderTaskToProto(outcome) };
  }

  async getUdpEchoResponder(request: pb.GetUdpEchoResponderRequest): Promise<pb.GetUdpEchoResponderResponse> {
    const outcome = await this.useCases.getUdpEchoResponder.execute({ deviceId: request.deviceId, ...waitOf(request.waitSeconds) });
    return { task: responderTaskToProto(outcome), responder: outcome.responder ? udpEchoResponderToProto(outcome.responder) : undefined };
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}

function waitOf(waitSeconds: number | undefined): { waitMs?: number } {
  return waitSeconds === undefined ? {} : { waitMs: waitSeconds * 1000 };
}
