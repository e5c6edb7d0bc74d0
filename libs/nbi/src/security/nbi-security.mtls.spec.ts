import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acsV1 } from '@acs/contracts';
import { credentials, Metadata, status } from '@grpc/grpc-js';

import { failureOf } from '@acs/platform';

import { generateApiToken } from './api-token';
import { parseClientRegistry } from './client-registry';
import { createNbiServerCredentials, loadNbiSecurityConfig } from './nbi-security.config';
import { eventually, startSecuredServer, type SecuredServer } from './testing/secured-server.fixture';

const OPENSSL = '/usr/bin/openssl';
const token = generateApiToken();

/** A CA, a server certificate for 127.0.0.1 (and localhost), and client certificates, made with openssl (EC keys: quick to make). */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string, subject: string) =>
    openssl('req', '-x509', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const signed = (name: string, subject: string, by: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.crt`, '-CAkey', `${by}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  ca('ca', '/CN=NBI test CA');
  ca('rogue-ca', '/CN=Someone else');
  signed('server', '/CN=127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('oss', '/O=Example/CN=oss.example.net', 'ca', 'extendedKeyUsage=clientAuth\n');
  signed('stranger', '/CN=stranger.example.net', 'ca', 'extendedKeyUsage=clientAuth\n');
  signed('forged', '/O=Example/CN=oss.example.net', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
}

describe('NBI security interceptor over mTLS', () => {
  let dir: string;
  let server: SecuredServer;
  const clients: acsV1.TaskServiceClient[] = [];

  const pem = (name: string) => readFileSync(join(dir, name));
  const clientWith = (certificate: string, ca = 'ca') => {
    const client = new acsV1.TaskServiceClient(server.address, credentials.createSsl(pem(`${ca}.crt`), pem(`${certificate}.key`), pem(`${certificate}.crt`)), {
      // Checked against the certificate's DNS name: TLS SNI does not carry IP addresses.
      'grpc.ssl_target_name_override': 'localhost',
    });
    clients.push(client);
    return client;
  };
  const createTask = (client: acsV1.TaskServiceClient, metadata = new Metadata()) =>
    new Promise<acsV1.CreateTaskResponse>((resolve, reject) =>
      client.createTask({ deviceId: 'dev-1', connectionRequest: false, waitTimeoutMs: 0, maxAttempts: 0, awaitEventCode: '' }, metadata, { deadline: Date.now() + 5000 }, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbi-mtls-'));
    makeCertificates(dir);
    const config = loadNbiSecurityConfig({
      ACS_NBI_TLS_CERT: join(dir, 'server.crt'),
      ACS_NBI_TLS_KEY: join(dir, 'server.key'),
      ACS_NBI_TLS_CLIENT_CA: join(dir, 'ca.crt'),
    });
    const registry = parseClientRegistry(
      `
clients:
  - name: oss
    roles: [operator]
    certificateSubjects: ['CN=oss.example.net,O=Example']
  - name: scripts
    roles: [operator]
    tokens: [{ sha256: ${token.sha256} }]
`,
      'mtls clients',
    );
    server = await startSecuredServer({ clients: { current: registry }, credentials: await createNbiServerCredentials(config.tls) });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates a client by its verified certificate subject', async () => {
    const response = await createTask(clientWith('oss'));
    expect(response.task?.deviceId).toBe('dev-1');
    expect(server.handlers.calls.at(-1)?.client).toEqual(['oss']);
    await eventually(() => server.audit.entries.length === 1, 'the audit entry');
    expect(server.audit.entries[0]).toMatchObject({ client: 'oss', authentication: 'certificate', credential: expect.stringContaining('CN=oss.example.net'), outcome: 'OK' });
  });

  it('refuses a verified certificate that no client is registered with', async () => {
    const error = await failureOf(createTask(clientWith('stranger')));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(server.logger.lines.at(-1)?.context).toMatchObject({ reason: expect.stringContaining('CN=stranger.example.net') });
  });

  it('prefers a bearer token to the certificate', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token.token}`);
    await createTask(clientWith('stranger'), metadata);
    expect(server.handlers.calls.at(-1)?.client).toEqual(['scripts']);
  });

  it('never lets a certificate from another CA reach the interceptor (the handshake fails)', async () => {
    const calls = server.handlers.calls.length;
    const error = await failureOf(createTask(clientWith('forged')));
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(server.handlers.calls.length).toBe(calls);
  });
});
