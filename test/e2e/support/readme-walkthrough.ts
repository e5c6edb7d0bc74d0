import { readFileSync } from 'node:fs';

/** One command line of the README's walkthrough, as a new user types it. */
export interface WalkthroughCommand {
  /** The line as written, without a trailing `&`. */
  command: string;
  /** Written with a trailing `&`: it keeps running while the next lines are typed. */
  background: boolean;
  /** `export NAME=VALUE`: the shell keeps it for every later line. */
  export?: { name: string; value: string };
}

/** The marker a README places before each ```sh block of the walkthrough. */
export const WALKTHROUGH_MARKER = '<!-- walkthrough -->';

/**
 * The commands of every ```sh block that follows a walkthrough marker, in order. Comments and blank lines are
 * dropped; anything the test could not run as written (a line continued with `\`) is refused, so the README cannot
 * drift into commands the test silently skips.
 */
export function walkthroughCommands(readmePath: string): WalkthroughCommand[] {
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  const commands: WalkthroughCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== WALKTHROUGH_MARKER) continue;
    if (lines[i + 1]?.trim() !== '```sh') throw new Error(`${readmePath}:${i + 1}: ${WALKTHROUGH_MARKER} must be followed by a \`\`\`sh block`);
    for (i += 2; i < lines.length && lines[i]!.trim() !== '```'; i++) {
      // A trailing comment is for the reader (`cmd &   # what it does`); bash would drop it too.
      const line = lines[i]!.replace(/\s+#\s.*$/, '').trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line.endsWith('\\')) throw new Error(`${readmePath}:${i + 1}: continued lines are not supported in the walkthrough`);
      commands.push(parseCommand(line));
    }
  }
  return commands;
}

function parseCommand(line: string): WalkthroughCommand {
  const exported = /^export ([A-Z_][A-Z0-9_]*)=(\S+)$/.exec(line);
  if (exported) return { command: line, background: false, export: { name: exported[1]!, value: exported[2]! } };
  const background = /\s&$/.test(line);
  return { command: background ? line.replace(/\s*&$/, '') : line, background };
}
