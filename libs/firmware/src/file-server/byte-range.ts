import type { ByteRange } from './file-source';

/**
 * What a Range header asks of a file of a given size (RFC 9110 §14). Only single ranges are served as 206; a request
 * for several gets the whole file as 200, which the RFC allows and which no CPE we know of asks for anyway.
 * - `none`: no Range header, or one we must ignore (another unit than bytes, bad syntax): answer 200 with everything;
 * - `single`: answer 206 with these bytes;
 * - `multiple`: several ranges: answer 200 with everything;
 * - `unsatisfiable`: no byte of the range is in the file: answer 416.
 */
export type RangeRequest =
  | { kind: 'none' }
  | ({ kind: 'single' } & ByteRange)
  | { kind: 'multiple' }
  | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)-(\d*)$/;

export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'none' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'none' };
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) return { kind: 'none' };
  const ranges: Array<ByteRange | 'unsatisfiable'> = [];
  for (const spec of specs) {
    const range = rangeOf(spec, size);
    if (range === undefined) return { kind: 'none' };
    ranges.push(range);
  }
  const satisfiable = ranges.filter((r): r is ByteRange => r !== 'unsatisfiable');
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  if (ranges.length > 1) return { kind: 'multiple' };
  return { kind: 'single', ...satisfiable[0]! };
}

/** One range-spec resolved against the size; undefined when its syntax is wrong (the whole header is then ignored). */
function rangeOf(spec: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = SPEC.exec(spec);
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // `-n`: the last n bytes.
    const suffix = safeInt(last!);
    if (suffix === undefined) return undefined;
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = safeInt(first!);
  if (start === undefined) return undefined;
  const lastByte = last === '' ? Number.MAX_SAFE_INTEGER : safeInt(last!);
  if (lastByte === undefined || lastByte < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(lastByte, size - 1) };
}

function safeInt(digits: string): number | undefined {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The Content-Range of a 206 answer. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** The Content-Range of a 416 answer: the size only. */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
