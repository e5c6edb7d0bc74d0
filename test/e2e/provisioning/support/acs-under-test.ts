import { randomBytes } from 'node:crypto';
import { credentials, makeGenericClientConstructor, Metadata, type Client as GrpcClient, type ServiceError } from '@grpc/grpc-js';
import { PROVISIONING_API } from '@acs/clients';
import { sharedInfrastructureEnv, startApp, type RunningApp } from '../../support/processes';

export type Mode = 'embedded' | 'distributed';
export const MODES: Mode[] = ['embedded', 'distributed'];

/** Provisioning's services as one client (each method carries its own path): `call` finds a method by name. */
const ProvisioningApiClient = makeGenericClientConstructor(Object.assign({}, ...Object.values(PROVISIONING_API.services)), 'ProvisioningApi');
type Client = GrpcClient;

/** An ACS for a test: the standalone process, or provisioning + gateway pods on Redis, Kafka and FerretDB. */
export interface AcsUnderTest {
  mode: Mode;
  cwmpUrl: string;
  client: Client;
  /** Calls a unary RPC of the provisioning API (by its method name on the generated client) with a deadline. */
  call<Res = any>(method: string, request: object, deadlineMs?: number): Promise<Res>;
  output(): string;
  stop(): Promise<void>;
}

export async function startAcs(mode: Mode, env: Record<string, string> = {}): Promise<AcsUnderTest> {
  const apps: RunningApp[] = [];
  let cwmpUrl: string;
  let grpcAddress: string;
  if (mode === 'embedded') {
    const app = await startApp('standalone', env);
    apps.push(app);
    cwmpUrl = app.cwmpUrl;
    grpcAddress = app.grpcAddress;
  } else {
    // Everything of this run under its own names on the shared servers (`npm run infra:test`).
    const shared = { ...sharedInfrastructureEnv(randomBytes(4).toString('hex')), ...env };
    const provisioning = await startApp('provisioning', shared).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    apps.push(provisioning);
    // The longest plan wait the gateway allows: it ends as soon as provisioning's mark is there, and a busy machine
    // must not make a bootstrapping device miss its presets in the first session.
    const gateway = await startApp('cwmp-gateway', { ACS_PLAN_WAIT_MS: '10000', ...shared });
    apps.push(gateway);
    cwmpUrl = gateway.cwmpUrl;
    grpcAddress = provisioning.grpcAddress;
  }
  const client = new ProvisioningApiClient(grpcAddress, credentials.createInsecure());
  return {
    mode,
    cwmpUrl,
    client,
    call: (method, request, deadlineMs = 30_000) =>
      new Promise((resolve, reject) => {
        const fn = (client as any)[method] as (r: object, m: Metadata, o: object, cb: (e: ServiceError | null, res: any) => void) => void;
        fn.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(error) : resolve(response)));
      }),
    output: () => apps.map((a) => a.output()).join('\n'),
    stop: async () => {
      client.close();
      for (const app of apps.reverse()) await app.stop();
    },
  };
}
