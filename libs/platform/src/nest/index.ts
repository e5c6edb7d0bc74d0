export * from './observability.controller';
export * from './platform.module';
export * from './tokens';
export * from './shutdown';
