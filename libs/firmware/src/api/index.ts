export * from './firmware-grpc.controller';
export * from './firmware.mappers';
