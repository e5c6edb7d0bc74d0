import { isParameterPath } from '@acs/cwmp';

import type { DeviceRecord } from '../domain/device';
import { DEVICE_TEXT_FIELDS, type DeviceTextField } from '../domain/device-fields';

// Values in presets may be templates: `pppoe-{{lower serialNumber}}`, `{{param "Device.DeviceInfo.ModelName"}}`.
// A dozen lines of grammar, written here because a general template engine (Handlebars, Mustache) would bring
// partials, HTML escaping and arbitrary helpers that a preset must not have; this one only reads the device.
//
//   template := (text | "{{" expr "}}")*
//   expr     := helper arg+ | arg
//   arg      := name | "string" | integer | "(" expr ")"
//   helper   := lower | upper | substr | param

export type TemplateErrorCode = 'syntax' | 'unknown-name' | 'unknown-helper' | 'bad-arguments' | 'missing-value';

/** A template that cannot be parsed, names something unknown, or needs a value the device record lacks. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly template: string,
    /** For `missing-value`: the device field or parameter path whose value is unknown. */
    readonly missing?: string,
  ) {
    super(`${message} in template "${template}"`);
  }
}

/** Device fields a template can name: the text ones a filter can name too. */
export const TEMPLATE_FIELDS: readonly DeviceTextField[] = DEVICE_TEXT_FIELDS;
type TemplateField = DeviceTextField;

const HELPERS = ['lower', 'upper', 'substr', 'param'] as const;
type Helper = (typeof HELPERS)[number];

type TemplateExpr =
  | { kind: 'field'; name: TemplateField }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; helper: Helper; args: TemplateExpr[] };

type Part = string | TemplateExpr;

export interface CompiledTemplate {
  readonly source: string;
  /** Parameter paths the template reads with `param`. */
  readonly parameters: readonly string[];
  /** Device fields the template reads. */
  readonly fields: readonly string[];
  render(device: DeviceRecord): string;
}

/** Whether a value is a template (contains `{{`); anything else is used as written. */
export function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/** Parses and checks a template without a device: syntax, names and helper arguments. Throws TemplateError. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts = parseTemplate(source);
  const parameters = new Set<string>();
  const fields = new Set<string>();
  const visit = (expr: TemplateExpr): void => {
    if (expr.kind === 'field') fields.add(expr.name);
    if (expr.kind === 'call') {
      if (expr.helper === 'param' && expr.args[0].kind === 'string') parameters.add(expr.args[0].value);
      expr.args.forEach(visit);
    }
  };
  for (const part of parts) if (typeof part !== 'string') visit(part);
  return {
    source,
    parameters: [...parameters],
    fields: [...fields],
    render: (device) => parts.map((part) => (typeof part === 'string' ? part : String(evaluate(part, device, source)))).join(''),
  };
}

const compiledCache = new Map<string, CompiledTemplate>();

/**
 * Renders a preset value for a device. Strings with `{{…}}` are rendered; any other value (plain strings, numbers,
 * booleans) is returned unchanged. Throws TemplateError (`missing-value` when the device lacks a value it needs).
 */
export function renderTemplate<T extends string | number | boolean>(value: T, device: DeviceRecord): T | string {
  if (!isTemplate(value)) return value;
  let compiled = compiledCache.get(value);
  if (!compiled) {
    compiled = compileTemplate(value);
    // Presets are few and stable; the bound only guards against unbounded growth from ad-hoc callers.
    if (compiledCache.size >= 1000) compiledCache.clear();
    compiledCache.set(value, compiled);
  }
  return compiled.render(device);
}

function evaluate(expr: TemplateExpr, device: DeviceRecord, source: string): string | number {
  switch (expr.kind) {
    case 'string':
    case 'number':
      return expr.value;
    case 'field': {
      const value = device[expr.name];
      if (value === undefined || value === '') throw new TemplateError('missing-value', `The device has no ${expr.name}`, source, expr.name);
      return value;
    }
    case 'call': {
      const args = expr.args.map((a) => evaluate(a, device, source));
      switch (expr.helper) {
        case 'lower':
          return String(args[0]).toLowerCase();
        case 'upper':
          return String(args[0]).toUpperCase();
        case 'substr': {
          const text = String(args[0]);
          const start = Number(args[1]);
          return args.length > 2 ? text.slice(start, start + Number(args[2])) : text.slice(start);
        }
        case 'param': {
          const path = String(args[0]);
          const value = device.parameters[path]?.value;
          if (value === undefined) throw new TemplateError('missing-value', `The value of ${path} is not known`, source, path);
          return typeof value === 'boolean' ? String(value) : value;
        }
      }
    }
  }
}

function parseTemplate(source: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open === -1) {
      parts.push(source.slice(i));
      break;
    }
    if (open > i) parts.push(source.slice(i, open));
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError('syntax', `"{{" at position ${open + 1} is never closed with "}}"`, source);
    parts.push(parseExpression(source.slice(open + 2, close), source));
    i = close + 2;
  }
  const stray = parts.find((p): p is string => typeof p === 'string' && p.includes('}}'));
  if (stray !== undefined) throw new TemplateError('syntax', `"}}" without a matching "{{"`, source);
  return parts;
}

type Token = { type: 'word' | 'string' | 'number' | 'lparen' | 'rparen'; text: string; value?: string | number };

function parseExpression(inner: string, source: string): TemplateExpr {
  const tokens = tokenize(inner, source);
  if (tokens.length === 0) throw new TemplateError('syntax', 'Empty "{{}}"', source);
  let index = 0;

  const parseExpr = (): TemplateExpr => {
    const first = tokens[index];
    if (first.type === 'word' && (HELPERS as readonly string[]).includes(first.text)) {
      index++;
      const args: TemplateExpr[] = [];
      while (index < tokens.length && tokens[index].type !== 'rparen') args.push(parseArg());
      return checkCall(first.text as Helper, args, source);
    }
    const next = tokens[index + 1];
    if (first.type === 'word' && !(TEMPLATE_FIELDS as readonly string[]).includes(first.text) && next !== undefined && next.type !== 'rparen') {
      throw new TemplateError('unknown-helper', `Unknown helper "${first.text}": use one of ${HELPERS.join(', ')}`, source);
    }
    return parseArg();
  };

  const parseArg = (): TemplateExpr => {
    const token = tokens[index++];
    switch (token.type) {
      case 'string':
        return { kind: 'string', value: token.value as string };
      case 'number':
        return { kind: 'number', value: token.value as number };
      case 'lparen': {
        if (tokens[index]?.type === 'rparen') throw new TemplateError('syntax', 'Empty "()"', source);
        const expr = parseExpr();
        if (tokens[index]?.type !== 'rparen') throw new TemplateError('syntax', 'Missing ")"', source);
        index++;
        return expr;
      }
      case 'rparen':
        throw new TemplateError('syntax', 'Unexpected ")"', source);
      case 'word': {
        if ((TEMPLATE_FIELDS as readonly string[]).includes(token.text)) return { kind: 'field', name: token.text as TemplateField };
        if ((HELPERS as readonly string[]).includes(token.text)) {
          throw new TemplateError('syntax', `Helper "${token.text}" used as a value: wrap it in parentheses, e.g. (${token.text} …)`, source);
        }
        throw new TemplateError(
          'unknown-name',
          `Unknown name "${token.text}": use one of ${TEMPLATE_FIELDS.join(', ')}, or a helper (${HELPERS.join(', ')})`,
          source,
        );
      }
    }
  };

  const expr = parseExpr();
  if (index < tokens.length) throw new TemplateError('syntax', `Unexpected "${tokens[index].text}" in "{{${inner}}}"`, source);
  return expr;
}

function checkCall(helper: Helper, args: TemplateExpr[], source: string): TemplateExpr {
  const bad = (message: string): never => {
    throw new TemplateError('bad-arguments', `${helper}: ${message}`, source);
  };
  switch (helper) {
    case 'lower':
    case 'upper':
      if (args.length !== 1) bad('takes one value, e.g. {{' + helper + ' serialNumber}}');
      break;
    case 'substr':
      if (args.length !== 2 && args.length !== 3) bad('takes a value, a start and an optional length, e.g. {{substr serialNumber 0 6}}');
      for (const n of args.slice(1)) {
        if (n.kind !== 'number' || !Number.isInteger(n.value) || n.value < 0) bad('start and length must be whole numbers ≥ 0');
      }
      break;
    case 'param':
      if (args.length !== 1 || args[0].kind !== 'string') bad('takes one "quoted" parameter path, e.g. {{param "Device.DeviceInfo.ModelName"}}');
      // A full path: a name first (the root object), then at least one more segment.
      if (args[0].kind === 'string' && !(isParameterPath(args[0].value) && /^[A-Za-z][^.]*\./.test(args[0].value))) {
        bad(`"${args[0].value}" is not a parameter path`);
      }
      break;
  }
  return { kind: 'call', helper, args };
}

function tokenize(inner: string, source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', text: c });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\' && i + 1 < inner.length) i++;
        value += inner[i++];
      }
      if (i >= inner.length) throw new TemplateError('syntax', 'Unterminated string', source);
      i++;
      tokens.push({ type: 'string', text: JSON.stringify(value), value });
    } else {
      const word = /^[A-Za-z0-9_.-]+/.exec(inner.slice(i));
      if (!word) throw new TemplateError('syntax', `Unexpected character "${c}"`, source);
      const text = word[0];
      tokens.push(/^-?\d+$/.test(text) ? { type: 'number', text, value: Number(text) } : { type: 'word', text });
      i += text.length;
    }
  }
  return tokens;
}
