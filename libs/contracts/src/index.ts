export * from './events';
export * from './preset-document';
export * as provisioningV1 from './generated/acs/internal/provisioning/v1/provisioning';
export { acsDescriptorSet, acsV1DescriptorSet } from './generated/descriptor-set';
export * as acsV1 from './acs-v1';
