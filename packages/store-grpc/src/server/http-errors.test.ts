import { describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import { errorReply, redactServerPaths, toMlflowError } from './http-errors.js';
import type { ErrorHygiene } from './http-errors.js';

function hygiene(): ErrorHygiene & { logged: string[] } {
  const logged: string[] = [];
  return { roots: [{ dir: '/srv/data/mlartifacts', label: '<artifact root>' }], log: (m) => logged.push(m), logged };
}

describe('error hygiene', () => {
  it('answers an unexpected error with a reference, logging the detail', () => {
    const h = hygiene();
    const e = Object.assign(new Error("EACCES: permission denied, open '/srv/data/mlruns/0/meta.yaml'"), {
      code: 'EACCES',
    });
    const { status, body } = errorReply(e, h);
    expect(status).toBe(500);
    const json = JSON.parse(body);
    expect(json.error_code).toBe('INTERNAL_ERROR');
    expect(json.message).toMatch(/^Internal server error \(EACCES\); reference [0-9a-f]{12} in the server log$/);
    expect(body).not.toContain('/srv');
    expect(h.logged.join('\n')).toContain('/srv/data/mlruns/0/meta.yaml');
    expect(h.logged.join('\n')).toContain(json.message.match(/[0-9a-f]{12}/)[0]);
  });

  it('turns request-caused file-system errors into 400s', () => {
    for (const code of ['ENAMETOOLONG', 'ENOTDIR', 'EISDIR', 'EEXIST']) {
      const err = toMlflowError(Object.assign(new Error(`${code}: x, open '/srv/a/b'`), { code }));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).not.toContain('/srv');
    }
    const nul = toMlflowError(
      Object.assign(new TypeError("The argument 'path' must be a string without null bytes. Received '/srv/a\\x00'"), {
        code: 'ERR_INVALID_ARG_VALUE',
      }),
    );
    expect(nul.code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('hides server paths in MLflow errors: own roots become labels, other absolute paths <path>', () => {
    const h = hygiene();
    const err = toMlflowError(
      new MlflowError(
        'INVALID_STATE',
        "Trace data in '/srv/data/mlartifacts/0/traces/t1' is corrupted; see /var/log/x.log or file:///srv/other",
      ),
      h,
    );
    expect(err.code).toBe('INVALID_STATE');
    expect(err.message).toBe("Trace data in '<artifact root>/0/traces/t1' is corrupted; see <path> or file:<path>");
    const stack = toMlflowError(
      new MlflowError('INTERNAL_ERROR', 'boom', { details: { stack_trace: 'at /srv/x.js:1' } }),
      h,
    );
    expect(stack.toJSON()).toEqual({ error_code: 'INTERNAL_ERROR', message: 'boom' });
  });

  it('keeps what is not a server path', () => {
    for (const text of [
      "Invalid artifact path: 'a/../b'. '..' segments are not allowed",
      "source_path LIKE '%/artifacts/model'",
      'mlflow-artifacts:/0/abc/artifacts and s3://bucket/key and runs:/abc/model',
      "Names may not contain path separators ('/', '\\\\')",
      'metrics/get-history and 2.0/mlflow',
    ]) {
      expect(redactServerPaths(text)).toBe(text);
    }
  });
});
