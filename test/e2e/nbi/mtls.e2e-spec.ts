import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateApiToken } from '@acs/nbi';

import { REPO_ROOT, startApp, type RunningApp } from '../support/processes';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');

/** A CA, a server certificate for 127.0.0.1 and a client certificate for `oss.example.net`, made with openssl. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ACS e2e CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const signed = (name: string, subject: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  signed('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('oss', '/O=Example/CN=oss.example.net', 'extendedKeyUsage=clientAuth\n');
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The public API over mTLS with real processes: the standalone with a server certificate and a client CA (client
 * certificates required), `acsctl` with TLS options. A certificate identifies the `oss` client without a token; a
 * connection without a certificate is refused at the handshake; a refused call of the certificate's client is
 * audited as authenticated by certificate.
 */
describe('NBI over mTLS (standalone + acsctl)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-mtls-e2e-'));
  const admin = generateApiToken();
  let acs: RunningApp;

  const acsctl = (args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: acs.nbiAddress };
      delete env.ACSCTL_TOKEN;
      delete env.ACSCTL_TOKEN_FILE;
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  const withCertificate = ['--tls', '--ca', 'ca.crt', '--cert', 'oss.crt', '--key', 'oss.key'];

  beforeAll(async () => {
    makeCertificates(dir);
    writeFileSync(
      join(dir, 'clients.yaml'),
      [
        'clients:',
        '  - name: oss',
        '    roles: [operator]',
        "    certificateSubjects: ['CN=oss.example.net']",
        '  - name: admin',
        '    roles: [admin]',
        `    tokens: [{ sha256: ${admin.sha256} }]`,
      ].join('\n'),
    );
    acs = await startApp('standalone', {
      ACS_NBI_CLIENTS_FILE: join(dir, 'clients.yaml'),
      ACS_NBI_TLS_CERT: join(dir, 'server.crt'),
      ACS_NBI_TLS_KEY: join(dir, 'server.key'),
      ACS_NBI_TLS_CLIENT_CA: join(dir, 'ca.crt'),
    });
  }, 90_000);

  afterAll(async () => {
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identifies a client by its certificate alone', async () => {
    const run = await acsctl([...withCertificate, 'devices', 'list', '--output', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // No device has informed: ts-proto's JSON form leaves the empty list out.
    expect(JSON.parse(run.stdout).devices ?? []).toEqual([]);
  });

  it('refuses a connection without a client certificate at the handshake', async () => {
    const run = await acsctl(['--tls', '--ca', 'ca.crt', '--token', admin.token, 'devices', 'list']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UNAVAILABLE/);
  });

  it('refuses a plaintext client', async () => {
    const run = await acsctl(['--token', admin.token, 'devices', 'list']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UNAVAILABLE/);
  });

  it('audits a refused call of the certificate client, readable by a token client over the same mTLS', async () => {
    const refused = await acsctl([...withCertificate, 'presets', 'delete', 'no-such-preset']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/PERMISSION_DENIED/);
    // A token wins over the certificate: the same connection acts as admin.
    const audit = await acsctl([...withCertificate, '--token', admin.token, 'audit', 'list', '--client', 'oss', '--output', 'json']);
    expect(audit.code).toBe(0);
    const records = JSON.parse(audit.stdout).records as Array<Record<string, unknown>>;
    expect(records[0]).toMatchObject({
      client: 'oss',
      authentication: 'certificate',
      credential: 'O=Example,CN=oss.example.net',
      method: '/acs.v1.PresetService/DeletePreset',
      resourceType: 'presets',
      action: 'delete',
      target: 'no-such-preset',
      outcome: 'PERMISSION_DENIED',
    });
  });
});
