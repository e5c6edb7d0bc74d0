import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const depConstraints = [
  // The protocol core is plain TypeScript: it depends on nothing of ours.
  { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:protocol'] },
  // Plain-TypeScript languages and algorithms a service applies to its own data (the filter language): no I/O, no
  // framework, no service's types; the service passes in what they need to know of its documents.
  { sourceTag: 'type:library', onlyDependOnLibsWithTags: ['type:protocol'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform'] },
  // Chooses adapters from configuration for the apps, and creates the event catalog's topics.
  { sourceTag: 'type:wiring', onlyDependOnLibsWithTags: ['type:platform', 'type:adapter', 'type:contracts'] },
  // Clients of the services' APIs (libs/clients): contracts and the platform's gRPC, nothing of a service.
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform', 'type:contracts'] },
  // Domain code depends on ports; only its persistence and wiring files may reach an adapter (see persistenceAndWiring).
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:protocol', 'type:library', 'type:platform', 'type:client', 'type:contracts'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:protocol'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform'] },
  // Apps compose libs; tests drive whole apps.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  // A service's domain lib never imports another service's lib; services meet through contracts.
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:sim', onlyDependOnLibsWithTags: ['scope:sim', 'scope:shared'] },
  { sourceTag: 'scope:provisioning', onlyDependOnLibsWithTags: ['scope:provisioning', 'scope:shared'] },
  { sourceTag: 'scope:firmware', onlyDependOnLibsWithTags: ['scope:firmware', 'scope:shared'] },
  { sourceTag: 'scope:grouping', onlyDependOnLibsWithTags: ['scope:grouping', 'scope:shared'] },
  { sourceTag: 'scope:diagnostics', onlyDependOnLibsWithTags: ['scope:diagnostics', 'scope:shared'] },
  { sourceTag: 'scope:nbi', onlyDependOnLibsWithTags: ['scope:nbi', 'scope:shared'] },
];

/*
 * Where a domain lib may touch storage and messaging code: its persistence (every file under src/repositories/, the
 * schemas and stores included) and the Nest modules that choose adapters. Everything else in a domain lib works on
 * ports, so a use case that imports Kafka, Redis or Mongo code fails lint (test/lint/module-boundaries.spec.ts).
 */
// A service lib in parts (libs/diagnostics: runs, monitoring, alarms) gives each part its own repositories/ folder.
const persistence = ['libs/**/src/repositories/**/*.ts', 'libs/*/src/*/repositories/**/*.ts'];
const wiring = ['libs/**/src/**/*.module.ts'];
const adapterLibsAllowed = depConstraints.map((constraint) =>
  constraint.sourceTag === 'type:domain'
    ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:adapter'] }
    : constraint,
);
// The drivers themselves are the adapters' business (libs/infra/*); a repository may use their types and calls.
const drivers = ['kafkajs', 'ioredis', 'mongoose', 'mongodb', 'better-sqlite3'];
// libs/rollout is a type:library that also reaches the platform (and, in its repositories, the adapters).
const rolloutConstraints = (extra) =>
  depConstraints.map((constraint) =>
    constraint.sourceTag === 'type:library' ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, ...extra] } : constraint,
  );
const driverMessage = 'Kafka, Redis, Mongo and SQLite drivers are used in libs/infra/* and a domain lib\'s src/repositories/ only.';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.infra/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'libs/contracts/src/generated/**', 'libs/platform/src/grpc/generated/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: [...persistence, ...wiring],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: adapterLibsAllowed }],
    },
  },
  {
    // The rollout mechanics (libs/rollout) are a library two services share that keeps its state through the
    // platform's DocumentCollection port; only its repositories open that port on the SQLite and MongoDB adapters.
    files: ['libs/rollout/src/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: rolloutConstraints(['type:platform']) }],
    },
  },
  {
    // The mappers of the acs.v1 messages every rollout shares (rollouts.proto), written once for the services serving them.
    files: ['libs/rollout/src/api/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: rolloutConstraints(['type:platform', 'type:contracts']) }],
    },
  },
  {
    files: ['libs/rollout/src/repositories/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: rolloutConstraints(['type:platform', 'type:adapter']) }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/infra/**', ...persistence],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: drivers.map((name) => ({ name, message: driverMessage })), patterns: [{ group: drivers.map((name) => `${name}/*`), message: driverMessage }] },
      ],
    },
  },
  {
    // The gRPC host's spec hosts a real generated service to test reflection and error mapping end to end.
    files: ['libs/platform/src/grpc/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, depConstraints: [{ sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform', 'type:contracts'] }] },
      ],
    },
  },
  {
    // An adapter's specs may use the test helpers (libs/testing): its integration spec runs the port's contract suite
    // against the real server, an embedded adapter's contract spec is a plain unit spec, and its unit specs wait for
    // what they drive (waitFor) like any other test.
    files: ['libs/infra/**/*.spec.ts', 'libs/infra/**/*.int-spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [{ sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:protocol', 'type:platform', 'type:testing'] }],
        },
      ],
    },
  },
  {
    // Firmware's campaigns over a group are specified against the grouping service itself (a real grouping core on
    // its embedded store); firmware's own code reaches grouping only through its GroupMembers port.
    files: ['libs/firmware/src/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // Each service's specs use the other's lib (campaigns over a group, campaign jobs): a cycle of specs only.
          ignoredCircularDependencies: [['grouping', 'firmware']],
          depConstraints: depConstraints.map((constraint) =>
            constraint.sourceTag === 'scope:firmware' || constraint.sourceTag === 'type:domain'
              ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, constraint.sourceTag === 'scope:firmware' ? 'scope:grouping' : 'type:domain'] }
              : constraint,
          ),
        },
      ],
    },
  },
  {
    // Campaign jobs are specified against the firmware service itself (its campaign core on its embedded store behind
    // its gRPC controller); grouping's own code reaches firmware only through its JobCampaigns port and @acs/clients.
    files: ['libs/grouping/src/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          ignoredCircularDependencies: [['grouping', 'firmware']],
          depConstraints: depConstraints.map((constraint) =>
            constraint.sourceTag === 'scope:grouping' || constraint.sourceTag === 'type:domain'
              ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, constraint.sourceTag === 'scope:grouping' ? 'scope:firmware' : 'type:domain'] }
              : constraint,
          ),
        },
      ],
    },
  },
  {
    // provisioning's nedb collection is a DocumentCollection adapter living in a domain lib (the earlier embedded
    // store): its spec runs the port's contract suite (libs/testing) like the adapters under libs/infra.
    files: ['libs/provisioning/src/repositories/nedb-collection.contract.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [{ sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:protocol', 'type:library', 'type:platform', 'type:client', 'type:contracts', 'type:adapter', 'type:testing'] }],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
