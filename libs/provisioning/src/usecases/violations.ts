import { InvalidParameterPathError, parameterPathSegments } from '@acs/cwmp';
import { ValidationError, type FieldViolation } from '@acs/platform';

// The checks every use case shares. Violations name fields as the API spells them (snake_case): the API is the
// caller that shows them to people; in-process callers log them.

export function required(field: string): FieldViolation {
  return { field, description: 'required', reason: 'REQUIRED' };
}

/** One ValidationError for all of a request's violations, its message naming the first. */
export function invalid(message: string, violations: FieldViolation[]): ValidationError {
  const first = violations[0];
  return new ValidationError(first ? `${message}: ${first.field}: ${first.description}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}` : message, violations);
}

export function requireField(value: string, field: string): string {
  if (value === '') throw ValidationError.forField(field, 'required', 'REQUIRED');
  return value;
}

/** Why `path` is not a parameter path, or undefined when it is one. */
export function pathProblem(path: string): string | undefined {
  try {
    parameterPathSegments(path);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidParameterPathError) return error.message;
    throw error;
  }
}

export function checkPath(path: string, field: string): void {
  const problem = pathProblem(path);
  if (problem) throw ValidationError.forField(field, problem, 'BAD_FORMAT');
}
