import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  PermissionError,
  UnauthenticatedError,
  ValidationError,
  type FieldViolation,
} from '../errors/domain-errors';
import { UnavailableError } from '../ports/unavailable.error';
import { Any } from './generated/google/protobuf/any';
import { BadRequest, ErrorInfo, PreconditionFailure, ResourceInfo, RetryInfo } from './generated/google/rpc/error_details';
import { Status } from './generated/google/rpc/status';

/** The trailer of gRPC's richer error model: a serialized google.rpc.Status with typed details. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

/** Put in ErrorInfo.domain of the errors our services raise. */
export const ERROR_DOMAIN = 'acs';

/** How long a client should wait before retrying after UNAVAILABLE (RetryInfo): outages are seconds, not minutes. */
const RETRY_AFTER_UNAVAILABLE_MS = 1000;

/** A status a gRPC handler answers with: code, message and trailers (with the status details when there are any). */
export type GrpcStatus = Pick<StatusObject, 'code' | 'details' | 'metadata'>;

/** One google.rpc detail of a status. */
export type StatusDetail =
  | { type: 'BadRequest'; value: BadRequest }
  | { type: 'ErrorInfo'; value: ErrorInfo }
  | { type: 'PreconditionFailure'; value: PreconditionFailure }
  | { type: 'ResourceInfo'; value: ResourceInfo }
  | { type: 'RetryInfo'; value: RetryInfo };

/**
 * Maps what a handler threw to the status the client gets. Our typed errors keep their message and gain
 * google.rpc details; anything else is a bug, answered as INTERNAL with a fixed message so that stack traces, SQL,
 * host names and the like never leave the process (the host logs the original).
 */
export function toGrpcError(error: unknown): GrpcStatus {
  if (error instanceof ValidationError) {
    return statusWithDetails(status.INVALID_ARGUMENT, error.message, [
      { type: 'BadRequest', value: { fieldViolations: error.fieldViolations.map(toFieldViolation) } },
    ]);
  }
  if (error instanceof NotFoundError) {
    return statusWithDetails(status.NOT_FOUND, error.message, [
      { type: 'ResourceInfo', value: { resourceType: error.resourceType, resourceName: error.resourceName, owner: '', description: '' } },
    ]);
  }
  if (error instanceof ConflictError) {
    const reason = error.details.reason ?? defaultConflictReason[error.kind];
    const info: StatusDetail = { type: 'ErrorInfo', value: { reason, domain: ERROR_DOMAIN, metadata: {} } };
    switch (error.kind) {
      case 'precondition':
        return statusWithDetails(status.FAILED_PRECONDITION, error.message, [
          info,
          {
            type: 'PreconditionFailure',
            value: { violations: [{ type: reason, subject: error.details.subject ?? '', description: error.message }] },
          },
        ]);
      case 'concurrent-write':
        return statusWithDetails(status.ABORTED, error.message, [info]);
      case 'already-exists':
        return statusWithDetails(status.ALREADY_EXISTS, error.message, [info]);
    }
  }
  if (error instanceof UnavailableError) {
    // The adapter's message may name hosts and ports; the dependency's name is enough for the caller.
    return statusWithDetails(status.UNAVAILABLE, `${error.dependency} is unavailable; retry later`, [
      { type: 'ErrorInfo', value: { reason: 'DEPENDENCY_UNAVAILABLE', domain: ERROR_DOMAIN, metadata: { dependency: error.dependency } } },
      { type: 'RetryInfo', value: { retryDelay: { seconds: Math.floor(RETRY_AFTER_UNAVAILABLE_MS / 1000), nanos: 0 } } },
    ]);
  }
  if (error instanceof LimitExceededError) {
    return statusWithDetails(status.RESOURCE_EXHAUSTED, error.message, [
      { type: 'ErrorInfo', value: { reason: error.reason, domain: ERROR_DOMAIN, metadata: error.metadata } },
    ]);
  }
  if (error instanceof PermissionError) return statusWithDetails(status.PERMISSION_DENIED, error.message, []);
  if (error instanceof UnauthenticatedError) return statusWithDetails(status.UNAUTHENTICATED, error.message, []);
  if (isGrpcStatus(error)) return { code: error.code, details: error.details, metadata: error.metadata ?? new Metadata() };
  return statusWithDetails(status.INTERNAL, 'internal error', []);
}

/** Whether toGrpcError would hide this error behind INTERNAL (so the host should log it). */
export function isUnexpectedError(error: unknown): boolean {
  return toGrpcError(error).code === status.INTERNAL && !isGrpcStatus(error);
}

/** The google.rpc details a client received with an error, decoded; empty when the server sent none. */
export interface ErrorDetails {
  badRequest?: BadRequest;
  errorInfo?: ErrorInfo;
  preconditionFailure?: PreconditionFailure;
  resourceInfo?: ResourceInfo;
  retryInfo?: RetryInfo;
}

/** Reads the `grpc-status-details-bin` trailer of a failed call. Unknown detail types are skipped. */
export function errorDetailsOf(error: Pick<ServiceError, 'metadata'>): ErrorDetails {
  const [raw] = error.metadata?.get(STATUS_DETAILS_TRAILER) ?? [];
  if (!Buffer.isBuffer(raw)) return {};
  const result: ErrorDetails = {};
  for (const any of Status.decode(raw).details) {
    switch (any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1)) {
      case 'google.rpc.BadRequest':
        result.badRequest = BadRequest.decode(any.value);
        break;
      case 'google.rpc.ErrorInfo':
        result.errorInfo = ErrorInfo.decode(any.value);
        break;
      case 'google.rpc.PreconditionFailure':
        result.preconditionFailure = PreconditionFailure.decode(any.value);
        break;
      case 'google.rpc.ResourceInfo':
        result.resourceInfo = ResourceInfo.decode(any.value);
        break;
      case 'google.rpc.RetryInfo':
        result.retryInfo = RetryInfo.decode(any.value);
        break;
    }
  }
  return result;
}

const defaultConflictReason: Record<ConflictError['kind'], string> = {
  precondition: 'FAILED_PRECONDITION',
  'concurrent-write': 'CONCURRENT_MODIFICATION',
  'already-exists': 'ALREADY_EXISTS',
};

function toFieldViolation(v: FieldViolation): BadRequest['fieldViolations'][number] {
  return { field: v.field, description: v.description, reason: v.reason ?? '' };
}

/**
 * A status with google.rpc details in the `grpc-status-details-bin` trailer, for a handler (or interceptor) that
 * answers a deliberate status rather than throwing one of the typed errors.
 */
export function statusWithDetails(code: status, message: string, details: StatusDetail[]): GrpcStatus {
  const metadata = new Metadata();
  if (details.length > 0) {
    const encoded = Status.encode({ code, message, details: details.map(pack) }).finish();
    metadata.set(STATUS_DETAILS_TRAILER, Buffer.from(encoded));
  }
  return { code, details: message, metadata };
}

function pack(detail: StatusDetail): Any {
  const typeUrl = `type.googleapis.com/google.rpc.${detail.type}`;
  switch (detail.type) {
    case 'BadRequest':
      return { typeUrl, value: Buffer.from(BadRequest.encode(detail.value).finish()) };
    case 'ErrorInfo':
      return { typeUrl, value: Buffer.from(ErrorInfo.encode(detail.value).finish()) };
    case 'PreconditionFailure':
      return { typeUrl, value: Buffer.from(PreconditionFailure.encode(detail.value).finish()) };
    case 'ResourceInfo':
      return { typeUrl, value: Buffer.from(ResourceInfo.encode(detail.value).finish()) };
    case 'RetryInfo':
      return { typeUrl, value: Buffer.from(RetryInfo.encode(detail.value).finish()) };
  }
}

/**
 * A handler may also fail with a deliberate status object (`{ code: status.RESOURCE_EXHAUSTED, details: '…' }`),
 * passed through. Error instances are not: a ServiceError from a downstream call would otherwise leak that
 * service's internals to our caller.
 */
function isGrpcStatus(error: unknown): error is { code: status; details: string; metadata?: Metadata } {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof Error) &&
    'code' in error &&
    typeof error.code === 'number' &&
    error.code > status.OK &&
    error.code <= status.UNAUTHENTICATED &&
    'details' in error &&
    typeof error.details === 'string'
  );
}
