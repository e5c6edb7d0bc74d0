/** Skip/limit of a listing, as every service's repositories take it. `limit` 0 returns no items (only the total). */
export interface Page {
  skip: number;
  limit: number;
}

/** One page of a listing. */
export interface Paged<T> {
  items: T[];
  /** How many match the filter, whatever the page. */
  total: number;
}
