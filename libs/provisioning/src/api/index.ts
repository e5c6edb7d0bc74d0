export * from './page-token';
export * from './provisioning-grpc.controller';
export * from './provisioning.mappers';
