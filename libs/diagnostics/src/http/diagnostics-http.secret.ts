import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateSecretFile, type Logger } from '@acs/platform';
import type { DiagnosticsHttpConfig } from './diagnostics-http.config';

/** Where the standalone keeps the diagnostics signing secret, under its data directory. */
export const DIAGNOSTICS_HTTP_SECRET_FILE = 'diagnostics-http.secret';

/**
 * The secret that signs test-transfer URLs and BulkData collector URLs and credentials: ACS_DIAGNOSTICS_HTTP_SECRET
 * when set (pods must share it). Unset, the standalone (given its data directory) keeps a generated one in
 * `<dataDir>/diagnostics-http.secret`, since BulkData URLs stay configured on CPEs across restarts; a pod without a
 * data directory draws one per process. Either way the start warns, as another process cannot check those URLs.
 */
export async function resolveDiagnosticsHttpSecret(options: { config: Pick<DiagnosticsHttpConfig, 'secret'>; logger: Logger; dataDir?: string }): Promise<Buffer> {
  const { config, logger, dataDir } = options;
  if (config.secret) return config.secret;
  if (dataDir !== undefined) {
    const file = join(dataDir, DIAGNOSTICS_HTTP_SECRET_FILE);
    logger.warn({ file }, 'ACS_DIAGNOSTICS_HTTP_SECRET is unset: test and BulkData URLs are signed with a generated secret kept in the data directory');
    return loadOrCreateSecretFile(file, 'diagnostics URL secret');
  }
  logger.warn(
    'ACS_DIAGNOSTICS_HTTP_SECRET is unset: test and BulkData URLs are signed with a secret drawn for this process only; other pods refuse them and they stop working at restart',
  );
  return randomBytes(32);
}
