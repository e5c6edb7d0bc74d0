import type { DeviceRecord } from '../domain/device';
import { type FieldRef, type FilterExpr, type Literal, equalityForms, globToRegExp } from './filter-ast';

// The in-memory meaning of a filter. compileFilterToMongo must give the same answers on the stored shape; the
// equivalence spec runs both over the same devices.

type FieldValue = string | number | boolean | undefined;

const likeCache = new WeakMap<FilterExpr, RegExp>();

/** Whether `device` matches `expr`. A condition on an unknown value is false, except IS NULL; NOT negates. */
export function evaluateFilter(expr: FilterExpr, device: DeviceRecord): boolean {
  switch (expr.kind) {
    case 'all':
      return true;
    case 'and':
      return expr.operands.every((o) => evaluateFilter(o, device));
    case 'or':
      return expr.operands.some((o) => evaluateFilter(o, device));
    case 'not':
      return !evaluateFilter(expr.operand, device);
    case 'compare': {
      if (expr.field.kind === 'tag') {
        const member = hasTagIn(device, equalityForms(expr.value));
        return expr.operator === '=' ? member : !member;
      }
      const value = valueOf(expr.field, device);
      if (value === undefined) return false;
      switch (expr.operator) {
        case '=':
          return equalityForms(expr.value).includes(value);
        case '!=':
          return !equalityForms(expr.value).includes(value);
        case '<':
          return comparable(value, expr.value) && value < expr.value;
        case '<=':
          return comparable(value, expr.value) && value <= expr.value;
        case '>':
          return comparable(value, expr.value) && value > expr.value;
        case '>=':
          return comparable(value, expr.value) && value >= expr.value;
      }
      break;
    }
    case 'in': {
      const forms = expr.values.flatMap(equalityForms);
      if (expr.field.kind === 'tag') return hasTagIn(device, forms) !== expr.negated;
      const value = valueOf(expr.field, device);
      if (value === undefined) return false;
      return forms.includes(value) !== expr.negated;
    }
    case 'like': {
      const regex = likeRegExp(expr);
      if (expr.field.kind === 'tag') return device.tags.some((t) => regex.test(t)) !== expr.negated;
      const value = valueOf(expr.field, device);
      if (value === undefined) return false;
      // LIKE matches text only (as MongoDB's $regex does): a number is never LIKE anything.
      const matched = typeof value === 'string' && regex.test(value);
      return matched !== expr.negated;
    }
    case 'null': {
      const known = expr.field.kind === 'tag' ? device.tags.length > 0 : valueOf(expr.field, device) !== undefined;
      return known === expr.negated;
    }
  }
}

function valueOf(field: FieldRef, device: DeviceRecord): FieldValue {
  switch (field.kind) {
    case 'device':
      return device[field.name];
    case 'parameter':
      return device.parameters[field.path]?.value;
    case 'tag':
      return undefined;
  }
}

function hasTagIn(device: DeviceRecord, forms: Literal[]): boolean {
  return device.tags.some((t) => forms.includes(t));
}

/** Ordering compares numbers with numbers and strings with strings, never across types (MongoDB's type brackets). */
function comparable(value: string | number | boolean, literal: Literal): boolean {
  return typeof value === typeof literal && typeof value !== 'boolean';
}

function likeRegExp(expr: Extract<FilterExpr, { kind: 'like' }>): RegExp {
  let regex = likeCache.get(expr);
  if (!regex) {
    regex = globToRegExp(expr.pattern);
    likeCache.set(expr, regex);
  }
  return regex;
}
