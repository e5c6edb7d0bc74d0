import type { XsdType } from '@acs/cwmp';
import { ValidationError, type FieldViolation } from '@acs/platform';
import { diagnosticsOf, type DataModelRoot, type DiagnosticsKind, type DiagnosticsObject, type InputParameter } from './diagnostics-catalog';

/** One value of the SetParameterValues that starts a test (the shape of provisioning's setParameterValues task). */
export interface DiagnosticsSetValue {
  path: string;
  value: string | number | boolean;
  type: XsdType;
}

/** What a caller gives: input parameter name → value (`{ Host: '192.0.2.1', NumberOfRepetitions: 3 }`). */
export type DiagnosticsInputs = Readonly<Record<string, unknown>>;

const UNSIGNED_INT_MAX = 4294967295;

/**
 * The SetParameterValues that starts a test: the inputs given (and the defaults of those omitted), typed, in catalog
 * order, then `DiagnosticsState=Requested` last — a CPE that applies the values in order starts the test only once
 * every input is in place. Every bad input is reported at once as a field violation (`inputs.<Name>`).
 */
export function requestValues(kind: DiagnosticsKind, root: DataModelRoot, inputs: DiagnosticsInputs): DiagnosticsSetValue[] {
  const diagnostics = requireDiagnostics(kind, root);
  const violations: FieldViolation[] = [];
  const known = new Map(diagnostics.inputs.map((input) => [input.name, input]));
  for (const name of Object.keys(inputs)) {
    if (name === diagnostics.stateParameter) {
      violations.push(violation(name, `${name} is set by the ACS to Requested, not given`, 'NOT_SETTABLE'));
    } else if (!known.has(name)) {
      violations.push(violation(name, `not an input of ${diagnostics.path} (inputs: ${[...known.keys()].join(', ')})`, 'UNKNOWN_PARAMETER'));
    }
  }
  const values: DiagnosticsSetValue[] = [];
  for (const input of diagnostics.inputs) {
    const given = present(inputs[input.name]) ? inputs[input.name] : undefined;
    if (given === undefined) {
      if (input.required) violations.push(violation(input.name, 'required', 'REQUIRED'));
      else if (input.default !== undefined) values.push({ path: diagnostics.path + input.name, value: input.default, type: input.type });
      continue;
    }
    const checked = checkInput(input, given);
    if ('problem' in checked) violations.push(violation(input.name, checked.problem, checked.reason));
    else values.push({ path: diagnostics.path + input.name, value: checked.value, type: input.type });
  }
  const oneOf = diagnostics.requireOneOf;
  if (oneOf && !oneOf.some((name) => present(inputs[name]))) {
    violations.push(violation(oneOf[0], `one of ${oneOf.join(', ')} is required`, 'REQUIRED'));
  }
  if (violations.length > 0) {
    throw new ValidationError(`invalid ${kind} diagnostics inputs: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, violations);
  }
  values.push({ path: diagnostics.path + diagnostics.stateParameter, value: 'Requested', type: 'string' });
  return values;
}

/** The catalog entry, or a ValidationError naming the kind the device's model lacks. */
export function requireDiagnostics(kind: DiagnosticsKind, root: DataModelRoot): DiagnosticsObject {
  const diagnostics = diagnosticsOf(kind, root);
  if (!diagnostics) {
    throw ValidationError.forField('kind', `the ${root} data model has no ${kind} diagnostics`, 'NOT_IN_DATA_MODEL');
  }
  return diagnostics;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function violation(name: string, description: string, reason: string): FieldViolation {
  return { field: `inputs.${name}`, description, reason };
}

type Checked = { value: string | number | boolean } | { problem: string; reason: string };

function checkInput(input: InputParameter, given: unknown): Checked {
  switch (input.type) {
    case 'string':
      return checkString(input, given);
    case 'boolean':
      return checkBoolean(given);
    case 'unsignedInt':
      return checkUnsigned(input, given, UNSIGNED_INT_MAX);
    case 'unsignedLong':
      return checkUnsigned(input, given, Number.MAX_SAFE_INTEGER);
  }
}

function checkString(input: InputParameter, given: unknown): Checked {
  let text: string;
  if (input.list && Array.isArray(given) && given.every((item) => typeof item === 'string')) {
    const items = given.map((item) => item.trim());
    if (items.some((item) => item === '' || item.includes(','))) return { problem: 'list items must be non-empty and hold no comma', reason: 'BAD_FORMAT' };
    text = items.join(',');
  } else if (typeof given === 'string') {
    text = given.trim();
  } else {
    return { problem: input.list ? 'must be a string or a list of strings' : 'must be a string', reason: 'BAD_FORMAT' };
  }
  if (input.required && text === '') return { problem: 'required', reason: 'REQUIRED' };
  if (input.maxLength !== undefined && text.length > input.maxLength) {
    return { problem: `at most ${input.maxLength} characters (got ${text.length})`, reason: 'OUT_OF_RANGE' };
  }
  if (input.enumeration && !input.enumeration.includes(text)) {
    return { problem: `must be one of ${input.enumeration.join(', ')}`, reason: 'NOT_ALLOWED' };
  }
  return { value: text };
}

function checkBoolean(given: unknown): Checked {
  if (typeof given === 'boolean') return { value: given };
  if (typeof given === 'string') {
    const lower = given.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return { value: true };
    if (lower === 'false' || lower === '0') return { value: false };
  }
  return { problem: 'must be true or false', reason: 'BAD_FORMAT' };
}

function checkUnsigned(input: InputParameter, given: unknown, max: number): Checked {
  const n = typeof given === 'number' ? given : typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) return { problem: `must be a whole number from 0 to ${max}`, reason: 'BAD_FORMAT' };
  const low = input.min ?? 0;
  const high = input.max ?? max;
  if (n < low || n > high) {
    const unit = input.unit ? ` ${input.unit}` : '';
    return { problem: `must be from ${low} to ${high}${unit} (got ${n})`, reason: 'OUT_OF_RANGE' };
  }
  return { value: n };
}
