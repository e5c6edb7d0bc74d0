export * from './adapters-from-env';
export * from './pod-bootstrap';
