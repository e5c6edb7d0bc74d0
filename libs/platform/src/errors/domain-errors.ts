/**
 * Typed errors that domain code throws to refuse a request. They carry what a client needs to act (which field is
 * wrong, which resource is missing) and nothing about transports: each edge maps them once — gRPC status codes in
 * libs/platform/src/grpc (toGrpcError), HTTP statuses elsewhere. Outages of dependencies are UnavailableError
 * (libs/platform/src/ports). Anything else that escapes a handler is a bug and reaches clients as an opaque
 * internal error.
 */

/** One reason a request is invalid: the offending field (a path such as `spec.values[0].path`) and why. */
export interface FieldViolation {
  field: string;
  description: string;
  /** Machine-readable reason in UPPER_SNAKE_CASE, e.g. `REQUIRED`, `BAD_FORMAT`, `OUT_OF_RANGE`. */
  reason?: string;
}

/** The request is malformed or its values are out of range; retrying it unchanged cannot succeed. */
export class ValidationError extends Error {
  readonly fieldViolations: readonly FieldViolation[];

  constructor(message: string, fieldViolations: readonly FieldViolation[] = []) {
    super(message);
    this.name = 'ValidationError';
    this.fieldViolations = fieldViolations;
  }

  /** A ValidationError about one field, with the field's description as the message. */
  static forField(field: string, description: string, reason?: string): ValidationError {
    return new ValidationError(`${field}: ${description}`, [{ field, description, ...(reason ? { reason } : {}) }]);
  }
}

/** The resource the request names does not exist. */
export class NotFoundError extends Error {
  constructor(
    /** Kind of resource in the domain's words: `device`, `task`, `preset`, `fault`. */
    readonly resourceType: string,
    /** Its identifier as the client gave it. */
    readonly resourceName: string,
    message = `${resourceType} ${resourceName} not found`,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * The request is valid but conflicts with the resource's current state.
 * - `precondition`: the state does not allow it (cancelling a finished task); retrying is pointless until the
 *   state changes.
 * - `concurrent-write`: another writer changed the resource meanwhile (stale revision); re-read and retry.
 * - `already-exists`: creating something whose identifier is taken.
 */
export type ConflictKind = 'precondition' | 'concurrent-write' | 'already-exists';

export class ConflictError extends Error {
  constructor(
    message: string,
    readonly details: {
      kind?: ConflictKind;
      /** UPPER_SNAKE_CASE cause, e.g. `TASK_ALREADY_FINISHED`. */
      reason?: string;
      /** What is in the way, e.g. `task 42`. */
      subject?: string;
    } = {},
  ) {
    super(message);
    this.name = 'ConflictError';
  }

  get kind(): ConflictKind {
    return this.details.kind ?? 'precondition';
  }
}

/**
 * The request exceeds a limit of the service (an upload larger than the configured maximum); retrying it unchanged
 * cannot succeed, a smaller one can.
 */
export class LimitExceededError extends Error {
  constructor(
    message: string,
    /** UPPER_SNAKE_CASE, e.g. `FILE_TOO_LARGE`. */
    readonly reason: string,
    /** The limit and what was asked, for the client: `{ maxBytes: '1073741824' }`. */
    readonly metadata: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'LimitExceededError';
  }
}

/** The caller is known but not allowed to do this. */
export class PermissionError extends Error {
  constructor(message = 'permission denied') {
    super(message);
    this.name = 'PermissionError';
  }
}

/** The caller did not prove who it is (missing, expired or invalid credentials). */
export class UnauthenticatedError extends Error {
  constructor(message = 'authentication required') {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}
