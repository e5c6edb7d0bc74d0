import { FilterSyntaxError, parseFilter as parseWithShape } from '@acs/filter';

import { DEVICE_FILTER_SHAPE } from './storedDeviceShape';

// The language's parser over provisioning's device vocabulary (field names, time fields): every filter here is one an
// operator would write against devices.
const parseFilter = (text: string) => parseWithShape(text, DEVICE_FILTER_SHAPE);

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed`);
}

const sn = { kind: 'device', name: 'serialNumber' } as const;

describe('parseFilter', () => {
  it('reads an empty or blank filter as "every device"', () => {
    expect(parseFilter('')).toEqual({ kind: 'all' });
    expect(parseFilter('  \n\t')).toEqual({ kind: 'all' });
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(parseFilter('tag = "a" OR NOT tag = "b" AND tag = "c"')).toEqual({
      kind: 'or',
      operands: [
        { kind: 'compare', field: { kind: 'tag' }, operator: '=', value: 'a' },
        {
          kind: 'and',
          operands: [
            { kind: 'not', operand: { kind: 'compare', field: { kind: 'tag' }, operator: '=', value: 'b' } },
            { kind: 'compare', field: { kind: 'tag' }, operator: '=', value: 'c' },
          ],
        },
      ],
    });
  });

  it('lets parentheses override precedence and flattens chains of one connective', () => {
    const expr = parseFilter('(tag = "a" OR tag = "b") AND (tag = "c" AND tag = "d")');
    expect(expr.kind).toBe('and');
    expect(expr.kind === 'and' && expr.operands.map((o) => o.kind)).toEqual(['or', 'compare', 'compare']);
  });

  it('accepts keywords in any case', () => {
    expect(parseFilter('serialNumber is not null and not tag in ("x") or serialNumber like "A*"')).toEqual(
      parseFilter('serialNumber IS NOT NULL AND NOT tag IN ("x") OR serialNumber LIKE "A*"'),
    );
  });

  it('reads every operator, literal and field kind', () => {
    expect(parseFilter('serialNumber >= -1.5e2')).toEqual({ kind: 'compare', field: sn, operator: '>=', value: -150 });
    expect(parseFilter('serialNumber != TRUE')).toEqual({ kind: 'compare', field: sn, operator: '!=', value: true });
    expect(parseFilter('serialNumber NOT IN ("a", 2, false)')).toEqual({ kind: 'in', field: sn, values: ['a', 2, false], negated: true });
    expect(parseFilter('serialNumber NOT LIKE "a*"')).toEqual({ kind: 'like', field: sn, pattern: 'a*', negated: true });
    expect(parseFilter('Device.WiFi.SSID.1.SSID IS NULL')).toEqual({ kind: 'null', field: { kind: 'parameter', path: 'Device.WiFi.SSID.1.SSID' }, negated: false });
    expect(parseFilter('serialNumber = "q\\"\\\\\\n\\u00e9\\/"')).toMatchObject({ value: 'q"\\\n\u00e9/' });
  });

  it('turns timestamps compared with time fields into epoch milliseconds (UTC when no offset is given)', () => {
    const at = Date.parse('2024-05-01T12:00:00Z');
    expect(parseFilter('lastInform < "2024-05-01T12:00:00Z"')).toMatchObject({ value: at });
    expect(parseFilter('lastInform < "2024-05-01T12:00:00"')).toMatchObject({ value: at });
    expect(parseFilter('lastInform < "2024-05-01 14:00:00+02:00"')).toMatchObject({ value: at });
    expect(parseFilter('lastInform < "2024-05-01"')).toMatchObject({ value: Date.parse('2024-05-01T00:00:00Z') });
    expect(parseFilter('lastBoot IN ("2024-05-01T12:00:00Z", 5)')).toMatchObject({ values: [at, 5] });
    // Any other field keeps the string.
    expect(parseFilter('softwareVersion = "2024-05-01"')).toMatchObject({ value: '2024-05-01' });
  });

  it.each([
    // [filter, position (0-based), fragment of the message, an expected token]
    ['serialNumber', 12, 'Expected an operator after "serialNumber"', 'IS NULL'],
    ['serialNumber = ', 15, 'Expected a value', 'a number'],
    ['serialNumber = "abc', 15, 'Unterminated string', '"'],
    ["serialNumber = 'abc'", 15, 'double quotes', '"'],
    ['serialNumber == "a"', 13, 'Use = to compare', '='],
    ['serialNumber <> "a"', 13, 'Use !=', '!='],
    ['serialNumber ! "a"', 13, 'NOT to negate', 'NOT'],
    ['serialNumber = "a" AND', 22, 'Expected a condition', 'tag'],
    ['serialNumber = "a" tag = "b"', 19, 'Expected AND, OR or the end', 'AND'],
    ['(serialNumber = "a"', 19, 'Expected ")" to close the "(" at position 1', ')'],
    ['serialNumber = "a")', 18, 'Expected AND, OR or the end', 'end of filter (unbalanced ")")'],
    ['()', 1, 'Empty parentheses', '('],
    ['serial = "a"', 0, 'did you mean "serialNumber"', 'serialNumber'],
    ['tags = "a"', 0, 'did you mean "tag"', 'tag'],
    ['colour = "a"', 0, 'Unknown field "colour"', 'a parameter path'],
    ['Device.WiFi. = "a"', 0, 'names an object', 'a parameter path'],
    ['Device.$where.x = "a"', 7, 'Unexpected character "$"', 'a field'],
    ['Device._v = "a"', 0, 'segment "_v"', 'a parameter path'],
    ['tag > "a"', 4, '"tag" is a set of names', 'IN'],
    ['serialNumber < true', 13, 'cannot be ordered', '='],
    ['serialNumber = NULL', 15, 'IS NULL', 'IS NULL'],
    ['serialNumber IS "a"', 16, 'Expected NULL after IS', 'NULL'],
    ['serialNumber NOT = "a"', 17, 'Expected LIKE or IN after "serialNumber NOT"', 'NOT LIKE'],
    ['serialNumber IN "a"', 16, 'IN takes a list in parentheses', '('],
    ['serialNumber IN ()', 17, 'at least one value', 'a number'],
    ['serialNumber IN ("a" "b")', 21, 'Expected "," or ")"', ','],
    ['serialNumber LIKE 5', 18, 'LIKE takes a "quoted" pattern', 'a "pattern"'],
    ['lastInform LIKE "2024*"', 11, 'is a time', '<'],
    ['lastInform > "yesterday"', 13, 'not an ISO 8601 timestamp', 'a "timestamp"'],
    ['lastInform > true', 13, 'is a time', 'a number'],
    ['serialNumber = "\\x"', 16, 'Unknown escape', '\\n'],
    ['serialNumber = 1e999', 15, 'out of range', 'a number'],
    ['AND tag = "a"', 0, 'found the keyword AND', 'tag'],
  ])('reports %j at position %i', (text, position, message, expected) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.reason).toContain(message);
    expect(error.expected).toContain(expected);
    expect(error.message).toContain(`at position ${position + 1}`);
  });

  it('shows where the error is in the message', () => {
    expect(syntaxError('oui = "a" AND productClass LIKE').message).toBe(
      'LIKE takes a "quoted" pattern (% or * any characters, _ or ? one), found the end of the filter (at position 32: …ND productClass LIKE⟦here⟧)',
    );
  });
});
