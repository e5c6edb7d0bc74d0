import { parameterPathProblem } from '@acs/cwmp';

import { LIKE_ANY_RUN, LIKE_ONE_CHARACTER, type ComparisonOperator, type FieldRef, type FilterExpr, type Literal, fieldName } from './filter-ast';
import type { FilterVocabulary } from './filter-shape';
import { FilterSyntaxError } from './filter-syntax-error';

// A hand-written recursive-descent parser: the language is a dozen tokens, and error messages that name the
// position and the expected token are the point (parser generators would add a build step for no gain).

type TokenType = 'lparen' | 'rparen' | 'comma' | 'operator' | 'string' | 'number' | 'word' | 'end';

interface Token {
  type: TokenType;
  /** The token as written. */
  text: string;
  start: number;
  /** Decoded value of a string or number token. */
  value?: string | number;
  /**
   * A string token as a LIKE pattern: its value, except that the escapes of the wildcards (`\%` `\_` `\*` `\?`) keep
   * their backslash, so they match the character itself.
   */
  likePattern?: string;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const COMPARISON_OPERATORS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
const OPERATOR_CHOICES = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'];
const VALUE_CHOICES = ['a "string"', 'a number', 'true', 'false'];
const FIELD_CHOICES = ['a field', 'tag', 'a parameter path', 'NOT', '('];
// Escaped in a string, each stands for itself in a LIKE pattern (and is just that character elsewhere).
const LIKE_WILDCARDS: ReadonlySet<string> = new Set([...LIKE_ANY_RUN, ...LIKE_ONE_CHARACTER]);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a filter expression (docs/filter-language.md) over the fields `vocabulary` names. Whitespace only, or an
 * empty string, matches every document. Throws FilterSyntaxError.
 */
export function parseFilter(text: string, vocabulary: FilterVocabulary): FilterExpr {
  return new FilterParser(text, vocabulary).parse();
}

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly vocabulary: FilterVocabulary,
  ) {
    this.tokens = tokenize(text);
  }

  parse(): FilterExpr {
    if (this.peek().type === 'end') return { kind: 'all' };
    const expr = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') {
      const expected = next.type === 'rparen' ? ['AND', 'OR', 'end of filter (unbalanced ")")'] : ['AND', 'OR', 'end of filter'];
      throw this.error(`Expected AND, OR or the end of the filter, found ${describe(next)}`, next, expected);
    }
    return expr;
  }

  private parseOr(): FilterExpr {
    const operands = [this.parseAnd()];
    while (this.acceptKeyword('OR')) operands.push(this.parseAnd());
    return operands.length === 1 ? operands[0] : { kind: 'or', operands: flatten('or', operands) };
  }

  private parseAnd(): FilterExpr {
    const operands = [this.parseNot()];
    while (this.acceptKeyword('AND')) operands.push(this.parseNot());
    return operands.length === 1 ? operands[0] : { kind: 'and', operands: flatten('and', operands) };
  }

  private parseNot(): FilterExpr {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.parseNot() };
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpr {
    const token = this.peek();
    if (token.type === 'lparen') {
      this.index++;
      if (this.peek().type === 'rparen') throw this.error('Empty parentheses: expected a condition inside', this.peek(), FIELD_CHOICES);
      const inner = this.parseOr();
      const close = this.peek();
      if (close.type !== 'rparen') throw this.error(`Expected ")" to close the "(" at position ${token.start + 1}, found ${describe(close)}`, close, [')', 'AND', 'OR']);
      this.index++;
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): FilterExpr {
    const fieldToken = this.peek();
    const field = this.parseField();
    const operatorToken = this.peek();

    if (operatorToken.type === 'operator') {
      this.index++;
      const operator = operatorToken.text as ComparisonOperator;
      const value = this.parseLiteral(field);
      if (field.kind === 'tag' && operator !== '=' && operator !== '!=') {
        throw this.error(`"tag" is a set of names: use =, !=, IN, LIKE or IS NULL with it, not ${operator}`, operatorToken, ['=', '!=', 'IN', 'LIKE']);
      }
      if (operator !== '=' && operator !== '!=' && typeof value === 'boolean') {
        throw this.error(`true and false cannot be ordered: use = or != with them`, operatorToken, ['=', '!=']);
      }
      return { kind: 'compare', field, operator, value };
    }

    if (this.isKeyword(operatorToken, 'IS')) {
      this.index++;
      const negated = this.acceptKeyword('NOT');
      const nullToken = this.peek();
      if (!this.isKeyword(nullToken, 'NULL')) throw this.error(`Expected NULL after ${negated ? 'IS NOT' : 'IS'}, found ${describe(nullToken)}`, nullToken, ['NULL']);
      this.index++;
      return { kind: 'null', field, negated };
    }

    let negated = false;
    if (this.isKeyword(operatorToken, 'NOT')) {
      const after = this.tokens[this.index + 1];
      if (!this.isKeyword(after, 'LIKE') && !this.isKeyword(after, 'IN')) {
        throw this.error(`Expected LIKE or IN after "${fieldName(field)} NOT", found ${describe(after)}`, after, ['NOT LIKE', 'NOT IN']);
      }
      this.index++;
      negated = true;
    }

    const keyword = this.peek();
    if (this.isKeyword(keyword, 'LIKE')) {
      this.index++;
      if (this.isTimeField(field)) throw this.error(`${fieldName(field)} is a time: compare it with <, <=, >, >= or =, not LIKE`, keyword, ['<', '<=', '>', '>=', '=']);
      const patternToken = this.peek();
      if (patternToken.type !== 'string') throw this.error(`LIKE takes a "quoted" pattern (% or * any characters, _ or ? one), found ${describe(patternToken)}`, patternToken, ['a "pattern"']);
      this.index++;
      return { kind: 'like', field, pattern: patternToken.likePattern as string, negated };
    }
    if (this.isKeyword(keyword, 'IN')) {
      this.index++;
      const open = this.peek();
      if (open.type !== 'lparen') throw this.error(`IN takes a list in parentheses, like IN ("a", "b"); found ${describe(open)}`, open, ['(']);
      this.index++;
      if (this.peek().type === 'rparen') throw this.error('IN needs at least one value', this.peek(), VALUE_CHOICES);
      const values = [this.parseLiteral(field)];
      for (;;) {
        const next = this.peek();
        if (next.type === 'rparen') break;
        if (next.type !== 'comma') throw this.error(`Expected "," or ")" in the IN list, found ${describe(next)}`, next, [',', ')']);
        this.index++;
        values.push(this.parseLiteral(field));
      }
      this.index++;
      return { kind: 'in', field, values, negated };
    }

    const hint = operatorToken.type === 'end' ? ` after "${fieldToken.text}"` : '';
    throw this.error(`Expected an operator${hint} (${OPERATOR_CHOICES.join(', ')}), found ${describe(operatorToken)}`, operatorToken, OPERATOR_CHOICES);
  }

  private parseField(): FieldRef {
    const token = this.peek();
    if (token.type !== 'word' || KEYWORDS.has(token.text.toUpperCase())) {
      throw this.error(`Expected a condition (a field, tag or a parameter path), found ${describe(token)}`, token, FIELD_CHOICES);
    }
    this.index++;
    const name = token.text;
    if (!name.includes('.')) {
      if (name === 'tag') return { kind: 'tag' };
      const { fields, examplePath } = this.vocabulary;
      if (fields.includes(name)) return { kind: 'device', name };
      const lower = name.toLowerCase();
      const near =
        lower === 'tags' ? 'tag' : [...fields, 'tag'].find((f) => f.toLowerCase() === lower || (lower.length >= 3 && f.toLowerCase().startsWith(lower)));
      if (near) throw this.error(`Unknown field "${name}": did you mean "${near}"?`, token, [near]);
      throw this.error(`Unknown field "${name}": expected one of ${fields.join(', ')}, tag, or a parameter path such as ${examplePath}`, token, FIELD_CHOICES);
    }
    if (name.endsWith('.')) throw this.error(`"${name}" names an object: a filter compares a parameter's value, so drop the trailing dot and name a parameter`, token, ['a parameter path']);
    const problem = parameterPathProblem(name);
    if (problem !== null) throw this.error(`"${name}" is not a parameter path: ${problem}`, token, ['a parameter path']);
    return { kind: 'parameter', path: name };
  }

  private parseLiteral(field: FieldRef): Literal {
    const token = this.peek();
    let value: Literal;
    if (token.type === 'string' || token.type === 'number') {
      value = token.value as string | number;
    } else if (this.isKeyword(token, 'TRUE') || this.isKeyword(token, 'FALSE')) {
      value = token.text.toUpperCase() === 'TRUE';
    } else if (this.isKeyword(token, 'NULL')) {
      throw this.error('Compare with null using IS NULL or IS NOT NULL', token, ['IS NULL', 'IS NOT NULL']);
    } else {
      throw this.error(`Expected a value (${VALUE_CHOICES.join(', ')}), found ${describe(token)}`, token, VALUE_CHOICES);
    }
    this.index++;
    if (this.isTimeField(field)) {
      if (typeof value === 'boolean') throw this.error(`${fieldName(field)} is a time: compare it with an ISO 8601 timestamp or epoch milliseconds`, token, ['a "timestamp"', 'a number']);
      if (typeof value === 'string') return this.timestamp(value, token, field);
    }
    return value;
  }

  private timestamp(text: string, token: Token, field: FieldRef): number {
    const match = ISO_TIMESTAMP.exec(text);
    // A timestamp without an offset is read as UTC so a filter means the same on every server.
    const ms = match ? Date.parse(match[1] || !text.includes(':') ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`) : NaN;
    if (!Number.isFinite(ms)) {
      throw this.error(`${fieldName(field)} is a time: "${text}" is not an ISO 8601 timestamp like "2024-05-01T12:00:00Z"`, token, ['a "timestamp"', 'a number']);
    }
    return ms;
  }

  private isTimeField(field: FieldRef): boolean {
    return field.kind === 'device' && this.vocabulary.timeFields.includes(field.name);
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token !== undefined && token.type === 'word' && token.text.toUpperCase() === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.index++;
    return true;
  }

  private error(reason: string, token: Token, expected: readonly string[]): FilterSyntaxError {
    return new FilterSyntaxError(reason, token.start, expected, token.type === 'end' ? 'end of filter' : token.text, this.text);
  }
}

function flatten(kind: 'and' | 'or', operands: FilterExpr[]): FilterExpr[] {
  // `a AND (b AND c)` is one conjunction: flat operand lists keep the compiled queries shallow.
  return operands.flatMap((o) => (o.kind === kind ? o.operands : [o]));
}

function describe(token: Token | undefined): string {
  if (!token || token.type === 'end') return 'the end of the filter';
  if (token.type === 'word' && KEYWORDS.has(token.text.toUpperCase())) return `the keyword ${token.text.toUpperCase()}`;
  return `"${token.text}"`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (reason: string, at: number, expected: string[]): never => {
    throw new FilterSyntaxError(reason, at, expected, text.slice(at, at + 1), text);
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, start });
      i++;
      continue;
    }
    if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2);
      if (two === '==') fail('Use = to compare, not ==', i, ['=']);
      if (two === '<>') fail('Use != for "not equal", not <>', i, ['!=']);
      const op = COMPARISON_OPERATORS.includes(two) ? two : c;
      if (op === '!') fail('Expected != ("!" alone is not an operator; use NOT to negate a condition)', i, ['!=', 'NOT']);
      tokens.push({ type: 'operator', text: op, start });
      i += op.length;
      continue;
    }
    if (c === '"') {
      let value = '';
      let likePattern = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('Unterminated string: a closing " is missing', start, ['"']);
        const d = text[i];
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) fail('Unterminated string: a closing " is missing', start, ['"']);
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r' };
          if (e === 'u') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad escape: \\u takes four hexadecimal digits', i, ['\\uXXXX']);
            const char = String.fromCharCode(parseInt(hex, 16));
            value += char;
            likePattern += char;
            i += 6;
            continue;
          }
          if (LIKE_WILDCARDS.has(e)) {
            value += e;
            likePattern += `\\${e}`;
            i += 2;
            continue;
          }
          if (!(e in simple)) fail(`Unknown escape "\\${e}" in a string (use \\" \\\\ \\/ \\n \\t \\r \\uXXXX, or \\% \\_ \\* \\? in a LIKE pattern)`, i, ['\\"', '\\\\', '\\n', '\\t', '\\r', '\\uXXXX', '\\%', '\\_']);
          value += simple[e];
          likePattern += simple[e];
          i += 2;
          continue;
        }
        value += d;
        likePattern += d;
        i++;
      }
      i++;
      tokens.push({ type: 'string', text: text.slice(start, i), start, value, likePattern });
      continue;
    }
    if (c === "'") fail('Strings are written in double quotes ("…"), not single quotes', i, ['"']);
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number && !/[A-Za-z_]/.test(text[i + number[0].length] ?? '')) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) fail(`Number ${number[0]} is out of range`, i, ['a number']);
      tokens.push({ type: 'number', text: number[0], start, value });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*/.exec(text.slice(i));
    if (word) {
      tokens.push({ type: 'word', text: word[0], start });
      i += word[0].length;
      continue;
    }
    fail(`Unexpected character "${c}"`, i, ['a field', 'a value', 'an operator', '(', ')']);
  }
  tokens.push({ type: 'end', text: '', start: text.length });
  return tokens;
}
