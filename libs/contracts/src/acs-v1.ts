// The public gRPC API `acs.v1` (libs/contracts/proto/acs/v1), one namespace for operators' code and our NBI.
export * from './generated/acs/v1/audit';
export * from './generated/acs/v1/campaigns';
export * from './generated/acs/v1/devices';
export * from './generated/acs/v1/diagnostics';
export * from './generated/acs/v1/events';
export * from './generated/acs/v1/faults';
export * from './generated/acs/v1/files';
export * from './generated/acs/v1/jobs';
export * from './generated/acs/v1/groups';
export * from './generated/acs/v1/presets';
export * from './generated/acs/v1/rollouts';
export * from './generated/acs/v1/tasks';
export * from './generated/acs/v1/values';
export * from './generated/acs/v1/monitoring';
