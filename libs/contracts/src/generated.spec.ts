import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

// The generated TypeScript is committed (type checking and builds need no codegen step), so it must match what
// the protos generate today. This regenerates into a temporary tree and compares.
const root = resolve(__dirname, '../../..');
const generatedDirs = ['libs/contracts/src/generated', 'libs/platform/src/grpc/generated'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('generated protobuf code', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'proto-gen-check-'));
    execFileSync(process.execPath, [join(root, 'tools/proto-gen.mjs'), '--out', scratch], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(generatedDirs)('%s is up to date with the protos (else run `npm run proto:gen`)', (dir) => {
    const committed = filesUnder(join(root, dir)).map((f) => relative(join(root, dir), f)).sort();
    const fresh = filesUnder(join(scratch, dir)).map((f) => relative(join(scratch, dir), f)).sort();
    expect({ dir, files: committed }).toEqual({ dir, files: fresh });
    const stale = fresh.filter((file) => readFileSync(join(root, dir, file), 'utf8') !== readFileSync(join(scratch, dir, file), 'utf8'));
    if (stale.length > 0) throw new Error(`${dir}: ${stale.join(', ')} differ from the protos; run \`npm run proto:gen\``);
  });
});
