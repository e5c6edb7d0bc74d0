import { type FieldRef, type FilterExpr, type Literal, equalityForms, likePatternToRegExp } from './filter-ast';
import type { FilterDocumentReader, FilterValue } from './filter-shape';

// The in-memory meaning of a filter. compileFilterToMongo must give the same answers on the stored shape; an
// equivalence spec per shape runs both over the same documents (filter-equivalence.spec.ts here, and provisioning's
// over its devices).

const likeCache = new WeakMap<FilterExpr, RegExp>();

/** Whether `document` matches `expr`. A condition on an unknown value is false, except IS NULL; NOT negates. */
export function evaluateFilter<D>(expr: FilterExpr, document: D, reader: FilterDocumentReader<D>): boolean {
  const valueOf = (field: FieldRef): FilterValue => (field.kind === 'tag' ? undefined : reader.valueOf(document, field));
  const tags = (): readonly string[] => reader.tagsOf(document);
  const hasTagIn = (forms: Literal[]): boolean => tags().some((t) => forms.includes(t));
  const matches = (e: FilterExpr): boolean => {
    switch (e.kind) {
      case 'all':
        return true;
      case 'and':
        return e.operands.every(matches);
      case 'or':
        return e.operands.some(matches);
      case 'not':
        return !matches(e.operand);
      case 'compare': {
        if (e.field.kind === 'tag') {
          const member = hasTagIn(equalityForms(e.value));
          return e.operator === '=' ? member : !member;
        }
        const value = valueOf(e.field);
        if (value === undefined) return false;
        switch (e.operator) {
          case '=':
            return equalityForms(e.value).includes(value);
          case '!=':
            return !equalityForms(e.value).includes(value);
          case '<':
            return comparable(value, e.value) && value < e.value;
          case '<=':
            return comparable(value, e.value) && value <= e.value;
          case '>':
            return comparable(value, e.value) && value > e.value;
          case '>=':
            return comparable(value, e.value) && value >= e.value;
        }
        break;
      }
      case 'in': {
        const forms = e.values.flatMap(equalityForms);
        if (e.field.kind === 'tag') return hasTagIn(forms) !== e.negated;
        const value = valueOf(e.field);
        if (value === undefined) return false;
        return forms.includes(value) !== e.negated;
      }
      case 'like': {
        const regex = likeRegExp(e);
        if (e.field.kind === 'tag') return tags().some((t) => regex.test(t)) !== e.negated;
        const value = valueOf(e.field);
        if (value === undefined) return false;
        // LIKE matches text only (as MongoDB's $regex does): a number is never LIKE anything.
        const matched = typeof value === 'string' && regex.test(value);
        return matched !== e.negated;
      }
      case 'null': {
        const known = e.field.kind === 'tag' ? tags().length > 0 : valueOf(e.field) !== undefined;
        return known === e.negated;
      }
    }
  };
  return matches(expr);
}

/** Ordering compares numbers with numbers and strings with strings, never across types (MongoDB's type brackets). */
function comparable(value: string | number | boolean, literal: Literal): boolean {
  return typeof value === typeof literal && typeof value !== 'boolean';
}

function likeRegExp(expr: Extract<FilterExpr, { kind: 'like' }>): RegExp {
  let regex = likeCache.get(expr);
  if (!regex) {
    regex = likePatternToRegExp(expr.pattern);
    likeCache.set(expr, regex);
  }
  return regex;
}
