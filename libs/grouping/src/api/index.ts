export * from './job-grpc.controller';
export * from './job.mappers';
