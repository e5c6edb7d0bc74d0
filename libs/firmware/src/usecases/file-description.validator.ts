import { ValidationError, type FieldViolation } from '@acs/platform';

import { fileTypeProblem, type FileDescription, type FileTarget } from '../domain';

// Violations name fields as the API spells them (snake_case): the API is the caller that shows them to people.

const MAX_NAME_LENGTH = 255;
/** TR-069 gives OUI, ProductClass, HardwareVersion and SoftwareVersion as string(64). */
const MAX_DEVICE_FIELD_LENGTH = 64;
const MAX_NOTES_LENGTH = 4096;
const OUI = /^[0-9A-F]{6}$/;
/** A name is shown to people and ends a download URL: printable, no slash or backslash. */
const FILE_NAME = /^[^\x00-\x1f\x7f/\\]+$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

/** The description with its text trimmed, or a ValidationError naming every problem. */
export function validFileDescription(description: FileDescription, prefix = 'metadata'): FileDescription {
  const violations: FieldViolation[] = [];
  const name = description.name.trim();
  if (name === '') violations.push({ field: `${prefix}.name`, description: 'required', reason: 'REQUIRED' });
  else if (name.length > MAX_NAME_LENGTH) violations.push({ field: `${prefix}.name`, description: `at most ${MAX_NAME_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  else if (!FILE_NAME.test(name)) violations.push({ field: `${prefix}.name`, description: 'no control characters, slashes or backslashes', reason: 'BAD_FORMAT' });
  if (description.fileType === '') violations.push({ field: `${prefix}.file_type`, description: 'required', reason: 'REQUIRED' });
  else {
    const problem = fileTypeProblem(description.fileType);
    if (problem) violations.push({ field: `${prefix}.file_type`, description: problem, reason: 'BAD_FORMAT' });
  }
  description.targets.forEach((target, index) => violations.push(...targetViolations(target, `${prefix}.targets[${index}]`)));
  if (description.softwareVersion.length > MAX_DEVICE_FIELD_LENGTH) {
    violations.push({ field: `${prefix}.software_version`, description: `at most ${MAX_DEVICE_FIELD_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  }
  if (description.notes.length > MAX_NOTES_LENGTH) violations.push({ field: `${prefix}.notes`, description: `at most ${MAX_NOTES_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  if (violations.length > 0) throw invalid('invalid file metadata', violations);
  return {
    name,
    fileType: description.fileType,
    targets: description.targets.map((target) => ({ oui: target.oui, productClass: target.productClass, hardwareVersions: [...new Set(target.hardwareVersions)] })),
    softwareVersion: description.softwareVersion.trim(),
    notes: description.notes,
  };
}

function targetViolations(target: FileTarget, field: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!OUI.test(target.oui)) violations.push({ field: `${field}.oui`, description: 'six uppercase hex digits, e.g. 00259E', reason: 'BAD_FORMAT' });
  if (target.productClass === '') violations.push({ field: `${field}.product_class`, description: 'required', reason: 'REQUIRED' });
  else if (target.productClass.length > MAX_DEVICE_FIELD_LENGTH) violations.push({ field: `${field}.product_class`, description: `at most ${MAX_DEVICE_FIELD_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  target.hardwareVersions.forEach((version, index) => {
    if (version === '' || version.length > MAX_DEVICE_FIELD_LENGTH) {
      violations.push({ field: `${field}.hardware_versions[${index}]`, description: `1 to ${MAX_DEVICE_FIELD_LENGTH} characters`, reason: 'BAD_FORMAT' });
    }
  });
  return violations;
}

/** The expected SHA-256 in lowercase, undefined when none was given; ValidationError when it is not one. */
export function validExpectedSha256(value: string | undefined, field = 'metadata.expected_sha256'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!SHA256.test(value)) throw ValidationError.forField(field, '64 hex digits', 'BAD_FORMAT');
  return value.toLowerCase();
}

/** One ValidationError for all of a request's violations, its message naming the first. */
export function invalid(message: string, violations: FieldViolation[]): ValidationError {
  const first = violations[0];
  return new ValidationError(first ? `${message}: ${first.field}: ${first.description}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}` : message, violations);
}

export const OUI_PATTERN = OUI;
