import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import type { CliIo } from '../cli/cli-io';
import { CliError, UsageError } from '../cli/cli-errors';
import type { ParsedOptions } from '../cli/parsed-options';

export const DEFAULT_SERVER = '127.0.0.1:50052';
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** Where and how to reach the ACS, from the global options and the environment. */
export interface ConnectionSettings {
  server: string;
  credentials: ChannelCredentials;
  /** Sent as `authorization: Bearer <token>`; absent when the client authenticates by certificate only. */
  token?: string;
  tls: boolean;
}

/**
 * Options win over the environment; a token given both inline and as a file is ambiguous and refused. Files are read
 * here, so a missing certificate fails before any call is made.
 */
export function resolveConnectionSettings(options: ParsedOptions, io: CliIo): ConnectionSettings {
  const server = options.string('server') ?? nonEmpty(io.env.ACSCTL_SERVER) ?? DEFAULT_SERVER;
  if (!/^[^\s]+:\d+$/.test(server) && !server.startsWith('unix:')) throw options.usage(`--server: "${server}" is not HOST:PORT`);
  const token = resolveToken(options, io);
  const caFile = options.string('ca');
  const certFile = options.string('cert');
  const keyFile = options.string('key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw options.usage('--cert and --key go together');
  const tls = options.flag('tls') || caFile !== undefined || certFile !== undefined;
  const channelCredentials = tls
    ? credentials.createSsl(
        caFile === undefined ? null : readInput(io, caFile, 'CA file'),
        keyFile === undefined ? null : readInput(io, keyFile, 'key file'),
        certFile === undefined ? null : readInput(io, certFile, 'certificate file'),
      )
    : credentials.createInsecure();
  return { server, credentials: channelCredentials, tls, ...(token === undefined ? {} : { token }) };
}

function resolveToken(options: ParsedOptions, io: CliIo): string | undefined {
  const inline = options.string('token');
  const file = options.string('token-file');
  if (inline !== undefined && file !== undefined) throw options.usage('give --token or --token-file, not both');
  if (inline !== undefined) return checkedToken(inline, '--token');
  if (file !== undefined) return checkedToken(readInput(io, file, 'token file').toString('utf8').trim(), file);
  const fromEnv = nonEmpty(io.env.ACSCTL_TOKEN);
  if (fromEnv !== undefined) return checkedToken(fromEnv, 'ACSCTL_TOKEN');
  const envFile = nonEmpty(io.env.ACSCTL_TOKEN_FILE);
  if (envFile !== undefined) return checkedToken(readInput(io, envFile, 'token file (ACSCTL_TOKEN_FILE)').toString('utf8').trim(), envFile);
  return undefined;
}

function checkedToken(token: string, from: string): string {
  // A newline or space would make an invalid metadata value, which grpc-js rejects with a confusing message.
  if (token === '' || /\s/.test(token)) throw new UsageError(`${from}: the token is empty or contains white space`);
  return token;
}

function readInput(io: CliIo, file: string, what: string): Buffer {
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (error) {
    throw new CliError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
