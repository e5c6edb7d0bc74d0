import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, isMap, isSeq, parse, parseAllDocuments, stringify, type Node } from 'yaml';
import { CliError } from '../cli/cli-errors';

/** One preset as found in a file, ready to be sent as the `yaml` of a preset request. */
export interface PresetDocument {
  /** `file:line` of the preset's first line, for messages. */
  source: string;
  /** The `name` written in the file; the server's validation reports a missing or invalid one. */
  name?: string;
  /** The preset alone, as YAML. */
  yaml: string;
  /**
   * The file and the file line of the YAML's first line when the YAML is the file's own text (so the server's
   * `yaml: line N` can be told as a line of the file); absent when the preset had to be written out again.
   */
  origin?: { file: string; line: number };
}

const PRESET_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * The presets of files and directories (a directory's *.yaml / *.yml files, not its subdirectories, in name order:
 * the layout of ACS_PRESETS_DIR). Any unreadable file or YAML syntax error fails the whole set, every problem listed.
 */
export function readPresetDocuments(paths: readonly string[], cwd: string): PresetDocument[] {
  const problems: string[] = [];
  const documents: PresetDocument[] = [];
  for (const file of presetFiles(paths, cwd)) {
    const fromCwd = relative(cwd, file);
    const shown = fromCwd === '' || fromCwd.startsWith('..') ? file : fromCwd;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${shown}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      continue;
    }
    try {
      documents.push(...splitPresetDocuments(text, shown));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));
  return documents;
}

function presetFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      throw new CliError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(error)}`);
    }
    if (!isDirectory) {
      files.push(absolute);
      continue;
    }
    const entries = readdirSync(absolute, { withFileTypes: true })
      .filter((e) => e.isFile() && PRESET_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    files.push(...entries.map((name) => join(absolute, name)));
  }
  return files;
}

/**
 * Splits a presets file into one YAML text per preset. The server takes one preset per request, while a file may hold
 * a list of presets and several `---` documents (docs/presets.md). A preset is sent as the file's own lines (its
 * comments kept, the server's line numbers meaningful), unless that text alone does not read back as the same value
 * (an alias to an anchor elsewhere in the file): then it is written out again from its parsed value.
 */
export function splitPresetDocuments(text: string, fileName: string): PresetDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [];
  const problems: string[] = [];
  const presets: PresetDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) problems.push(`${fileName}:${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`);
      continue;
    }
    const items: unknown[] = isSeq(doc.contents) ? doc.contents.items : [doc.contents];
    for (const item of items) {
      const node = item as Node | null;
      const value: unknown = node === null || node === undefined ? null : node.toJS(doc, { maxAliasCount: 50 });
      // An empty document (a trailing `---`, a file of comments) holds no preset.
      if (value === null || value === undefined) continue;
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
      if (!isMap(node)) {
        problems.push(`${fileName}:${line}: a preset is a map of name, triggers, actions…; found ${Array.isArray(value) ? 'a list' : typeof value}`);
        continue;
      }
      const name = (value as Record<string, unknown>).name;
      const own = ownText(text, node, lineCounter, value);
      presets.push({
        source: `${fileName}:${line}`,
        ...(typeof name === 'string' ? { name } : {}),
        yaml: own ?? stringify(value),
        ...(own === undefined ? {} : { origin: { file: fileName, line } }),
      });
    }
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));
  return presets;
}

/** The node's text in the file, indented as in the file so that every line keeps its place; undefined if unusable. */
function ownText(text: string, node: Node, lineCounter: LineCounter, value: unknown): string | undefined {
  if (!node.range) return undefined;
  const { col } = lineCounter.linePos(node.range[0]);
  const candidate = `${' '.repeat(col - 1)}${text.slice(node.range[0], node.range[1]).trimEnd()}\n`;
  try {
    return isDeepStrictEqual(parse(candidate, { maxAliasCount: 50 }), value) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** Rewrites the server's `yaml: line N` (a line of the text sent) as the file's `file:line`. */
export function locateInFile(document: PresetDocument, message: string): string {
  const origin = document.origin;
  if (!origin) return message;
  return message.replace(/\byaml: line (\d+)/g, (_, n: string) => `${origin.file}:${origin.line + Number(n) - 1}`);
}
