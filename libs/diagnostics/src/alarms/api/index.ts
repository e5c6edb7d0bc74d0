export { AlarmGrpcController, type AlarmRpc } from './alarm-grpc.controller';
export * from './alarm.mappers';
