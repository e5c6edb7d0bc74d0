import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataModel, SimulatedCpe, type SessionReport } from '@acs/cpe-sim';
import { CwmpHttpServer, FileCpeCredentialStore, GatewayModule, loadGatewayConfig } from '@acs/gateway';
import { createRedisClient, RedisAuthLockoutStore, waitForRedis } from '@acs/infra-redis';
import { InProcessAuthLockoutStore, inProcessAdapters, PlatformModule, type AuthLockoutStore, type PlatformAdapters } from '@acs/platform';
import type Redis from 'ioredis';

import { metric } from './support/processes';

const PASSWORD = 'the-right-one';

@Module({})
class LockoutGatewayModule {
  static forRoot(adapters: PlatformAdapters, pod: string): DynamicModule {
    const config = loadGatewayConfig({
      ACS_POD_NAME: pod,
      ACS_CWMP_HOST: '0.0.0.0',
      ACS_CWMP_PORT: '0',
      ACS_CPE_AUTH: 'digest',
      ACS_CPE_USERNAME: 'cpe',
      ACS_CPE_PASSWORD: PASSWORD,
      // Both pods verify each other's nonces, as in production.
      ACS_DIGEST_SECRET: 'lockout-e2e',
      ACS_CPE_AUTH_DEVICE_FAILURES: '5',
      ACS_CPE_AUTH_SOURCE_FAILURES: '20',
      // Long enough that no lockout of this test ends while it runs, however slow the machine.
      ACS_CPE_AUTH_LOCKOUT_MS: '600000',
      ACS_CPE_AUTH_LOCKOUT_MAX_MS: '3600000',
    });
    return {
      module: LockoutGatewayModule,
      imports: [PlatformModule.forRoot({ service: pod, adapters }), GatewayModule.forRoot({ config, credentials: new FileCpeCredentialStore() })],
    };
  }
}

/** Where the test's CPEs connect from: loopback addresses stand for the NAT of an attacker and for other networks. */
const ATTACKER_NAT = '127.0.0.1';
const OTHER_NETWORK = '127.0.0.2';
const VICTIM_HOME = '127.0.0.3';

type LockoutStoreFactory = () => Promise<{ stores: [AuthLockoutStore, AuthLockoutStore]; close(): Promise<void> }>;

const variants: Array<[string, LockoutStoreFactory]> = [
  [
    'in-process',
    async () => {
      const store = new InProcessAuthLockoutStore();
      return { stores: [store, store], close: async () => {} };
    },
  ],
  [
    'redis',
    async () => {
      // One client per pod: the pods share the lockouts through Redis alone.
      const url = process.env.ACS_REDIS_URL ?? 'redis://127.0.0.1:6379';
      const keyPrefix = `acs-lockout-e2e-${randomBytes(4).toString('hex')}`;
      const clients: Redis[] = [createRedisClient(url), createRedisClient(url)];
      try {
        for (const client of clients) await waitForRedis(client, url, 3_000);
      } catch {
        for (const client of clients) client.disconnect();
        throw new Error(`Redis not reachable at ${url} — run \`npm run infra:up\` (or set ACS_REDIS_URL)`);
      }
      return {
        stores: [new RedisAuthLockoutStore(clients[0]!, { keyPrefix }), new RedisAuthLockoutStore(clients[1]!, { keyPrefix })],
        close: async () => {
          const keys = await clients[0]!.keys(`${keyPrefix}:*`);
          if (keys.length > 0) await clients[0]!.del(...keys);
          for (const client of clients) await client.quit();
        },
      };
    },
  ],
];

/**
 * A brute force against one device id through real HTTP, on two gateway pods that share the lockout store (the CPEs
 * alternate between them request by request): the flood is locked out with 503 + Retry-After and counted on /metrics,
 * while the devices it must not harm complete their sessions.
 */
describe.each(variants)('CPE authentication lockout (%s store)', (_name, lockoutStores) => {
  const apps: INestApplication[] = [];
  let cwmpUrls: string[];
  let mgmtUrls: string[];
  let closeStores: () => Promise<void> = async () => {};

  beforeAll(async () => {
    // Each failed attempt still writes a warning (throttling them is another change's): keep the test output readable.
    process.env.ACS_LOG_LEVEL = 'error';
    const { stores, close } = await lockoutStores();
    closeStores = close;
    // The other ports are shared too, so any pod can carry on a session another opened.
    const shared = inProcessAdapters();
    for (const [i, pod] of ['gw-a', 'gw-b'].entries()) {
      const app = await NestFactory.create(LockoutGatewayModule.forRoot({ ...shared, authLockouts: stores[i] }, pod), { logger: ['error'] });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
    }
    cwmpUrls = apps.map((app) => `http://127.0.0.1:${app.get(CwmpHttpServer).addresses.http!.port}/`);
    mgmtUrls = await Promise.all(apps.map(async (app) => (await app.getUrl()).replace('[::1]', '127.0.0.1')));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await closeStores();
  });

  const cpe = (serialNumber: string, localAddress: string, password = PASSWORD) =>
    new SimulatedCpe({ acsUrl: cwmpUrls, model: DataModel.builtin('tr098'), oui: 'A1B2C3', productClass: 'Lock', serialNumber, auth: { username: 'cpe', password }, localAddress });

  const completed = (report: SessionReport) => report.error === undefined && report.httpStatuses.at(-1) === 204;

  /** A counter summed over both pods, or a gauge as one pod reports it (every pod reports the shared figure). */
  const counted = async (name: string, labels: Record<string, string> = {}) => (await Promise.all(mgmtUrls.map((url) => metric(url, name, labels)))).reduce((a, b) => a + b, 0);

  it('locks out the flood, answers it 503 + Retry-After, and keeps serving the devices it must not harm', async () => {
    // Before the attack: a device behind the attacker's NAT and the victim at home each authenticate once.
    const neighbour = cpe('NEIGHBOUR', ATTACKER_NAT);
    const victimAtHome = cpe('VICTIM', VICTIM_HOME);
    expect(completed(await neighbour.runSession(['1 BOOT']))).toBe(true);
    expect(completed(await victimAtHome.runSession(['1 BOOT']))).toBe(true);

    // The attack: wrong passwords for the victim's id, then for ids it invents, all from one address. Meanwhile the
    // neighbour keeps running sessions from that same address.
    const attackOnVictim = cpe('VICTIM', ATTACKER_NAT, 'guess');
    const attackReports: SessionReport[] = [];
    let attacking = true;
    const neighbourReports: SessionReport[] = [];
    const neighbourMeanwhile = (async () => {
      while (attacking) neighbourReports.push(await neighbour.runSession(['2 PERIODIC']));
    })();
    try {
      for (let i = 0; i < 20; i++) attackReports.push(await attackOnVictim.runSession(['2 PERIODIC']));
      for (let i = 0; i < 40; i++) attackReports.push(await cpe(`INVENTED${i}`, ATTACKER_NAT, 'guess').runSession(['1 BOOT']));
    } finally {
      attacking = false;
      await neighbourMeanwhile;
    }

    // Refused at first with 401 (wrong password), then with 503 + Retry-After, and no attempt ever got in.
    expect(attackReports.every((r) => r.error !== undefined && !r.httpStatuses.includes(200))).toBe(true);
    const lockedOut = attackReports.filter((r) => r.httpStatuses.at(-1) === 503);
    expect(lockedOut.length).toBeGreaterThan(30);
    expect(lockedOut.every((r) => r.retryAfter !== undefined && r.retryAfter > 500)).toBe(true);
    expect(attackReports.slice(0, 2).every((r) => r.httpStatuses.at(-1) === 401)).toBe(true);

    // The neighbour, known-good behind the locked address, was served throughout, and still is.
    expect(neighbourReports.length).toBeGreaterThan(0);
    expect(neighbourReports.filter((r) => !completed(r))).toEqual([]);
    expect(completed(await neighbour.runSession(['2 PERIODIC']))).toBe(true);
    // The victim at home is not locked out by guesses at its id from elsewhere.
    expect(completed(await victimAtHome.runSession(['2 PERIODIC']))).toBe(true);
    // A device never seen before, on another network, is served.
    expect(completed(await cpe('NEWCOMER', OTHER_NETWORK).runSession(['1 BOOT']))).toBe(true);
    // What it costs: behind the locked address a device never seen there waits, as does the victim's id from there.
    expect((await cpe('STRANGER', ATTACKER_NAT).runSession(['1 BOOT'])).httpStatuses.at(-1)).toBe(503);
    expect((await cpe('VICTIM', ATTACKER_NAT).runSession(['2 PERIODIC'])).httpStatuses.at(-1)).toBe(503);

    // On /metrics: failures, lockouts by scope, refusals, and the locked keys (shared, so each pod reports them all).
    expect(await counted('acs_cwmp_auth_failures_total', { reason: 'invalid' })).toBeGreaterThanOrEqual(20);
    expect(await counted('acs_cwmp_auth_lockouts_total', { scope: 'device' })).toBe(1);
    expect(await counted('acs_cwmp_auth_lockouts_total', { scope: 'source' })).toBe(1);
    expect(await counted('acs_cwmp_auth_locked_out_requests_total')).toBeGreaterThanOrEqual(lockedOut.length);
    for (const url of mgmtUrls) {
      expect(await metric(url, 'acs_cwmp_auth_locked_keys', { scope: 'source' })).toBe(1);
      expect(await metric(url, 'acs_cwmp_auth_locked_keys', { scope: 'device' })).toBe(1);
    }
  });
});
