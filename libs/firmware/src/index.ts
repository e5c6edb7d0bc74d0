// The firmware service: files, the file server CPEs download from, upgrade campaigns (issue 13).
export * from './api';
export * from './domain';
export * from './firmware.config';
export * from './firmware.module';
export * from './repositories';
export * from './usecases';
export * from './file-server/byte-range';
export * from './file-server/directory-file-source';
export * from './file-server/download-auth';
export * from './file-server/download-log';
export * from './file-server/download-secret';
export * from './file-server/file-download.server';
export * from './file-server/file-server.config';
export * from './file-server/file-server.metrics';
export * from './file-server/file-source';
export * from './provisioning/provisioning-devices';
