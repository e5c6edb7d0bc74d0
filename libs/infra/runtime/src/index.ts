export * from './adapters-from-env';
