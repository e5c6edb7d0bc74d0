export { equalityForms, fieldName, filterStringLiteral, likeHasWildcard, likePatternToRegExp, type ComparisonOperator, type FieldRef, type FilterExpr, type Literal, type ValueFieldRef } from './filter-ast';
export type { FilterDocumentReader, FilterShape, FilterStoredShape, FilterValue, FilterVocabulary } from './filter-shape';
export { FilterSyntaxError } from './filter-syntax-error';
export { parseFilter } from './filter-parser';
export { evaluateFilter } from './filter-evaluator';
export { compileFilterToMongo, type FilterCompileOptions, type MongoQuery } from './filter-mongo-compiler';
export { filterReferences, filterTextHints } from './filter-hints';
