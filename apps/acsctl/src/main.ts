#!/usr/bin/env node
import { run } from './acsctl';

// The process side of the CLI: arguments, streams, environment, Ctrl-C. Everything else is in run().
const interrupt = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // A second Ctrl-C leaves at once, should a call not give way to the first.
  if (interrupted) process.exit(130);
  interrupted = true;
  interrupt.abort();
});

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  signal: interrupt.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
