/** A filter that cannot be parsed: where (0-based character offset), what was expected and what was found. */
export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';

  constructor(
    /** The reason, without the position (the message adds it). */
    readonly reason: string,
    readonly position: number,
    readonly expected: readonly string[],
    readonly found: string,
    readonly filter: string,
  ) {
    super(`${reason} (at position ${position + 1}${excerpt(filter, position)})`);
  }
}

/** A few characters around the error with a marker, so a one-line log or API message points at the spot. */
function excerpt(filter: string, position: number): string {
  if (filter.length === 0) return '';
  const from = Math.max(0, position - 20);
  const to = Math.min(filter.length, position + 20);
  const before = filter.slice(from, position);
  const after = filter.slice(position, to);
  return `: ${from > 0 ? '…' : ''}${before}⟦here⟧${after}${to < filter.length ? '…' : ''}`;
}
