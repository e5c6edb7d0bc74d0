#!/usr/bin/env node
import { run } from './acsctl';

// The process side of the CLI: arguments, streams, environment, Ctrl-C, warnings. Everything else is in run().

// grpc-js passes the target host as the TLS server name even when it is an IP address (`--server 10.0.0.5:50052`),
// and Node warns about that on every TLS connection (DEP0123). The certificate is still checked against the IP
// (its subjectAltName); the warning is only noise for an operator, so that one is dropped and every other warning
// is printed as Node would.
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code === 'DEP0123') return;
  process.stderr.write(`${warning.name}: ${warning.message}\n`);
});
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
  ...(process.stdout.isTTY && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
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
