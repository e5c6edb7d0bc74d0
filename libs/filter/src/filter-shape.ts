import type { FieldRef, ValueFieldRef } from './filter-ast';

// What the filter language needs to know of the documents it filters, supplied by the service that owns them (the
// language itself knows no document): provisioning passes its device shape, a grouping or firmware service its own.
// Split in three so each step asks only for what it uses: the parser the vocabulary, the evaluator how to read a
// document in memory, the compiler where each field is stored.

/** The names a filter may use, for parseFilter. */
export interface FilterVocabulary {
  /** Fields a filter names with a bare word (`serialNumber = "X"`), besides `tag` and dotted parameter paths. */
  readonly fields: readonly string[];
  /** Those of `fields` holding epoch milliseconds: compared with ISO 8601 timestamps or numbers, never with LIKE. */
  readonly timeFields: readonly string[];
  /** A parameter path shown in error messages as an example (`Device.DeviceInfo.SoftwareVersion`). */
  readonly examplePath: string;
}

/** A value as a filter sees it; undefined is "unknown" (IS NULL). */
export type FilterValue = string | number | boolean | undefined;

/** How a document is read in memory, for evaluateFilter. */
export interface FilterDocumentReader<D> {
  /** The value of a named field or a parameter of `document`, undefined when unknown. */
  valueOf(document: D, field: ValueFieldRef): FilterValue;
  /** The document's tags (empty when it has none, or its kind has no tags). */
  tagsOf(document: D): readonly string[];
}

/** Where a document's fields are stored, for compileFilterToMongo. */
export interface FilterStoredShape {
  /**
   * The dotted key a field is stored at: a named field's, the tag array's (an array of strings), a parameter's
   * value. The stored value must be the one `valueOf` reads, so both give the same answers.
   */
  storedKey(field: FieldRef): string;
}

/** Everything a service supplies to filter its documents: in memory, in MongoDB / FerretDB / nedb, or both. */
export interface FilterShape<D> extends FilterVocabulary, FilterDocumentReader<D>, FilterStoredShape {}
