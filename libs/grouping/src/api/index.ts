export * from './group-grpc.controller';
export * from './group.mappers';
