import { ParsedOptions } from '../cli/parsed-options';
import { fileTargetOf, fileTypeOf } from './files.command';

describe('files command arguments', () => {
  it('reads short names and numbers of the standard file types, and passes other text on for the server to judge', () => {
    expect(fileTypeOf('firmware')).toBe('1 Firmware Upgrade Image');
    expect(fileTypeOf('Config')).toBe('3 Vendor Configuration File');
    expect(fileTypeOf('5')).toBe('5 Ringer File');
    expect(fileTypeOf('2 Web Content')).toBe('2 Web Content');
    expect(fileTypeOf('X 00259E Bootloader')).toBe('X 00259E Bootloader');
  });

  it('reads --model as OUI:PRODUCTCLASS[:HW,...] and refuses anything else', () => {
    const options = new ParsedOptions({}, 'files upload');
    expect(fileTargetOf('00259E:EX220', options)).toEqual({ oui: '00259E', productClass: 'EX220', hardwareVersions: [] });
    expect(fileTargetOf('00259E:EX220:HW1, HW2', options)).toEqual({ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1', 'HW2'] });
    expect(() => fileTargetOf('00259E', options)).toThrow('OUI:PRODUCTCLASS');
    expect(() => fileTargetOf('00259E:EX220:HW1:extra', options)).toThrow('OUI:PRODUCTCLASS');
  });
});
