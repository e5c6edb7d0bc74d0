import { join } from 'node:path';
import { loadOrCreateSecretFile } from '@acs/platform';

/** Where the standalone keeps its download-signing secret, under its data directory. */
export const DOWNLOAD_SECRET_FILE = 'firmware-url.secret';

/**
 * The standalone's download-signing secret, kept in `<dataDir>/firmware-url.secret` so the URLs and credentials in
 * Download tasks still queued for CPEs stay valid across restarts. Pods share ACS_FIRMWARE_URL_SECRET instead.
 */
export function loadOrCreateDownloadSecret(dataDir: string): Promise<Buffer> {
  return loadOrCreateSecretFile(join(dataDir, DOWNLOAD_SECRET_FILE), 'download secret');
}
