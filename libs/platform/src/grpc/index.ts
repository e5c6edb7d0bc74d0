export * from './grpc-client';
export * from './grpc-error.mapper';
export * from './grpc-handler';
export * from './grpc-health.service';
export * from './grpc-server.host';
export { HealthClient, HealthService, HealthCheckRequest, HealthCheckResponse } from './generated/grpc/health/v1/health';
export { BadRequest, ErrorInfo, PreconditionFailure, ResourceInfo, RetryInfo } from './generated/google/rpc/error_details';
export { Status as RpcStatus } from './generated/google/rpc/status';
export * from './grpc-metrics.interceptor';
