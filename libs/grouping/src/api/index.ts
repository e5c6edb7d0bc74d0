export * from './job-grpc.controller';
export * from './job.mappers';
export * from './group-grpc.controller';
export * from './group.mappers';
