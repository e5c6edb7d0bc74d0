import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ConflictError, PermissionError, UnauthenticatedError, ValidationError } from '../errors/domain-errors';
import { errorDetailsOf, isUnexpectedError, toGrpcError } from './grpc-error.mapper';

describe('toGrpcError', () => {
  it('maps each kind of conflict to its own code', () => {
    expect(toGrpcError(new ConflictError('task is done')).code).toBe(status.FAILED_PRECONDITION);
    expect(toGrpcError(new ConflictError('stale revision', { kind: 'concurrent-write' })).code).toBe(status.ABORTED);
    const exists = toGrpcError(new ConflictError('preset p1 exists', { kind: 'already-exists', reason: 'PRESET_EXISTS' }));
    expect(exists.code).toBe(status.ALREADY_EXISTS);
    expect(errorDetailsOf(exists).errorInfo).toEqual({ reason: 'PRESET_EXISTS', domain: 'acs', metadata: {} });
  });

  it('maps the caller errors, keeping their message', () => {
    expect(toGrpcError(new PermissionError('role viewer cannot delete devices'))).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'role viewer cannot delete devices',
    });
    expect(toGrpcError(new UnauthenticatedError()).code).toBe(status.UNAUTHENTICATED);
  });

  it('builds a one-field ValidationError', () => {
    const mapped = toGrpcError(ValidationError.forField('page_size', 'must be at most 1000', 'OUT_OF_RANGE'));
    expect(mapped.details).toBe('page_size: must be at most 1000');
    expect(errorDetailsOf(mapped).badRequest?.fieldViolations).toEqual([
      { field: 'page_size', description: 'must be at most 1000', reason: 'OUT_OF_RANGE' },
    ]);
  });

  it('passes a deliberate status object through', () => {
    const mapped = toGrpcError({ code: status.RESOURCE_EXHAUSTED, details: 'too many watches' });
    expect(mapped).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: 'too many watches' });
    expect(isUnexpectedError({ code: status.RESOURCE_EXHAUSTED, details: 'too many watches' })).toBe(false);
  });

  it("hides a downstream call's error instead of relaying it", () => {
    const downstream = Object.assign(new Error('5 NOT_FOUND: collection devices_v2 missing'), {
      code: status.NOT_FOUND,
      details: 'collection devices_v2 missing',
      metadata: new Metadata(),
    }) as ServiceError;
    expect(toGrpcError(downstream)).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(isUnexpectedError(downstream)).toBe(true);
    expect(isUnexpectedError('a thrown string')).toBe(true);
  });

  it('reads no details from an error without the trailer', () => {
    expect(errorDetailsOf({ metadata: new Metadata() })).toEqual({});
  });
});
