export * from './events';
export * from './preset-document';
export * from './internal-metadata';
export * from './device-filter-vocabulary';
export { acsV1DescriptorSet } from './generated/descriptor-set';
export * as acsV1 from './acs-v1';
