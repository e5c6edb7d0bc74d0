import type { OptionSpec } from '../cli/command';
import type { ParsedOptions } from '../cli/parsed-options';
import type { PageScope } from './paging';

export const PAGE_OPTIONS: Record<string, OptionSpec> = {
  limit: { type: 'string', valueName: 'N', description: 'at most N items (default 100)' },
  all: { type: 'boolean', description: 'every item, page after page' },
};

export function pageScope(options: ParsedOptions): PageScope {
  if (options.flag('all') && options.has('limit')) throw options.usage('give --limit or --all, not both');
  const limit = options.integer('limit', 1);
  return { all: options.flag('all'), ...(limit === undefined ? {} : { limit }) };
}
