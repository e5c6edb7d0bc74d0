// Compiles apps/ and libs/ to dist/ with SWC. A script rather than the swc CLI because SWC wants an absolute
// baseUrl to rewrite the @acs/* path aliases, and that can only be computed at build time. tsc stays the type
// checker (npm run typecheck); SWC is used because it emits decorator metadata, which Nest's injector reads.
import { transformFile } from '@swc/core';
import { readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'test-support') yield* sources(path);
    } else if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !/\.(spec|int-spec|test)\.ts$/.test(path)) {
      yield path;
    }
  }
}

rmSync(out, { recursive: true, force: true });
const files = ['apps', 'libs'].flatMap((d) => [...sources(join(root, d))]);
await Promise.all(
  files.map(async (file) => {
    const { code, map } = await transformFile(file, {
      sourceMaps: true,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
        baseUrl: root,
        paths: tsconfig.compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
  }),
);
console.log(`built ${files.length} files into dist/`);
