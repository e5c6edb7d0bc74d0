import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ClientRegistryError, generateApiToken, parseClientRegistry } from '@acs/nbi';

// Keeps the Docker files honest without a Docker engine: the invariants a reader of deploy/README.md relies on,
// checked on the files as text. A real `docker build` / `docker compose up` is not possible in CI.

const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface Service {
  image?: string;
  hostname?: string;
  build?: unknown;
  restart?: string;
  profiles?: string[];
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: Healthcheck;
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
}
interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const INFRA = ['mongo', 'kafka', 'redis'];

// Compose resolves `<<` merge keys (YAML 1.1); the yaml package does too when asked.
const compose = parse(read('deploy/docker-compose.yml'), { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const appServices = services.filter(([, s]) => s.build !== undefined);
/** Jobs that run once and exit (db-indexes): never restarted, no health to probe, waited for by their exit code. */
const isJob = (service: Service): boolean => service.restart === 'no';
const serverApps = appServices.filter(([, s]) => !isJob(s));
const env = (name: string): Record<string, string | number | boolean> => compose.services[name].environment ?? {};

/** `ACS_*` names in the table rows of a Markdown file. */
function documentedVariables(markdown: string): Set<string> {
  const names = markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .flatMap((line) => line.match(/`(ACS_[A-Z0-9_]+)`/g) ?? []);
  return new Set(names.map((n) => n.slice(1, -1)));
}

/** Source the apps run: non-test TypeScript under apps/ and libs/, plus the image's entrypoint. */
function runtimeSources(): string {
  const texts: string[] = [read('deploy/docker/entrypoint.sh')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const path = join(dir, entry);
      if (statSync(join(ROOT, path)).isDirectory()) {
        if (entry !== 'node_modules') walk(path);
      } else if (path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec|contract)\.ts$/.test(path)) {
        texts.push(read(path));
      }
    }
  };
  walk('apps');
  walk('libs');
  return texts.join('\n');
}

function seconds(duration: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unexpected duration "${duration}"`);
  const unit = { ms: 0.001, s: 1, m: 60 }[match[2] as 'ms' | 's' | 'm'];
  return Number(match[1]) * unit;
}

describe('deploy/docker-compose.yml', () => {
  it('has the infrastructure, two gateways, provisioning, firmware, grouping, diagnostics, the NBI, the index job, and the standalone as a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'db-indexes',
      'diagnostics',
      'firmware',
      'gateway-1',
      'gateway-2',
      'grouping',
      'kafka',
      'mongo',
      'nbi',
      'provisioning',
      'redis',
      'standalone',
    ]);
    expect(compose.services.standalone.profiles).toEqual(['standalone']);
    for (const name of ['gateway-1', 'gateway-2', 'provisioning', 'firmware', 'grouping', 'diagnostics', 'nbi', 'db-indexes', ...INFRA]) {
      expect(compose.services[name].profiles).toBeUndefined();
    }
    expect(env('gateway-1').ACS_APP).toBe('cwmp-gateway');
    expect(env('gateway-2').ACS_APP).toBe('cwmp-gateway');
    expect(env('provisioning').ACS_APP).toBe('provisioning');
    expect(env('firmware').ACS_APP).toBe('firmware');
    expect(env('diagnostics').ACS_APP).toBe('diagnostics');
    expect(env('nbi').ACS_APP).toBe('nbi');
    expect(env('db-indexes').ACS_APP).toBe('db-indexes');
    expect(env('standalone').ACS_APP).toBe('standalone');
    // Every app the file runs is one the image builds (the entrypoint refuses any other name).
    for (const [, service] of appServices) expect(statSync(join(ROOT, 'apps', String(service.environment?.ACS_APP), 'src/main.ts')).isFile()).toBe(true);
    expect(appServices.filter(([, s]) => isJob(s)).map(([name]) => name)).toEqual(['db-indexes']);
  });

  it.each(services)('%s has a healthcheck (a job: its exit code instead) and resource limits', (_name, service) => {
    if (isJob(service)) {
      expect(service.healthcheck).toEqual({ disable: true });
    } else {
      expect(service.healthcheck?.disable).not.toBe(true);
      expect(Array.isArray(service.healthcheck?.test) ? service.healthcheck?.test.length : 0).toBeGreaterThan(1);
    }
    expect(service.deploy?.resources?.limits?.cpus).toBeDefined();
    expect(service.deploy?.resources?.limits?.memory).toMatch(/^\d+[MG]$/);
  });

  it('pins every infrastructure image to a version tag', () => {
    for (const name of INFRA) expect(compose.services[name].image).toMatch(/^[\w./-]+:\d[\w.-]*$/);
  });

  it('starts each app once what it opens at start is healthy, and after the index job has succeeded; the standalone needs nothing', () => {
    for (const [name, service] of appServices) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency]).toBeDefined();
        const expected = isJob(compose.services[dependency]) ? 'service_completed_successfully' : 'service_healthy';
        expect(`${name} → ${dependency}: ${condition}`).toBe(`${name} → ${dependency}: ${expected}`);
      }
    }
    const dependencies = (name: string): string[] => Object.keys(compose.services[name].depends_on ?? {}).sort();
    for (const name of ['gateway-1', 'gateway-2']) expect(dependencies(name)).toEqual(['kafka', 'redis']);
    expect(dependencies('db-indexes')).toEqual(['mongo']);
    expect(dependencies('provisioning')).toEqual(['db-indexes', 'kafka', 'mongo', 'redis']);
    expect(dependencies('firmware')).toEqual(['db-indexes', 'kafka', 'mongo', 'redis']);
    expect(dependencies('nbi')).toEqual(['db-indexes', 'diagnostics', 'firmware', 'grouping', 'kafka', 'mongo', 'provisioning']);
    expect(dependencies('diagnostics')).toEqual(['db-indexes', 'kafka', 'mongo']);
    expect(compose.services.standalone.depends_on).toBeUndefined();
  });

  it('runs the index job once: never restarted, on the MongoDB database the services use', () => {
    const job = compose.services['db-indexes'];
    expect(job.ports).toBeUndefined();
    const mongoUrls = new Set(appServices.map(([, s]) => s.environment?.ACS_MONGO_URL).filter((url) => url !== undefined));
    expect([...mongoUrls]).toEqual([env('db-indexes').ACS_MONGO_URL]);
    // Services built with autoIndex off rely on the job; the image turns it off with NODE_ENV=production.
    for (const [name, service] of appServices) {
      expect(`${name}: ${service.environment?.NODE_ENV ?? 'production'} ${service.environment?.ACS_MONGO_AUTO_INDEX ?? '-'}`).toBe(`${name}: production -`);
    }
  });

  it('probes the servers with the script the image ships, on the port each app listens on, and lets them drain before a kill', () => {
    const dockerfile = read('Dockerfile');
    const probeDefaults = probeDefaultPorts();
    for (const [name, service] of serverApps) {
      const probe = (service.healthcheck?.test as string[]).slice(1);
      expect(`${name}: ${probe.join(' ')}`).toBe(`${name}: node /usr/local/lib/acs/healthcheck.js`);
      expect(dockerfile).toContain(`deploy/docker/healthcheck.js ${probe[1]}`);
      const drainMs = Number(service.environment?.ACS_SHUTDOWN_TIMEOUT_MS ?? 20_000);
      expect(seconds(service.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(drainMs);
      const app = String(service.environment?.ACS_APP);
      const managementPort = String(service.environment?.ACS_MGMT_PORT ?? probeDefaults.get(app));
      expect(`${name}: ${managementPort}`).toMatch(/^[\w-]+: \d+$/);
      // Published, like every app's metrics and health, on the same number inside and outside.
      expect((service.ports ?? []).map((p) => p.split(':')[2])).toContain(managementPort);
    }
  });

  it("knows each app's default management port in the probe, as the app's main.ts declares it", () => {
    const probeDefaults = probeDefaultPorts();
    for (const app of readdirSync(join(ROOT, 'apps'))) {
      const main = join('apps', app, 'src/main.ts');
      let source: string;
      try {
        source = read(main);
      } catch {
        continue;
      }
      // A pod declares it as runPod's `mgmtPort`, the standalone as listenManagement's default.
      const match = /\bmgmtPort:\s*(\d+)|listenManagement\([^)]*\bport:\s*(\d+)/.exec(source);
      const declared = match?.[1] ?? match?.[2];
      expect(`${app}: ${probeDefaults.get(app)}`).toBe(`${app}: ${declared}`);
    }
  });

  it('publishes every port on the loopback only, with no clash among the services started together', () => {
    const published = (list: Array<[string, Service]>): string[] => list.flatMap(([, s]) => s.ports ?? []);
    for (const port of published(services)) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const defaultProfile = published(services.filter(([, s]) => !s.profiles)).map((p) => p.split(':')[1]);
    expect(new Set(defaultProfile).size).toBe(defaultProfile.length);
  });

  it('keeps data in named volumes that are declared', () => {
    for (const name of [...INFRA, 'standalone']) {
      const volumes = compose.services[name].volumes ?? [];
      expect(volumes.length).toBeGreaterThan(0);
      for (const volume of volumes) {
        const source = volume.split(':')[0];
        expect(source).toMatch(/^[a-z][\w-]*$/);
        expect(compose.volumes).toHaveProperty(source);
      }
    }
    // The standalone's store lives under the image's ACS_DATA_DIR, which must be on its volume: the root is read-only.
    const dataDir = /\bACS_DATA_DIR=(\S+)/.exec(read('Dockerfile'))?.[1] ?? '';
    const target = (compose.services.standalone.volumes ?? [])[0]?.split(':')[1] ?? '';
    expect(`${dataDir}/`.startsWith(`${target}/`) && target !== '').toBe(true);
    expect(env('standalone').ACS_DATA_DIR).toBeUndefined();
  });

  it('mounts only the NBI clients directory from the host, read-only, holding the file ACS_NBI_CLIENTS_FILE names', () => {
    const binds = services.flatMap(([name, s]) => (s.volumes ?? []).filter((v) => /^[./]/.test(v)).map((v) => `${name} ${v}`));
    expect(binds).toEqual(['nbi ./nbi:/etc/acs/nbi:ro']);
    expect(env('nbi').ACS_NBI_CLIENTS_FILE).toBe('/etc/acs/nbi/clients.yaml');
  });

  it('gives the gateways one shared digest secret, required rather than defaulted', () => {
    const secrets = ['gateway-1', 'gateway-2'].map((n) => compose.services[n].environment?.ACS_DIGEST_SECRET);
    expect(secrets[0]).toMatch(/^\$\{ACS_DIGEST_SECRET:\?/);
    expect(secrets[1]).toBe(secrets[0]);
  });

  it('points the apps at hosts that are services of the file, and starts them after those', () => {
    for (const name of ['gateway-1', 'gateway-2', 'provisioning', 'firmware']) {
      expect(env(name).ACS_SESSION_STORE).toBe('redis');
      expect(env(name).ACS_EVENT_BUS).toBe('kafka');
    }
    expect(env('nbi').ACS_EVENT_BUS).toBe('kafka');
    for (const [name, service] of appServices.filter(([, s]) => !s.profiles)) {
      const e = service.environment ?? {};
      const hosts = [
        ...(e.ACS_REDIS_URL ? [new URL(String(e.ACS_REDIS_URL)).hostname] : []),
        ...(e.ACS_MONGO_URL ? [new URL(String(e.ACS_MONGO_URL)).hostname] : []),
        ...(e.ACS_KAFKA_BROKERS ? String(e.ACS_KAFKA_BROKERS).split(',').map((broker) => broker.split(':')[0]) : []),
        ...(e.ACS_NBI_PROVISIONING_ADDRESS ? [String(e.ACS_NBI_PROVISIONING_ADDRESS).split(':')[0]] : []),
        ...(e.ACS_NBI_FIRMWARE_ADDRESS ? [String(e.ACS_NBI_FIRMWARE_ADDRESS).split(':')[0]] : []),
        ...(e.ACS_NBI_DIAGNOSTICS_ADDRESS ? [String(e.ACS_NBI_DIAGNOSTICS_ADDRESS).split(':')[0]] : []),
      ];
      for (const host of hosts) {
        expect(compose.services[host]).toBeDefined();
        expect(`${name} → ${host}: ${host in (service.depends_on ?? {})}`).toBe(`${name} → ${host}: true`);
      }
    }
  });

  it("gives the NBI provisioning's internal API where provisioning listens on the compose network, and publishes only the NBI's", () => {
    expect(env('provisioning').ACS_GRPC_HOST).toBe('0.0.0.0');
    expect(env('nbi').ACS_NBI_PROVISIONING_ADDRESS).toBe(`provisioning:${env('provisioning').ACS_GRPC_PORT}`);
    // The internal API has no authentication: reachable from the compose network only.
    expect((compose.services.provisioning.ports ?? []).map((p) => p.split(':')[2])).not.toContain(String(env('provisioning').ACS_GRPC_PORT));
    expect(env('firmware').ACS_GRPC_HOST).toBe('0.0.0.0');
    expect(env('nbi').ACS_NBI_FIRMWARE_ADDRESS).toBe(`firmware:${env('firmware').ACS_GRPC_PORT}`);
    expect((compose.services.firmware.ports ?? []).map((p) => p.split(':')[2])).not.toContain(String(env('firmware').ACS_GRPC_PORT));
    expect(compose.services.nbi.ports).toContain(`127.0.0.1:${env('nbi').ACS_NBI_PORT ?? 50052}:${env('nbi').ACS_NBI_PORT ?? 50052}`);
  });

  it('re-evaluates the groups no event keeps current periodically, on one grouping pod named by its host name', () => {
    const grouping = appServices.find(([name]) => name === 'grouping')![1];
    expect(Number(grouping.environment?.ACS_GROUPING_REEVALUATE_MS)).toBeGreaterThan(0);
    // The lease's owner is ACS_POD_NAME, by default the host name: it must name this pod alone.
    expect(grouping.environment?.ACS_POD_NAME ?? grouping.hostname).toBe('grouping');
  });

  it("gives the NBI the diagnostics pod's API where it listens on the compose network, unpublished", () => {
    expect(env('diagnostics').ACS_GRPC_HOST).toBe('0.0.0.0');
    expect(env('nbi').ACS_NBI_DIAGNOSTICS_ADDRESS).toBe(`diagnostics:${env('diagnostics').ACS_GRPC_PORT}`);
    expect((compose.services.diagnostics.ports ?? []).map((p) => p.split(':')[2])).not.toContain(String(env('diagnostics').ACS_GRPC_PORT));
    expect(env('diagnostics').ACS_DIAGNOSTICS_PROVISIONING_ADDRESS).toBe(`provisioning:${env('provisioning').ACS_GRPC_PORT}`);
  });

  it("reaches the firmware pod's API from the grouping pod, for the campaign jobs' campaigns", () => {
    const env = (name: string) => appServices.find(([service]) => service === name)![1].environment ?? {};
    expect(env('grouping').ACS_GROUPING_FIRMWARE_ADDRESS).toBe(`firmware:${env('firmware').ACS_GRPC_PORT}`);
  });

  it('passes the apps only ACS_* settings that are documented and read by the code', () => {
    const documented = new Set([...documentedVariables(read('README.md')), ...documentedVariables(read('deploy/README.md'))]);
    const sources = runtimeSources();
    const passed = new Set(appServices.flatMap(([, s]) => Object.keys(s.environment ?? {})).filter((n) => n.startsWith('ACS_')));
    expect(passed.size).toBeGreaterThan(5);
    const undocumented = [...passed].filter((n) => !documented.has(n));
    // Read as a string literal ('ACS_X'), a property (process.env.ACS_X) or a shell expansion (${ACS_X).
    const unread = [...passed].filter((n) => !new RegExp(`['"\`]${n}['"\`]|\\.${n}\\b|\\$\\{${n}\\b`).test(sources));
    expect({ undocumented, unread }).toEqual({ undocumented: [], unread: [] });
  });
});

describe('deploy/nbi/clients.example.yaml', () => {
  const example = read('deploy/nbi/clients.example.yaml');
  const placeholders = [...example.matchAll(/^\s+- sha256: (\S+)$/gm)].map((m) => m[1]);

  it('has one placeholder digest, which an unedited copy refuses at start rather than letting anyone in', () => {
    expect(placeholders).toHaveLength(1);
    expect(() => parseClientRegistry(example, 'clients.yaml')).toThrow(ClientRegistryError);
    expect(() => parseClientRegistry(example, 'clients.yaml')).toThrow(/sha256/);
  });

  it('once the placeholder is replaced by a token\'s digest, lets that token in as an admin', () => {
    const { token, sha256 } = generateApiToken();
    const registry = parseClientRegistry(example.replace(placeholders[0], sha256), 'clients.yaml');
    expect(token.startsWith('acs_')).toBe(true);
    expect(registry.byTokenDigest(sha256)?.name).toBe('admin');
    expect(registry.byTokenDigest(sha256)?.roles).toEqual(['admin']);
  });
});

/** The probe's table of default management ports per app (deploy/docker/healthcheck.js). */
function probeDefaultPorts(): Map<string, string> {
  const table = /const DEFAULT_MGMT_PORTS = \{([^}]*)\}/.exec(read('deploy/docker/healthcheck.js'))?.[1] ?? '';
  return new Map([...table.matchAll(/'?([\w-]+)'?:\s*(\d+)/g)].map((m) => [m[1], m[2]]));
}

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with comments dropped and `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

describe('Dockerfile', () => {
  const all = instructions(read('Dockerfile'));
  const stages: Instruction[][] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') stages.push([]);
    if (stages.length > 0) stages[stages.length - 1].push(instruction);
  }
  const finalStage = stages[stages.length - 1];
  const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);

  it('builds in stages and ends in a runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(finalStage[0].args).toMatch(/ AS runtime$/i);
  });

  it('starts every stage from the pinned Node image, whose version satisfies package.json engines', () => {
    const nodeImage = all.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args.split('=')[1] ?? '';
    const version = /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim$/.exec(nodeImage);
    expect(version).not.toBeNull();
    const [, minMajor, minMinor] = /^>=(\d+)\.(\d+)/.exec(JSON.parse(read('package.json')).engines.node as string) ?? [];
    expect(Number(version![1])).toBe(Number(minMajor));
    expect(Number(version![2])).toBeGreaterThanOrEqual(Number(minMinor));
    const stageNames = new Set(stages.map((s) => /\sAS\s+(\S+)$/i.exec(s[0].args)?.[1]));
    for (const stage of stages) {
      const base = stage[0].args.split(/\s+/)[0];
      expect(base === '${NODE_IMAGE}' || stageNames.has(base)).toBe(true);
    }
  });

  it('runs the last stage as a non-root user, in production mode, with a healthcheck and the CWMP and metrics ports', () => {
    const users = finalStage.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBe(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(finalStage.some((i) => i.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
    const healthcheck = finalStage.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \["node", "\/usr\/local\/lib\/acs\/healthcheck\.js"\]$/);
    const exposed = finalStage.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining(['7547', '7548', '9464']));
  });

  it('installs with npm ci only, never running install scripts, and ships production dependencies only', () => {
    for (const run of runs) expect(run).not.toMatch(/\b(npm|yarn|pnpm)\s+(install|i|add)\b/);
    const installs = runs.filter((r) => /\bnpm ci\b/.test(r));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(install).toMatch(/--ignore-scripts\b/);
    // The last stage installs nothing: it copies node_modules from the stage that omitted dev dependencies.
    expect(finalStage.some((i) => i.keyword === 'RUN')).toBe(false);
    const copiedModules = finalStage.find((i) => i.keyword === 'COPY' && /\/node_modules\s/.test(i.args));
    const fromStage = /--from=(\S+)/.exec(copiedModules?.args ?? '')?.[1];
    const source = stages.find((s) => new RegExp(`\\sAS\\s+${fromStage}$`, 'i').test(s[0].args)) ?? [];
    expect(source.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('copies the manifests before the sources, so a source edit reuses the dependency layer', () => {
    const position = (predicate: (i: Instruction) => boolean): number => all.findIndex(predicate);
    const manifests = position((i) => i.keyword === 'COPY' && i.args.startsWith('package.json package-lock.json'));
    const firstInstall = position((i) => i.keyword === 'RUN' && i.args.includes('npm ci'));
    const sources = position((i) => i.keyword === 'COPY' && /^(libs|apps)\b/.test(i.args));
    expect(manifests).toBeGreaterThanOrEqual(0);
    expect(manifests).toBeLessThan(firstInstall);
    expect(firstInstall).toBeLessThan(sources);
  });

  it('hands the container to node through an exec-form entrypoint that execs', () => {
    const entrypoint = finalStage.find((i) => i.keyword === 'ENTRYPOINT');
    expect(entrypoint?.args).toMatch(/^\[.*\]$/);
    expect(all.some((i) => i.keyword === 'CMD' && !i.args.startsWith('['))).toBe(false);
    const script = read('deploy/docker/entrypoint.sh');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script.trimEnd().split('\n').pop()).toMatch(/^exec node /);
    expect(statSync(join(ROOT, 'deploy/docker/entrypoint.sh')).mode & 0o111).not.toBe(0);
  });

  it('bakes in no secrets', () => {
    for (const i of all.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      expect(i.args).not.toMatch(/(SECRET|PASSWORD|TOKEN|_KEY)\b/i);
    }
  });

  it('copies only what .dockerignore lets into the build context', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/\*\*$/, ''));
    const sources = all
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    for (const source of sources) {
      const path = source.replace(/^\.\//, '');
      expect(`${path}: ${allowed.some((a) => path === a || path.startsWith(`${a}/`) || a.startsWith(`${path}/`))}`).toBe(`${path}: true`);
    }
  });
});
