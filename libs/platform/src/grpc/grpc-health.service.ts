import { status, type ServerWritableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from './generated/grpc/health/v1/health';

export { HealthCheckResponse_ServingStatus as ServingStatus } from './generated/grpc/health/v1/health';

type Watch = ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;

/**
 * The standard grpc.health.v1.Health service (what Kubernetes gRPC probes, grpc_health_probe and load balancers
 * ask): a serving status per fully-qualified service name, "" standing for the whole server. The app flips a
 * service to NOT_SERVING when a dependency it needs is down, and the host flips everything on shutdown so that
 * balancers drain the pod before it stops.
 */
export class GrpcHealthService {
  private readonly statuses = new Map<string, ServingStatus>([['', ServingStatus.SERVING]]);
  private readonly watches = new Map<Watch, string>();

  setStatus(service: string, servingStatus: ServingStatus.SERVING | ServingStatus.NOT_SERVING): void {
    if (this.statuses.get(service) === servingStatus) return;
    this.statuses.set(service, servingStatus);
    for (const [call, watched] of this.watches) {
      if (watched === service) call.write({ status: servingStatus });
    }
  }

  statusOf(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /** Every service (and the server) NOT_SERVING; used when shutting down. */
  setAllNotServing(): void {
    for (const service of this.statuses.keys()) this.setStatus(service, ServingStatus.NOT_SERVING);
  }

  /** Ends open Watch streams, which would otherwise hold a graceful shutdown until its deadline. */
  endWatches(): void {
    for (const call of this.watches.keys()) call.end();
    this.watches.clear();
  }

  readonly implementation: HealthServer = {
    check: (call, callback) => {
      const known = this.statuses.get(call.request.service);
      if (known === undefined) callback({ code: status.NOT_FOUND, details: `unknown service ${call.request.service}` });
      else callback(null, { status: known });
    },
    watch: (call) => {
      const service = call.request.service;
      this.watches.set(call, service);
      call.on('cancelled', () => this.watches.delete(call));
      call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
    },
  };
}
