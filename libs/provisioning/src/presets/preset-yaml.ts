import { LineCounter, parseAllDocuments, type Document } from 'yaml';

import type { Preset } from '../domain/preset';
import { validatePreset } from './preset-validator';

/** One problem in a preset source, located by file, preset, field and (when known) line. */
export interface PresetSourceIssue {
  source: string;
  /** The preset's name, or `#<n>` (1-based position in the file) when it has none. */
  preset?: string;
  /** The field's path, e.g. `actions[1].setValues.Device.X.Y`; empty for the whole document. */
  field: string;
  line?: number;
  message: string;
}

/** A preset source that cannot be used; `issues` lists every problem found, not just the first. */
export class PresetValidationError extends Error {
  override readonly name = 'PresetValidationError';

  constructor(readonly issues: readonly PresetSourceIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export function formatIssue(issue: PresetSourceIssue): string {
  const where = [issue.line !== undefined ? `${issue.source}:${issue.line}` : issue.source];
  if (issue.preset !== undefined) where.push(`preset ${issue.preset}`);
  if (issue.field !== '') where.push(issue.field);
  return `${where.join(', ')}: ${issue.message}`;
}

export interface PresetYamlOptions {
  /** Stored as each preset's updatedAt (e.g. the file's modification time); default 0. */
  updatedAt?: number;
}

/**
 * The presets of one YAML text: a document holds one preset (a map) or a list of presets, and a file may hold
 * several documents separated by `---`. Throws PresetValidationError naming `sourceName`, the preset and the field.
 */
export function parsePresetYaml(text: string, sourceName: string, options: PresetYamlOptions = {}): Preset[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const issues: PresetSourceIssue[] = [];
  const presets: Preset[] = [];
  const docs = Array.isArray(documents) ? documents : [];
  let position = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        issues.push({ source: sourceName, field: '', line: error.linePos?.[0].line, message: error.message.split('\n')[0] });
      }
      continue;
    }
    const content: unknown = doc.toJS({ maxAliasCount: 50 });
    if (content === null || content === undefined) continue;
    const entries: Array<{ raw: unknown; base: number[] }> = Array.isArray(content) ? content.map((raw, i) => ({ raw, base: [i] })) : [{ raw: content, base: [] }];
    for (const { raw, base } of entries) {
      position++;
      const label = presetLabel(raw, position);
      const result = validatePreset(raw, options.updatedAt ?? 0);
      if (result.preset) {
        presets.push(result.preset);
        continue;
      }
      const located = result.issues.map((issue) => ({
        source: sourceName,
        preset: label,
        field: fieldPath(issue.path),
        line: lineOf(doc, [...base, ...issue.path], lineCounter),
        message: issue.message,
      }));
      // In file order, as a person reads them.
      issues.push(...located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)));
    }
  }
  issues.push(...duplicateNames(presets.map((p) => ({ name: p.name, source: sourceName }))));
  if (issues.length > 0) throw new PresetValidationError(issues);
  return presets;
}

/**
 * The presets of several sources (the files of a presets directory), checked together: one bad file or a name used
 * twice fails the whole set, so a reload either applies everything or keeps the previous set.
 */
export function parsePresetSources(sources: ReadonlyArray<{ sourceName: string; text: string; updatedAt?: number }>): Preset[] {
  const issues: PresetSourceIssue[] = [];
  const found: Array<{ preset: Preset; source: string }> = [];
  for (const source of sources) {
    try {
      for (const preset of parsePresetYaml(source.text, source.sourceName, { updatedAt: source.updatedAt })) found.push({ preset, source: source.sourceName });
    } catch (error) {
      if (!(error instanceof PresetValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  issues.push(...duplicateNames(found.map((f) => ({ name: f.preset.name, source: f.source }))));
  if (issues.length > 0) throw new PresetValidationError(issues);
  return found.map((f) => f.preset);
}

function duplicateNames(entries: Array<{ name: string; source: string }>): PresetSourceIssue[] {
  const first = new Map<string, string>();
  const issues: PresetSourceIssue[] = [];
  for (const { name, source } of entries) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, source);
    else issues.push({ source, preset: name, field: 'name', message: `the name is already used by a preset in ${earlier}` });
  }
  return issues;
}

function presetLabel(raw: unknown, position: number): string {
  const name = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).name : undefined;
  return typeof name === 'string' && name !== '' ? name : `#${position}`;
}

function fieldPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The line of the deepest node of `path` that exists (an unknown key points at the key itself). */
function lineOf(doc: Document, path: Array<string | number>, lineCounter: LineCounter): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
