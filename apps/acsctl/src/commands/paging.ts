/** How much of a paged list to fetch: `--limit N` items (default one server page) or `--all`. */
export interface PageScope {
  limit?: number;
  all: boolean;
}

export interface CollectedPages<T> {
  items: T[];
  /** The server has more than was fetched. */
  more: boolean;
}

// The API caps a page at 1000 (values.proto).
const MAX_PAGE_SIZE = 1000;
const DEFAULT_LIMIT = 100;

/** Follows `next_page_token` until the scope is filled or the list ends. */
export async function collectPages<T>(
  scope: PageScope,
  fetchPage: (pageToken: string, pageSize: number) => Promise<{ items: T[]; nextPageToken: string }>,
): Promise<CollectedPages<T>> {
  const limit = scope.all ? Infinity : (scope.limit ?? DEFAULT_LIMIT);
  const items: T[] = [];
  let pageToken = '';
  for (;;) {
    const pageSize = Math.min(MAX_PAGE_SIZE, limit - items.length);
    const page = await fetchPage(pageToken, pageSize);
    items.push(...page.items);
    pageToken = page.nextPageToken;
    if (pageToken === '' || page.items.length === 0) return { items: items.slice(0, limit), more: items.length > limit };
    if (items.length >= limit) return { items: items.slice(0, limit), more: true };
  }
}
