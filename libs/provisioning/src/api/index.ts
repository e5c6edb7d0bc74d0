export * from './page-token';
export * from './provisioning-grpc.service';
export * from './provisioning.mappers';
