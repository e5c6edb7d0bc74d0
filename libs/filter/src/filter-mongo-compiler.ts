import { type FieldRef, type FilterExpr, type Literal, equalityForms, likePatternToRegExp } from './filter-ast';
import type { FilterStoredShape } from './filter-shape';

// Compiles a filter to a query document on a stored shape (the keys come from FilterStoredShape), using only operators that
// MongoDB, FerretDB 1.24 and nedb all implement alike: $and, $or, $in, $nin, $lt/$lte/$gt/$gte, $exists, $regex.
//
// Negation is the one thing they do not share: MongoDB and FerretDB negate a whole condition with $nor and have no
// top-level $not, nedb has a top-level $not and no $nor. Conditions whose negation can be written with the shared
// operators (`!=` → $nin, `IS NOT NULL` → $exists) use them; NOT, and `!=`/NOT IN/NOT LIKE on the tag array (where
// nedb's per-element matching makes $nin mean "some element is not in"), use the dialect's negation.

export type MongoQuery = Record<string, unknown>;

export interface FilterCompileOptions {
  /** `mongodb` (also FerretDB) negates with $nor, `nedb` with $not. Default `mongodb`. */
  dialect?: 'mongodb' | 'nedb';
}

/** A query document selecting the stored documents `evaluateFilter(expr, document, shape)` accepts. */
export function compileFilterToMongo(expr: FilterExpr, shape: FilterStoredShape, options: FilterCompileOptions = {}): MongoQuery {
  return new FilterMongoCompiler(shape, options.dialect ?? 'mongodb').compile(expr);
}

class FilterMongoCompiler {
  private readonly tagsKey: string;

  constructor(
    private readonly shape: FilterStoredShape,
    private readonly dialect: 'mongodb' | 'nedb',
  ) {
    this.tagsKey = shape.storedKey({ kind: 'tag' });
  }

  compile(expr: FilterExpr): MongoQuery {
    switch (expr.kind) {
      case 'all':
        return {};
      case 'and':
        return { $and: expr.operands.map((o) => this.compile(o)) };
      case 'or':
        return { $or: expr.operands.map((o) => this.compile(o)) };
      case 'not':
        return this.negate(this.compile(expr.operand));
      case 'compare':
        return this.compare(expr);
      case 'in': {
        const forms = expr.values.flatMap(equalityForms);
        if (expr.field.kind === 'tag') {
          const member = { [this.tagsKey]: { $in: forms } };
          return expr.negated ? this.negate(member) : member;
        }
        const key = this.shape.storedKey(expr.field);
        return expr.negated ? { [key]: { $nin: forms, $exists: true } } : { [key]: { $in: forms } };
      }
      case 'like': {
        const key = this.shape.storedKey(expr.field);
        const matches = { [key]: { $regex: likePatternToRegExp(expr.pattern) } };
        if (!expr.negated) return matches;
        if (expr.field.kind === 'tag') return this.negate(matches);
        return { $and: [{ [key]: { $exists: true } }, this.negate(matches)] };
      }
      case 'null':
        return this.isNull(expr.field, expr.negated);
    }
  }

  private compare(expr: Extract<FilterExpr, { kind: 'compare' }>): MongoQuery {
    const key = this.shape.storedKey(expr.field);
    if (expr.field.kind === 'tag') {
      const member = { [this.tagsKey]: equalsQuery(expr.value) };
      return expr.operator === '=' ? member : this.negate(member);
    }
    switch (expr.operator) {
      case '=':
        return { [key]: equalsQuery(expr.value) };
      case '!=':
        // $nin alone also matches a missing field; an unknown value is never "not equal".
        return { [key]: { $nin: equalityForms(expr.value), $exists: true } };
      case '<':
        return { [key]: { $lt: expr.value } };
      case '<=':
        return { [key]: { $lte: expr.value } };
      case '>':
        return { [key]: { $gt: expr.value } };
      case '>=':
        return { [key]: { $gte: expr.value } };
    }
  }

  private isNull(field: FieldRef, negated: boolean): MongoQuery {
    // An empty tag list counts as "no tag": test for a first element rather than for the array itself.
    const key = field.kind === 'tag' ? `${this.tagsKey}.0` : this.shape.storedKey(field);
    return { [key]: { $exists: negated } };
  }

  private negate(query: MongoQuery): MongoQuery {
    return this.dialect === 'nedb' ? { $not: query } : { $nor: [query] };
  }
}

function equalsQuery(value: Literal): unknown {
  const forms = equalityForms(value);
  return forms.length === 1 ? forms[0] : { $in: forms };
}
