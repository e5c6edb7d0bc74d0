export * from './diagnostics-grpc.controller';
export * from './diagnostics.mappers';
