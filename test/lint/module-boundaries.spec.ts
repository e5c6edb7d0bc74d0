import { fork } from 'node:child_process';
import { join } from 'node:path';

/*
 * The boundary rules of eslint.config.mjs, proved on source texts at virtual paths: a domain file that imports Kafka,
 * Redis or Mongo code fails lint; the same import from a repository or a module that wires adapters passes.
 */

interface LintMessage {
  ruleId: string | null;
  message: string;
}

interface Source {
  filePath: string;
  text: string;
}

const repositoryRoot = join(__dirname, '..', '..');

function lint(sources: readonly Source[]): Promise<Map<string, LintMessage[]>> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'lint-boundaries.mjs'), { cwd: repositoryRoot, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (results: { filePath: string; messages: LintMessage[] }[]) => {
      answered = true;
      resolve(new Map(results.map((result) => [result.filePath, result.messages])));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`the lint runner ended (${signal ?? code}) before answering`));
    });
    child.send({ cwd: repositoryRoot, sources });
  });
}

const adapterImports = {
  kafka: "import { KafkaEventBus } from '@acs/infra-kafka';\n\nexport const bus = KafkaEventBus;\n",
  redis: "import { RedisDeviceQueue } from '@acs/infra-redis';\n\nexport const queue = RedisDeviceQueue;\n",
  mongo: "import type { MongoConnection } from '@acs/infra-mongo';\n\nexport type Connection = MongoConnection;\n",
};
const driverImports = {
  kafkajs: "import { Kafka } from 'kafkajs';\n\nexport const kafka = Kafka;\n",
  ioredis: "import Redis from 'ioredis';\n\nexport const redis = Redis;\n",
  mongoose: "import type { mongo } from 'mongoose';\n\nexport type Filter = mongo.Filter<object>;\n",
  mongodb: "import { MongoClient } from 'mongodb';\n\nexport const client = MongoClient;\n",
};

const useCase = (name: string) => `libs/provisioning/src/usecases/${name}.fixture.ts`;
const nbiService = (name: string) => `libs/nbi/src/api/${name}.fixture.ts`;
const repository = (name: string) => `libs/provisioning/src/repositories/${name}.fixture.ts`;
const nbiRepository = (name: string) => `libs/nbi/src/repositories/${name}.fixture.ts`;
const wiring = (name: string) => `libs/gateway/src/${name}-fixture.module.ts`;

const sources: Source[] = [
  ...Object.entries(adapterImports).flatMap(([name, text]) => [
    { filePath: useCase(name), text },
    { filePath: nbiService(name), text },
    { filePath: repository(name), text },
    { filePath: nbiRepository(name), text },
    { filePath: wiring(name), text },
  ]),
  ...Object.entries(driverImports).flatMap(([name, text]) => [
    { filePath: useCase(name), text },
    { filePath: repository(name), text },
    { filePath: wiring(name), text },
  ]),
  { filePath: useCase('mongoose-subpath'), text: "import { Schema } from 'mongoose/lib/schema';\n\nexport const schema = Schema;\n" },
  { filePath: useCase('ports'), text: "import { InProcessEventBus } from '@acs/platform';\n\nexport const bus = InProcessEventBus;\n" },
  { filePath: useCase('filter'), text: "import { parseFilter } from '@acs/filter';\n\nexport const parse = parseFilter;\n" },
  { filePath: 'libs/filter/src/platform.fixture.ts', text: "import { ValidationError } from '@acs/platform';\n\nexport const error = ValidationError;\n" },
  { filePath: 'libs/firmware/src/usecases/grouping.fixture.ts', text: "import { createGroupingCore } from '@acs/grouping';\n\nexport const core = createGroupingCore;\n" },
  { filePath: 'libs/firmware/src/usecases/grouping-fixture.spec.ts', text: "import { createGroupingCore } from '@acs/grouping';\n\nexport const core = createGroupingCore;\n" },
];

let results: Map<string, LintMessage[]>;

beforeAll(async () => {
  // One ESLint process for every case: loading the config and the project graph is most of the cost (~3 s).
  results = await lint(sources);
}, 120_000);

function messagesOf(filePath: string): LintMessage[] {
  const messages = results.get(filePath);
  if (!messages) throw new Error(`no lint result for ${filePath}`);
  return messages;
}

const boundaryErrors = (filePath: string) => messagesOf(filePath).filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
const driverErrors = (filePath: string) => messagesOf(filePath).filter((m) => m.ruleId === 'no-restricted-imports');

describe.each(Object.keys(adapterImports))('an import of the %s adapter lib', (name) => {
  it('fails lint in a domain file', () => {
    for (const filePath of [useCase(name), nbiService(name)]) {
      expect(boundaryErrors(filePath)).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/^A project tagged with "type:domain" can only depend on libs tagged with .*"type:contracts"$/) }),
      ]);
    }
  });

  it('passes in a repository and in a module that wires adapters', () => {
    for (const filePath of [repository(name), nbiRepository(name), wiring(name)]) expect(messagesOf(filePath)).toEqual([]);
  });
});

describe.each(Object.keys(driverImports))('an import of the %s driver', (name) => {
  it('fails lint in a domain file and in a module: wiring chooses adapters, it does not talk to servers', () => {
    for (const filePath of [useCase(name), wiring(name)]) {
      expect(driverErrors(filePath)).toEqual([expect.objectContaining({ message: expect.stringContaining(`'${name}' import is restricted`) })]);
    }
  });

  it('passes in a repository', () => {
    expect(messagesOf(repository(name))).toEqual([]);
  });
});

it('refuses a driver subpath too', () => {
  expect(driverErrors(useCase('mongoose-subpath'))).toHaveLength(1);
});

it('lets a domain file use the ports of libs/platform', () => {
  expect(messagesOf(useCase('ports'))).toEqual([]);
});

it('lets a domain file use a library (the filter language), and keeps the library to the protocol alone', () => {
  expect(messagesOf(useCase('filter'))).toEqual([]);
  expect(boundaryErrors('libs/filter/src/platform.fixture.ts')).toEqual([
    expect.objectContaining({ message: 'A project tagged with "type:library" can only depend on libs tagged with "type:protocol"' }),
  ]);
});

it("keeps firmware's code off grouping's lib, and lets its specs run a real grouping core", () => {
  expect(boundaryErrors('libs/firmware/src/usecases/grouping.fixture.ts').length).toBeGreaterThan(0);
  expect(messagesOf('libs/firmware/src/usecases/grouping-fixture.spec.ts')).toEqual([]);
});
