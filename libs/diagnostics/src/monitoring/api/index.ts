export { MonitoringSamplesGrpcController, type MonitoringSamplesRpc } from './monitoring-samples-grpc.controller';
export * from './monitoring-samples.mappers';
