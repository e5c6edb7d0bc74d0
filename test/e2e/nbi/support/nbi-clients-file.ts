import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateApiToken } from '@acs/nbi';

/** The API clients of the acceptance tests, each with the one token the test holds for it. */
export interface TestClients {
  /** ACS_NBI_CLIENTS_FILE for the process under test. */
  file: string;
  /** Role admin: every action on every resource. */
  admin: string;
  /** A role that grants nothing: every call is refused (and audited as PERMISSION_DENIED). */
  nobody: string;
  /** Role viewer, with a bucket of 2 calls refilled at 1 per second. */
  limited: string;
  /** No rights either, but a large bucket: floods the audit log with refusals for the page-size case. */
  intruder: string;
  /** Role viewer, a large bucket: opens watches up to the open-streams limit. */
  watcher: string;
}

/**
 * Writes a client file (format: libs/nbi/src/security/client-registry.ts, docs/nbi-security.md) into `dir`. Tokens
 * are fresh per run and only their SHA-256 goes into the file, as in production. The clients that make many quick
 * calls get large buckets so that the default per-client limit does not interfere with what a case measures.
 */
export function writeTestClients(dir: string): TestClients {
  const admin = generateApiToken();
  const nobody = generateApiToken();
  const limited = generateApiToken();
  const intruder = generateApiToken();
  const watcher = generateApiToken();
  const file = join(dir, 'clients.yaml');
  writeFileSync(
    file,
    [
      'roles:',
      '  # No resource granted: a client with only this role is authenticated but may do nothing.',
      '  nothing: {}',
      'clients:',
      '  - name: admin',
      '    roles: [admin]',
      `    tokens: [{ sha256: ${admin.sha256}, label: e2e }]`,
      '    rateLimit: { perSecond: 1000, burst: 1000 }',
      '  - name: nobody',
      '    roles: [nothing]',
      `    tokens: [{ sha256: ${nobody.sha256} }]`,
      '    rateLimit: { perSecond: 1000, burst: 1000 }',
      '  - name: limited',
      '    roles: [viewer]',
      `    tokens: [{ sha256: ${limited.sha256} }]`,
      '    rateLimit: { perSecond: 1, burst: 2 }',
      '  - name: intruder',
      '    roles: [nothing]',
      `    tokens: [{ sha256: ${intruder.sha256} }]`,
      '    rateLimit: { perSecond: 100000, burst: 5000 }',
      '  - name: watcher',
      '    roles: [viewer]',
      `    tokens: [{ sha256: ${watcher.sha256} }]`,
      '    rateLimit: { perSecond: 1000, burst: 1000 }',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { file, admin: admin.token, nobody: nobody.token, limited: limited.token, intruder: intruder.token, watcher: watcher.token };
}
