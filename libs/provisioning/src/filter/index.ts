export {
  DEVICE_FIELDS,
  TIME_FIELDS,
  equalityForms,
  fieldName,
  globToRegExp,
  isTimeField,
  type ComparisonOperator,
  type DeviceField,
  type FieldRef,
  type FilterExpr,
  type Literal,
} from './filter-ast';
export { FilterSyntaxError } from './filter-syntax-error';
export { parseFilter } from './filter-parser';
export { evaluateFilter } from './filter-evaluator';
export { compileFilterToMongo, type FilterCompileOptions, type MongoQuery } from './filter-mongo-compiler';
export {
  UnstorablePathError,
  fromStoredDevice,
  isStorableParameterPath,
  storedFieldPath,
  toStoredDevice,
  type StoredDevice,
  type StoredParameterNode,
  type StoredParameterTree,
} from './storedDeviceShape';
