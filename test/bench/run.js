#!/usr/bin/env node
// Runs a TypeScript benchmark without a build: `node test/bench/run.js <name|file.ts> [args…]`.
// `<name>` is short for test/bench/<name>.bench.ts. .ts files are compiled on the fly by @swc/core with the options
// jest.config.js uses, and the @acs/* aliases of tsconfig.base.json resolve to the libraries' sources.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

const aliases = new Map(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, path.resolve(root, compilerOptions.baseUrl ?? '.', target)]),
);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  const target = aliases.get(request);
  return resolveFilename.call(this, target ?? request, ...rest);
};

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};

const [target, ...args] = process.argv.slice(2);
if (!target) {
  console.error('usage: node test/bench/run.js <name|file.ts> [args…]');
  process.exit(2);
}
const file = target.endsWith('.ts') ? path.resolve(target) : path.join(__dirname, `${target}.bench.ts`);
if (!fs.existsSync(file)) {
  console.error(`no such benchmark: ${file}`);
  process.exit(2);
}
process.argv = [process.argv[0], file, ...args];
require(file);
