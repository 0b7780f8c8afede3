import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectMlflowError } from '../testing/index.js';
import { localPathOfUri } from './local-path.js';

describe('localPathOfUri', () => {
  it('reads plain paths and file: URIs, relative ones included', async () => {
    expect(localPathOfUri('file:///tmp/a%20b')).toBe('/tmp/a b');
    expect(localPathOfUri('file://localhost/tmp/x')).toBe('/tmp/x');
    expect(localPathOfUri('file:rel/dir')).toBe(path.resolve('rel/dir'));
    expect(localPathOfUri('mlruns')).toBe(path.resolve('mlruns'));
    expect(localPathOfUri('/abs/mlruns')).toBe('/abs/mlruns');
  });

  it('refuses other schemes and other hosts', async () => {
    await expectMlflowError(
      Promise.resolve().then(() => localPathOfUri('s3://bucket/x')),
      'INVALID_PARAMETER_VALUE',
    );
    await expectMlflowError(
      Promise.resolve().then(() => localPathOfUri('file://evil.example/etc')),
      'INVALID_PARAMETER_VALUE',
    );
  });
});
