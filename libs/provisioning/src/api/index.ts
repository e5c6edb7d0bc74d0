export * from './provisioning-grpc.controller';
export * from './provisioning.mappers';
