import { UNKNOWN_TIME, formatValue, parseValue } from './cwmp-values';

describe('values', () => {
  it('reads each xsd type', () => {
    expect(parseValue('abc', 'xsd:string')).toEqual({ type: 'string', value: 'abc' });
    expect(parseValue('-2147483648', 'xsd:int')).toEqual({ type: 'int', value: -2147483648 });
    expect(parseValue('4294967295', 'xsd:unsignedInt')).toEqual({ type: 'unsignedInt', value: 4294967295 });
    expect(parseValue('+12', 'int')).toEqual({ type: 'int', value: 12 });
    expect(parseValue('9007199254740991', 'xsd:long')).toEqual({ type: 'long', value: 9007199254740991 });
    expect(parseValue('-9223372036854775808', 'xsd:long')).toEqual({ type: 'long', value: '-9223372036854775808' });
    expect(parseValue('18446744073709551615', 'xsd:unsignedLong')).toEqual({
      type: 'unsignedLong',
      value: '18446744073709551615',
    });
    expect(parseValue('TRUE', 'xsd:boolean')).toEqual({ type: 'boolean', value: true });
    expect(parseValue('0', 'xsd:boolean')).toEqual({ type: 'boolean', value: false });
    expect(parseValue(UNKNOWN_TIME, 'xsd:dateTime')).toEqual({ type: 'dateTime', value: '0001-01-01T00:00:00Z' });
    expect(parseValue('AAEC', 'xsd:base64')).toEqual({ type: 'base64', value: 'AAEC' });
    expect(parseValue('00ff', 'xs:hexBinary')).toEqual({ type: 'hexBinary', value: '00ff' });
  });

  it('keeps values that do not fit their type as strings with declaredType', () => {
    expect(parseValue('2147483648', 'xsd:int')).toEqual({ type: 'string', value: '2147483648', declaredType: 'int' });
    expect(parseValue('-1', 'xsd:unsignedInt')).toEqual({ type: 'string', value: '-1', declaredType: 'unsignedInt' });
    expect(parseValue('1.5', 'xsd:int')).toEqual({ type: 'string', value: '1.5', declaredType: 'int' });
    expect(parseValue('', 'xsd:unsignedInt')).toEqual({ type: 'string', value: '', declaredType: 'unsignedInt' });
    expect(parseValue('yes', 'xsd:boolean')).toEqual({ type: 'string', value: 'yes', declaredType: 'boolean' });
    expect(parseValue('-1', 'xsd:unsignedLong')).toEqual({ type: 'string', value: '-1', declaredType: 'unsignedLong' });
    expect(parseValue('99999999999999999999', 'xsd:unsignedLong')).toEqual({
      type: 'string',
      value: '99999999999999999999',
      declaredType: 'unsignedLong',
    });
  });

  it('reads a missing type as string and an unknown one as string with declaredType', () => {
    expect(parseValue('5', undefined)).toEqual({ type: 'string', value: '5' });
    expect(parseValue('5', 'xsd:unsignedByte')).toEqual({ type: 'string', value: '5', declaredType: 'unsignedByte' });
    expect(parseValue('5', 'Int')).toEqual({ type: 'string', value: '5', declaredType: 'Int' });
  });

  it('formats each kind of value', () => {
    expect(formatValue({ type: 'boolean', value: true })).toBe('true');
    expect(formatValue({ type: 'boolean', value: false })).toBe('false');
    expect(formatValue({ type: 'unsignedInt', value: 42 })).toBe('42');
    expect(formatValue({ type: 'unsignedLong', value: '18446744073709551615' })).toBe('18446744073709551615');
    expect(formatValue({ type: 'string', value: 'a & b' })).toBe('a & b');
    expect(formatValue({ type: 'int', value: Number.NaN })).toBe('0');
  });
});
