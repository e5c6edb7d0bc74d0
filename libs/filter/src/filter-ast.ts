// The parsed form of a filter (docs/filter-language.md). Produced by parseFilter, consumed by evaluateFilter and
// compileFilterToMongo, which must agree on every node's meaning. Nothing here knows which documents are filtered:
// the fields that exist and where they are stored come from a FilterShape (filter-shape.ts).

export type FieldRef =
  /**
   * A named field of the document, one of its shape's `fields` (`serialNumber`, `version`…). The kind is `device`
   * because devices were the first documents filtered; it means "a top-level field" for every shape.
   */
  | { kind: 'device'; name: string }
  /** The document's tag set: `tag = "x"` is membership. */
  | { kind: 'tag' }
  /** A parameter's value, by full path without a trailing dot. */
  | { kind: 'parameter'; path: string };

export type Literal = string | number | boolean;

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
  /** The empty filter: every document. */
  | { kind: 'all' }
  | { kind: 'and'; operands: FilterExpr[] }
  | { kind: 'or'; operands: FilterExpr[] }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'compare'; field: FieldRef; operator: ComparisonOperator; value: Literal }
  | { kind: 'in'; field: FieldRef; values: Literal[]; negated: boolean }
  /**
   * `pattern` as written, string escapes decoded: `%` or `*` any run of characters, `_` or `?` one character, `\`
   * takes the next character literally (likePatternToRegExp).
   */
  | { kind: 'like'; field: FieldRef; pattern: string; negated: boolean }
  | { kind: 'null'; field: FieldRef; negated: boolean };

/**
 * The values a literal is equal to. Devices report the same value as a number (xsd:int) or a string (xsd:string)
 * depending on the model, so `=`, `!=` and `IN` accept both spellings of an integer and of a boolean. Ordering
 * (`<`, `>`…) does not: it compares numbers with numbers and strings with strings only, as MongoDB does.
 */
export function equalityForms(value: Literal): Literal[] {
  if (typeof value === 'number') return [value, String(value)];
  if (typeof value === 'boolean') return [value, String(value)];
  // CWMP numbers are integers (int, unsignedInt, long, unsignedLong): only an integer string has a numeric twin, so a
  // version such as "1.2" stays a string.
  const n = Number(value);
  return /^-?\d+$/.test(value) && Number.isSafeInteger(n) && String(n) === value ? [value, n] : [value];
}

/** LIKE wildcards: a run of any characters (SQL's `%`, the glob's `*`) and one character (`_`, `?`). */
export const LIKE_ANY_RUN = ['%', '*'] as const;
export const LIKE_ONE_CHARACTER = ['_', '?'] as const;
const ANY_RUN: ReadonlySet<string> = new Set(LIKE_ANY_RUN);
const ONE_CHARACTER: ReadonlySet<string> = new Set(LIKE_ONE_CHARACTER);

/** Whether a LIKE pattern has a wildcard that is not escaped (a pattern without one only matches the whole text). */
export function likeHasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (ANY_RUN.has(c) || ONE_CHARACTER.has(c)) return true;
  }
  return false;
}

/**
 * The pattern of a LIKE as an anchored regular expression that MongoDB (PCRE), FerretDB (RE2), SQLite's REGEXP and
 * JavaScript agree on. A pattern ending in any-run wildcards compiles to the bare prefix form `^abc`, with no
 * trailing `[\s\S]*$`: MongoDB reads index bounds off a leading literal either way, but matches `^abc` without
 * scanning the rest of each value, and PCRE's `$` (which also matches before a final newline) is not involved.
 */
export function likePatternToRegExp(pattern: string): RegExp {
  let source = '^';
  // Whether the source ends with an any-run wildcard: consecutive ones are one, a final one is dropped.
  let endsWithRun = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (ANY_RUN.has(c)) {
      // [\s\S] rather than `.` with the `s` flag: the MongoDB driver does not carry the dotAll flag into BSON.
      if (!endsWithRun) source += ANY_RUN_SOURCE;
      endsWithRun = true;
      continue;
    }
    endsWithRun = false;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExpChar(pattern[++i]);
    else if (ONE_CHARACTER.has(c)) source += '[\\s\\S]';
    else source += escapeRegExpChar(c);
  }
  return endsWithRun ? new RegExp(source.slice(0, -ANY_RUN_SOURCE.length)) : new RegExp(`${source}$`);
}

const ANY_RUN_SOURCE = '[\\s\\S]*';

function escapeRegExpChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** A field whose value is read as a scalar: a named field or a parameter (the tag set is not one). */
export type ValueFieldRef = Exclude<FieldRef, { kind: 'tag' }>;

/** A human-readable name of a field, for messages. */
export function fieldName(field: FieldRef): string {
  switch (field.kind) {
    case 'device':
      return field.name;
    case 'tag':
      return 'tag';
    case 'parameter':
      return field.path;
  }
}

/**
 * `text` as a string literal of the filter language, for filters a program writes (`id = "…"`, `id IN (…)`): the
 * backslash and the double quote escaped, everything else as it is (an `=` or `IN` compares it literally).
 */
export function filterStringLiteral(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
