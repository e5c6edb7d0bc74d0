import type { GrpcServerHost } from './grpc-server.host';

/** Nest token of the process's GrpcHostRegistry (provided by PlatformModule). */
export const GRPC_HOSTS = Symbol('GrpcHosts');

/**
 * The gRPC hosts of the services running in this process, by service name (`provisioning`, …): how one module
 * finds another's host for in-process calls (the standalone) without taking whichever GrpcServerHost Nest finds
 * first. A service's module registers its host as it creates it; callers look it up when they first call.
 */
export class GrpcHostRegistry {
  private readonly hosts = new Map<string, GrpcServerHost>();

  register(service: string, host: GrpcServerHost): void {
    if (this.hosts.has(service)) throw new Error(`GrpcHostRegistry: a host of ${service} is already registered`);
    this.hosts.set(service, host);
  }

  get(service: string): GrpcServerHost {
    const host = this.hosts.get(service);
    if (!host) throw new Error(`GrpcHostRegistry: no host of ${service} in this process (is its module imported?)`);
    return host;
  }
}
