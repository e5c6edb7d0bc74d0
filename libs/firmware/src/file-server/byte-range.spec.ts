import { contentRange, parseRangeHeader, unsatisfiedRange } from './byte-range';

describe('parseRangeHeader', () => {
  const size = 1000;

  it('reads a-b, a- and -n as one range, clamped to the file', () => {
    expect(parseRangeHeader('bytes=0-99', size)).toEqual({ kind: 'single', start: 0, end: 99 });
    expect(parseRangeHeader('bytes=900-', size)).toEqual({ kind: 'single', start: 900, end: 999 });
    expect(parseRangeHeader('bytes=-100', size)).toEqual({ kind: 'single', start: 900, end: 999 });
    expect(parseRangeHeader('bytes=-5000', size)).toEqual({ kind: 'single', start: 0, end: 999 });
    expect(parseRangeHeader('bytes=990-5000', size)).toEqual({ kind: 'single', start: 990, end: 999 });
    expect(parseRangeHeader('Bytes = 5-5', size)).toEqual({ kind: 'single', start: 5, end: 5 });
  });

  it('finds no byte of the file in a range starting at or past its end, or in -0', () => {
    expect(parseRangeHeader('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=1000-2000', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it must ignore: no header, other units, bad syntax, a backwards range', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=5-1', 'bytes=1-2-3', 'bytes 0-1', 'bytes=99999999999999999999-']) {
      expect(parseRangeHeader(header, size)).toEqual({ kind: 'none' });
    }
  });

  it('answers several ranges with the whole file, unless none of them is satisfiable', () => {
    expect(parseRangeHeader('bytes=0-1, 5-9', size)).toEqual({ kind: 'multiple' });
    expect(parseRangeHeader('bytes=0-1, 2000-', size)).toEqual({ kind: 'multiple' });
    expect(parseRangeHeader('bytes=2000-, 3000-', size)).toEqual({ kind: 'unsatisfiable' });
  });

  it('formats Content-Range for 206 and 416', () => {
    expect(contentRange({ start: 0, end: 99 }, size)).toBe('bytes 0-99/1000');
    expect(unsatisfiedRange(size)).toBe('bytes */1000');
  });
});
