export * from './firmware-grpc.controller';
export * from './firmware.mappers';
export * from './campaign-grpc.controller';
export * from './campaign.mappers';
