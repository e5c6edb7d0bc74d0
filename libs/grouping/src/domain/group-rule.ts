import { FilterSyntaxError, parseFilter, type FilterExpr } from '@acs/filter';
import { ValidationError } from '@acs/platform';

import { DEVICE_VOCABULARY } from './device-view';

/**
 * A dynamic group's filter, parsed once, with the keys of what it reads: `field:<name>`, `param:<path>` and `tag`.
 * The keys index groups by what a device change can affect (GroupDirectory.affectedBy): a device event that reports
 * a changed parameter re-evaluates only the groups whose filter names it.
 */
export interface GroupRule {
  expr: FilterExpr;
  keys: readonly string[];
}

/** Parses a group filter; a ValidationError on `field` naming the position and what was expected when it does not parse. */
export function parseGroupRule(filter: string, field = 'filter'): GroupRule {
  let expr: FilterExpr;
  try {
    expr = parseFilter(filter, DEVICE_VOCABULARY);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw ValidationError.forField(field, error.message, 'BAD_FORMAT');
    throw error;
  }
  return { expr, keys: referenceKeys(expr) };
}

/** The keys of everything a filter reads: named fields, parameters, and the tag set. */
export function referenceKeys(expr: FilterExpr): string[] {
  const keys = new Set<string>();
  const visit = (e: FilterExpr): void => {
    switch (e.kind) {
      case 'all':
        return;
      case 'and':
      case 'or':
        return e.operands.forEach(visit);
      case 'not':
        return visit(e.operand);
      default:
        if (e.field.kind === 'tag') keys.add('tag');
        else if (e.field.kind === 'parameter') keys.add(`param:${e.field.path}`);
        else keys.add(`field:${e.field.name}`);
    }
  };
  visit(expr);
  return [...keys];
}

/** The parameter paths among reference keys (what to ask provisioning for). */
export function parameterPathsOf(keys: Iterable<string>): string[] {
  const paths: string[] = [];
  for (const key of keys) if (key.startsWith('param:')) paths.push(key.slice('param:'.length));
  return paths;
}
