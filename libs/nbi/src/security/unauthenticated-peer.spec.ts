import { acsV1 } from '@acs/contracts';
import { errorDetailsOf, failureOf } from '@acs/platform';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Registry } from 'prom-client';

import { generateApiToken } from './api-token';
import { parseClientRegistry } from './client-registry';
import { startSecuredServer, type SecuredServer } from './testing/secured-server.fixture';

const valid = generateApiToken();
const registry = parseClientRegistry(
  `
clients:
  - name: oss
    roles: [operator]
    tokens: [{ sha256: ${valid.sha256} }]
`,
  'test clients',
);

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/**
 * A flood of calls with bad credentials from one peer, through a real gRPC server and the real interceptor: past its
 * allowance the peer gets RESOURCE_EXHAUSTED with a retry delay, while a valid client — on another address, and on the
 * flooding address itself — is served. The limiter's clock stands still, so no allowance comes back during the test.
 */
describe('NBI limit on unauthenticated calls per peer', () => {
  const BURST = 5;
  let server: SecuredServer;
  let metrics: Registry;
  // Two peers on one host: IPv4 and IPv6 loopback reach the same dual-stack listener from different addresses.
  let fromV4: acsV1.TaskServiceClient;
  let fromV6: acsV1.TaskServiceClient;

  beforeAll(async () => {
    metrics = new Registry();
    server = await startSecuredServer({ clients: { current: registry }, host: '[::]', unauthenticatedLimit: { perSecond: 1, burst: BURST }, metrics, now: () => 0 });
    const port = server.address.slice(server.address.lastIndexOf(':') + 1);
    fromV4 = new acsV1.TaskServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    fromV6 = new acsV1.TaskServiceClient(`[::1]:${port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    fromV4?.close();
    fromV6?.close();
    await server?.stop();
  });

  const getTask = (client: acsV1.TaskServiceClient, metadata: Metadata) =>
    new Promise<acsV1.GetTaskResponse>((resolve, reject) => {
      client.getTask({ taskId: 't-1' }, metadata, (error: ServiceError | null, response: acsV1.GetTaskResponse) => (error ? reject(error) : resolve(response)));
    });
  const refused = async (name: string) => Number((await metrics.getSingleMetric('acs_nbi_calls_refused_total')!.get()).values.find((v) => v.labels.reason === name)?.value ?? 0);

  it('refuses a flooding peer with RESOURCE_EXHAUSTED after its allowance, and serves valid clients meanwhile', async () => {
    const codes: status[] = [];
    for (let i = 0; i < 3 * BURST; i++) {
      codes.push((await failureOf(getTask(fromV4, bearer(`acs_guess-${i}`)))).code);
      // A valid client on another address is served between the bad calls.
      expect((await getTask(fromV6, bearer(valid.token))).task?.id).toBe('t-1');
    }
    expect(codes.slice(0, BURST)).toEqual(Array(BURST).fill(status.UNAUTHENTICATED));
    expect(codes.slice(BURST)).toEqual(Array(2 * BURST).fill(status.RESOURCE_EXHAUSTED));

    // Calls without any credentials from the throttled peer: refused before anything is looked up, with a retry hint.
    const anonymous = await failureOf(getTask(fromV4, new Metadata()));
    expect(anonymous.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(anonymous.details).toContain('retry in 1000 ms');
    const details = errorDetailsOf(anonymous);
    expect(details.errorInfo).toMatchObject({ reason: 'UNAUTHENTICATED_PEER_THROTTLED', metadata: { peer: '127.0.0.1' } });
    expect(details.retryInfo?.retryDelay).toEqual({ seconds: 1, nanos: 0 });

    // A valid client behind the flooding address itself is served: its token is checked (a hash, no I/O) and good.
    expect((await getTask(fromV4, bearer(valid.token))).task?.id).toBe('t-1');
    expect(server.handlers.calls.filter((c) => c.client[0] === 'oss')).toHaveLength(3 * BURST + 1);

    expect(await refused('unauthenticated')).toBe(BURST);
    expect(await refused('peer_throttled')).toBe(2 * BURST + 1);
    // Logged, at most 10 lines a second: each flood line carries the peer, never a token.
    expect(server.logger.lines.length).toBeGreaterThan(0);
    expect(server.logger.lines.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(server.logger.lines)).not.toContain('acs_guess');
  });
});
