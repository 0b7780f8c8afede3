import { describe, expect, it } from 'vitest';
import { MlflowError, errorCodeForGrpcStatus, grpcStatusForErrorCode, httpStatusForErrorCode } from './errors.js';

describe('MlflowError', () => {
  it('maps codes to MLflow HTTP statuses', () => {
    expect(httpStatusForErrorCode('RESOURCE_ALREADY_EXISTS')).toBe(400);
    expect(httpStatusForErrorCode('RESOURCE_DOES_NOT_EXIST')).toBe(404);
    expect(httpStatusForErrorCode('INVALID_STATE')).toBe(500);
    expect(httpStatusForErrorCode('INVALID_STATE_TRANSITION')).toBe(500);
    expect(httpStatusForErrorCode('PERMISSION_DENIED')).toBe(403);
  });

  it('maps codes to gRPC statuses and back', () => {
    expect(grpcStatusForErrorCode('INVALID_PARAMETER_VALUE')).toBe(3);
    expect(grpcStatusForErrorCode('RESOURCE_DOES_NOT_EXIST')).toBe(5);
    expect(errorCodeForGrpcStatus(5)).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(grpcStatusForErrorCode('SOMETHING_ELSE')).toBe(13);
  });

  it('is recognised by marker across copies and serialises like MLflow', () => {
    const e = new MlflowError('RESOURCE_DOES_NOT_EXIST', "Run 'x' not found");
    const foreign = Object.assign(Object.create(null), { [Symbol.for('mlflow-ts.error')]: true });
    expect(MlflowError.isInstance(e)).toBe(true);
    expect(MlflowError.isInstance(foreign)).toBe(true);
    expect(MlflowError.isInstance(new Error('x'))).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Run 'x' not found",
    });
  });
});
