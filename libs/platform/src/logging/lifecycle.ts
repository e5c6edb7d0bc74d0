import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Logger } from 'pino';

/**
 * The version of this build: npm's when started through `npm start`, else the `version` of the nearest package.json
 * above the running code (dist/ sits in the checkout or the image beside it), else "unknown".
 */
export function serviceVersion(env: Record<string, string | undefined> = process.env, from: string = __dirname): string {
  if (env.npm_package_version) return env.npm_package_version;
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
        if (typeof version === 'string') return version;
      } catch {
        // An unreadable package.json says nothing about the version; the one above may.
      }
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/**
 * The "starting" line, with what the service is about to open, and the "ready" line once it serves, with where it
 * listens and how long the start took (from process start, module loading included). Lifecycle lines: written
 * before the log call returns.
 */
export function logStarting(logger: Logger, fields: Record<string, unknown>): { ready(fields: Record<string, unknown>): void } {
  logger.info({ lifecycle: 'starting', version: serviceVersion(), node: process.version, pid: process.pid, ...fields }, 'starting');
  return {
    ready: (readyFields) => logger.info({ lifecycle: 'ready', ...readyFields, readyInMs: Math.round(performance.now()) }, 'ready'),
  };
}
