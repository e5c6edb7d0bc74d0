import { type FilterExpr, fieldName, likeHasWildcard } from './filter-ast';

// Hints for a person whose filter may not say what they meant. A filter that parses is valid, so these never refuse
// it: the service answers and adds the hints beside the answer. What the text alone shows is here; whether a
// parameter or a tag exists in the data is for the service that owns the documents to ask (filterReferences).

type Condition = Exclude<FilterExpr, { kind: 'all' | 'and' | 'or' | 'not' }>;

/** Hints the filter's text alone gives: a LIKE without a wildcard (perhaps a `*` or `%` forgotten). */
export function filterTextHints(expr: FilterExpr): string[] {
  const hints: string[] = [];
  for (const condition of conditionsOf(expr)) {
    if (condition.kind === 'like' && !likeHasWildcard(condition.pattern)) {
      hints.push(
        `${fieldName(condition.field)} ${condition.negated ? 'NOT ' : ''}LIKE "${condition.pattern}" has no wildcard, so it compares the whole value as = does; ` +
          'use % (or *) for any characters, _ (or ?) for one',
      );
    }
  }
  return unique(hints);
}

/** The parameter paths and the tag names a filter compares with, each once, in the order written. */
export function filterReferences(expr: FilterExpr): { parameterPaths: string[]; tags: string[] } {
  const parameterPaths: string[] = [];
  const tags: string[] = [];
  for (const condition of conditionsOf(expr)) {
    if (condition.field.kind === 'parameter') parameterPaths.push(condition.field.path);
    // Names a tag exactly (`=`, IN); a LIKE or IS NULL on tags names none.
    if (condition.field.kind === 'tag' && condition.kind === 'compare') tags.push(String(condition.value));
    if (condition.field.kind === 'tag' && condition.kind === 'in') tags.push(...condition.values.map(String));
  }
  return { parameterPaths: unique(parameterPaths), tags: unique(tags) };
}

function conditionsOf(expr: FilterExpr): Condition[] {
  switch (expr.kind) {
    case 'all':
      return [];
    case 'and':
    case 'or':
      return expr.operands.flatMap(conditionsOf);
    case 'not':
      return conditionsOf(expr.operand);
    default:
      return [expr];
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
