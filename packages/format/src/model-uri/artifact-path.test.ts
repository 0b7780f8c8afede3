import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { assertSafeArtifactPath, normalizeArtifactPath, resolveArtifactUri } from './artifact-path.js';
import { assertSafeSourceUri } from './source-uri.js';
import { decodingStages, percentDecodeOnce } from './percent-decoding.js';

const refusal = (fn: () => unknown) => catchMlflowError(fn, 'INVALID_PARAMETER_VALUE').message;

describe('assertSafeArtifactPath', () => {
  it('normalises safe relative paths', () => {
    expect(assertSafeArtifactPath('model/MLmodel')).toBe('model/MLmodel');
    expect(assertSafeArtifactPath('./a//b/./c/')).toBe('a/b/c');
    expect(assertSafeArtifactPath('')).toBe('');
    expect(assertSafeArtifactPath('.')).toBe('');
    expect(assertSafeArtifactPath('a..b/..c/d..')).toBe('a..b/..c/d..');
    expect(assertSafeArtifactPath('my%20file.txt')).toBe('my%20file.txt'); // the name is kept, not decoded
    expect(assertSafeArtifactPath('100%.txt')).toBe('100%.txt');
    expect(assertSafeArtifactPath('2024-01-01T10:00:00.log')).toBe('2024-01-01T10:00:00.log');
    expect(normalizeArtifactPath('x/y/')).toBe('x/y');
  });

  const attacks = [
    '../secret',
    'a/../../b',
    '..',
    'a/..',
    '%2e%2e%2fetc%2fpasswd',
    '%2E%2E/x',
    '%252e%252e%252fetc',
    '%25252e%25252e%25252f',
    '..\\windows',
    'a\\b',
    '/etc/passwd',
    '%2fetc%2fpasswd',
    'C:\\Windows',
    'C:/Windows',
    'c:x',
    'file:///etc/passwd',
    'file:/etc/passwd',
    'http://evil/x',
    'a\0b',
    'a%00b',
    'a#b',
    'a?b',
    'a;b',
    'a%23b',
  ];
  for (const path of attacks) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      expect(refusal(() => assertSafeArtifactPath(path))).toMatch(
        new RegExp(`^Invalid artifact path: '${path.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}'\\. `),
      );
    });
  }

  it('refuses non-strings and endless encodings', () => {
    expect(refusal(() => assertSafeArtifactPath(5 as unknown as string))).toMatch(/Expected a string/);
    expect(refusal(() => assertSafeArtifactPath('%2525252525252525252525252541'))).toMatch(
      /too many levels of URL encoding/,
    );
  });
});

describe('percent decoding', () => {
  it('decodes like urllib.parse.unquote', () => {
    expect(percentDecodeOnce('a%20b%2Fc+d')).toBe('a b/c+d');
    expect(percentDecodeOnce('%E2%82%AC')).toBe('€');
    expect(percentDecodeOnce('%zz%2')).toBe('%zz%2');
    expect(percentDecodeOnce('%FF')).toBe('\uFFFD');
    expect(decodingStages('%252e', () => 'x')).toEqual(['%252e', '%2e', '.']);
  });
});

describe('resolveArtifactUri', () => {
  it('joins relative paths onto artifact URIs', () => {
    expect(resolveArtifactUri('file:///a/b', 'c/d')).toBe('file:///a/b/c/d');
    expect(resolveArtifactUri('file:///a/b/', './c//d/')).toBe('file:///a/b/c/d');
    expect(resolveArtifactUri('mlflow-artifacts:/0/r/artifacts', 'model')).toBe(
      'mlflow-artifacts:/0/r/artifacts/model',
    );
    expect(resolveArtifactUri('s3://bucket/root?versionId=1', 'x')).toBe('s3://bucket/root/x?versionId=1');
    expect(resolveArtifactUri('/local/dir', '')).toBe('/local/dir');
    expect(refusal(() => resolveArtifactUri('file:///a', '../b'))).toMatch(/'\.\.' segments/);
  });
});

describe('assertSafeSourceUri', () => {
  const roots = ['/srv/mlruns/1/abc/artifacts', 'file:///srv/mlruns/1/models/m-1/artifacts'];
  const ok = (source: string, options?: Parameters<typeof assertSafeSourceUri>[2]) =>
    expect(() => assertSafeSourceUri(source, roots, options)).not.toThrow();
  const bad = (source: string, pattern: RegExp, options?: Parameters<typeof assertSafeSourceUri>[2]) =>
    expect(refusal(() => assertSafeSourceUri(source, roots, options))).toMatch(pattern);

  it('accepts model URIs, proxied artifacts and local paths inside a root', () => {
    ok('runs:/abc/model');
    ok('models:/name/1');
    ok('models:/m-1');
    ok('mlflow-artifacts:/1/abc/artifacts/model');
    ok('/srv/mlruns/1/abc/artifacts/model');
    ok('/srv/mlruns/1/abc/artifacts');
    ok('file:///srv/mlruns/1/abc/artifacts/model');
    ok('file:///srv/mlruns/1/models/m-1/artifacts');
    ok('/srv/mlruns/1/models/m-1/artifacts/my%20model');
    ok('s3://bucket/x', { schemes: ['s3'] });
  });

  it('refuses traversal, other locations and tricks', () => {
    bad(
      'file:///etc/passwd',
      /^Invalid source 'file:\/\/\/etc\/passwd': local sources must lie inside the artifact root/,
    );
    bad('/etc/passwd', /must lie inside the artifact root/);
    bad('/srv/mlruns/1/abc/artifacts-evil/x', /must lie inside/);
    bad('/srv/mlruns/1/abc/artifacts/../../../etc', /'\.\.' path segments/);
    bad('/srv/mlruns/1/abc/artifacts/%2e%2e/%2e%2e/x', /'\.\.' path segments/);
    bad('file:///srv/mlruns/1/abc/artifacts/%252e%252e%252f%252e%252e', /'\.\.' path segments/);
    bad('/srv/mlruns/1/abc/artifacts\\..\\..\\etc', /'\.\.' path segments/);
    bad('runs:/abc/../../x', /'\.\.' path segments/);
    bad('/srv/mlruns/1/abc/artifacts/x%00', /NUL/);
    bad('file:///srv/mlruns/1/abc/artifacts/x#frag', /fragments and query strings/);
    bad('file:///srv/mlruns/1/abc/artifacts?x=/etc', /fragments and query strings/);
    bad('relative/model', /must be absolute/);
    bad('file://evil.example/srv/mlruns/1/abc/artifacts', /Only local file: URIs/);
    bad('s3://bucket/x', /the 's3:' scheme is not allowed here/);
    bad('https://evil/x', /'https:' scheme is not allowed/);
    bad('runs:/abc/model', /'runs:' scheme is not allowed/, {
      schemes: ['mlflow-artifacts'],
      label: 'artifact_location',
    });
    bad('models:/', /Not a proper models:\/ URI/);
    expect(refusal(() => assertSafeSourceUri('/x', [], { label: 'artifact_location' }))).toMatch(
      /^Invalid artifact_location '\/x'/,
    );
  });
});
