import { fileTypeProblem, STANDARD_FILE_TYPES } from './file-type';
import { isFileForModel } from './firmware-file';

describe('fileTypeProblem', () => {
  it('accepts the five standard download types and vendor types', () => {
    for (const type of STANDARD_FILE_TYPES) expect(fileTypeProblem(type)).toBeUndefined();
    expect(fileTypeProblem('X 00259E Bootloader')).toBeUndefined();
    expect(fileTypeProblem('X 00259E Image for the DSL line')).toBeUndefined();
  });

  it('refuses upload-only and malformed types', () => {
    for (const type of ['1 Vendor Configuration File', '6 Stored Firmware Image', 'firmware', 'X 00259e Lower', 'X 0025 Short', 'X 00259E ', `X 00259E ${'n'.repeat(70)}`]) {
      expect(fileTypeProblem(type)).toBeDefined();
    }
  });
});

describe('isFileForModel', () => {
  const file = { targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1'] }, { oui: '00259E', productClass: 'EX230', hardwareVersions: [] }] };

  it('matches on OUI, product class and hardware version; a target without versions takes any', () => {
    expect(isFileForModel(file, { oui: '00259E', productClass: 'EX220', hardwareVersion: 'HW1' })).toBe(true);
    expect(isFileForModel(file, { oui: '00259E', productClass: 'EX220', hardwareVersion: 'HW2' })).toBe(false);
    expect(isFileForModel(file, { oui: '00259E', productClass: 'EX230', hardwareVersion: 'anything' })).toBe(true);
    expect(isFileForModel(file, { oui: 'A0B1C2' })).toBe(false);
    expect(isFileForModel({ targets: [] }, { oui: 'A0B1C2', productClass: 'X' })).toBe(true);
  });
});
