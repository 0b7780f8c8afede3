import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { formatModelUri, isModelsUri, isRunsUri, parseModelUri, uriScheme } from './model-uri.js';
import type { ModelUri } from './model-uri.js';

const rejected = (uri: string): string => catchMlflowError(() => parseModelUri(uri), 'INVALID_PARAMETER_VALUE').message;

describe('parseModelUri', () => {
  const cases: [string, ModelUri][] = [
    ['runs:/0a1b2c/model', { kind: 'runs', runId: '0a1b2c', path: 'model' }],
    ['runs:/0a1b2c/sklearn-model/MLmodel', { kind: 'runs', runId: '0a1b2c', path: 'sklearn-model/MLmodel' }],
    ['runs:/0a1b2c', { kind: 'runs', runId: '0a1b2c', path: '' }],
    ['runs:///0a1b2c/model', { kind: 'runs', runId: '0a1b2c', path: 'model' }],
    ['models:/AdsModel1/123', { kind: 'models', name: 'AdsModel1', version: '123' }],
    ['models:/AdsModel1/latest', { kind: 'models', name: 'AdsModel1', latest: true }],
    ['models:/AdsModel1/LATEST', { kind: 'models', name: 'AdsModel1', latest: true }],
    ['models:/name/Production', { kind: 'models', name: 'name', stage: 'Production' }],
    ['models:/name/staging', { kind: 'models', name: 'name', stage: 'staging' }],
    ['models:/name@champion', { kind: 'models', name: 'name', alias: 'champion' }],
    ['models:/my@name@champion', { kind: 'models', name: 'my@name', alias: 'champion' }],
    ['models:/m-0a1b2c3d4e5f', { kind: 'logged-model', modelId: 'm-0a1b2c3d4e5f' }],
    ['models:/name/3/MLmodel', { kind: 'models', name: 'name', version: '3', subPath: 'MLmodel' }],
    ['models:/name/latest/data/model.onnx', { kind: 'models', name: 'name', latest: true, subPath: 'data/model.onnx' }],
    ['models:/name@champion/MLmodel', { kind: 'models', name: 'name', alias: 'champion', subPath: 'MLmodel' }],
    ['models:/name/Production/a/b', { kind: 'models', name: 'name', stage: 'Production', subPath: 'a/b' }],
    ['file:///tmp/my%20model', { kind: 'file', path: '/tmp/my model' }],
    ['file:/tmp/model', { kind: 'file', path: '/tmp/model' }],
    ['file://localhost/tmp/model', { kind: 'file', path: '/tmp/model' }],
    ['file:///C:/models/x', { kind: 'file', path: 'C:/models/x' }],
    ['/abs/path/model', { kind: 'file', path: '/abs/path/model' }],
    ['relative/model', { kind: 'file', path: 'relative/model' }],
    ['C:\\models\\x', { kind: 'file', path: 'C:\\models\\x' }],
    ['mlflow-artifacts:/0/abc/artifacts/model', { kind: 'artifact', uri: 'mlflow-artifacts:/0/abc/artifacts/model' }],
    ['https://host/a/b', { kind: 'artifact', uri: 'https://host/a/b' }],
    ['s3://bucket/key', { kind: 'artifact', uri: 's3://bucket/key' }],
  ];
  for (const [uri, expected] of cases) {
    it(`parses ${uri}`, () => {
      expect(parseModelUri(uri)).toEqual(expected);
    });
  }

  it('round-trips through formatModelUri', () => {
    for (const [, parsed] of cases) expect(parseModelUri(formatModelUri(parsed))).toEqual(parsed);
    expect(formatModelUri({ kind: 'models', name: 'n', version: '2', subPath: 'MLmodel' })).toBe('models:/n/2/MLmodel');
    expect(formatModelUri({ kind: 'models', name: 'n', alias: 'champion' })).toBe('models:/n@champion');
    expect(formatModelUri({ kind: 'models', name: 'n', latest: true })).toBe('models:/n/latest');
    expect(formatModelUri({ kind: 'runs', runId: 'r', path: '' })).toBe('runs:/r');
    expect(formatModelUri({ kind: 'file', path: '/tmp/a b#c' })).toBe('file:///tmp/a%20b%23c');
  });

  const bad: [string, RegExp][] = [
    ['models:/', /^Not a proper models:\/ URI: models:\/\. the model name is missing/],
    ['models:', /^Not a proper models:\/ URI/],
    ['models:name/1', /^Not a proper models:\/ URI/],
    ['models:/name/', /suffix is empty/],
    ['models:/ /1', /model name is missing/],
    ['models:/name@', /alias must be non-empty/],
    ['models:/@alias', /alias must be non-empty/],
    ['models://profile@databricks/name/1', /registry profiles/],
    ['models:/name/1?x=1', /query strings/],
    ['runs:/', /^Not a proper runs:\/ URI: runs:\/\. the run ID is missing\. Runs URIs must be of the form/],
    ['runs:abc/model', /run ID is missing/],
    ['runs://host/abc', /unexpected authority 'host'/],
    ['runs:/abc/model#frag', /fragments/],
    ['file://evil.example/etc/passwd', /Only local file: URIs/],
    ['', /non-empty string/],
  ];
  for (const [uri, pattern] of bad) {
    it(`rejects '${uri}'`, () => {
      expect(rejected(uri)).toMatch(pattern);
    });
  }
});

describe('scheme helpers', () => {
  it('recognises runs:/ and models:/ URIs case-insensitively', () => {
    expect(isRunsUri('runs:/abc/model')).toBe(true);
    expect(isRunsUri('RUNS:/abc')).toBe(true);
    expect(isRunsUri('models:/a/1')).toBe(false);
    expect(isModelsUri('models:/a/1')).toBe(true);
    expect(isModelsUri('/models/a')).toBe(false);
    expect(uriScheme('C:/x')).toBeUndefined();
    expect(uriScheme('Mlflow-Artifacts:/x')).toBe('mlflow-artifacts');
  });
});
