export * from './device.repository';
export * from './embedded-store';
export * from './fault.repository';
export * from './mongo-store';
export * from './ports';
export * from './preset.repository';
export * from './provisioning-collections.schema';
export * from './task.repository';
