import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';

export const TOKEN_COMMANDS: CommandSpec[] = [
  {
    group: 'token',
    action: 'new',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'prints a fresh API token and its SHA-256 (the clients file keeps the hash; give the token to the client)',
    options: {},
    async run({ out }) {
      // The NBI's own generator, so the format has one definition. Loaded here only: the lib brings the NBI's server
      // dependencies, which every other command can do without.
      const { generateApiToken } = await import('@acs/nbi');
      const { token, sha256 } = generateApiToken();
      if (out.json) out.document({ token, sha256 });
      else out.fields([['token', token], ['sha256', sha256]]);
      return EXIT_OK;
    },
  },
];
