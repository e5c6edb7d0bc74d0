import type { CommandSpec } from '../cli/command';
import { EXIT_OK, UsageError } from '../cli/cli-errors';

/**
 * `--expires`: `90d` from now, or a date (`2027-03-01`, midnight UTC) or time (`2027-03-01T12:00:00Z`) as the clients
 * file reads it (`parseTokenExpiry`).
 */
function parseExpiry(text: string, now: number, parseTokenExpiry: (value: string) => number): string {
  const days = /^(\d+)d$/.exec(text.trim());
  if (days) {
    if (Number(days[1]) < 1) throw new UsageError('--expires: at least 1d');
    return new Date(now + Number(days[1]) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const time = parseTokenExpiry(text);
  if (Number.isNaN(time)) throw new UsageError(`--expires: "${text}" is neither a number of days (90d) nor a date (2027-03-01) or time (2027-03-01T12:00:00Z)`);
  if (time <= now) throw new UsageError(`--expires: ${text} is already past`);
  return text;
}

export const TOKEN_COMMANDS: CommandSpec[] = [
  {
    group: 'token',
    action: 'new',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'prints a fresh API token and its SHA-256 (the clients file keeps the hash; give the token to the client)',
    options: {
      label: { type: 'string', valueName: 'TEXT', description: 'a note for people, kept in the clients file (who, when)' },
      expires: { type: 'string', valueName: '90d|DATE', description: 'refused from then on: days from now, or a date/time' },
    },
    async run({ options, out }) {
      // The NBI's own generator, so the format has one definition. Loaded here only: the lib brings the NBI's server
      // dependencies, which every other command can do without.
      const { generateApiToken, parseTokenExpiry } = await import('@acs/nbi');
      const expiresText = options.string('expires');
      const expires = expiresText === undefined ? undefined : parseExpiry(expiresText, Date.now(), parseTokenExpiry);
      const label = options.string('label');
      const { token, sha256 } = generateApiToken();
      // The entry to paste under the client's `tokens:` in the clients file.
      const entry = [`sha256: ${sha256}`, ...(label ? [`label: ${JSON.stringify(label)}`] : []), ...(expires ? [`expires: '${expires}'`] : [])];
      const clientsFileEntry = `- { ${entry.join(', ')} }`;
      if (out.json) out.document({ token, sha256, ...(label ? { label } : {}), ...(expires ? { expires } : {}), clientsFileEntry });
      else out.fields([['token', token], ['sha256', sha256], ...(expires ? ([['expires', expires]] as Array<[string, string]>) : []), ['clients file', clientsFileEntry]]);
      return EXIT_OK;
    },
  },
];
