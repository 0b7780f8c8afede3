import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitCommit, resolveContextTags } from './context-tags.js';
import { authFromEnv, trackingUriFromEnv } from './env.js';
import { createStoreRegistry, defaultStoreRegistry, localPathOfUri } from './store-registry.js';

describe('tracking URI resolution', () => {
  it('picks the factory by scheme; plain and Windows paths are file', async () => {
    const seen: string[] = [];
    const factory = (scheme: string) => (uri: string) => {
      seen.push(`${scheme} ${uri}`);
      return Promise.reject(new Error('not built in this test'));
    };
    const registry = createStoreRegistry({ file: factory('file'), grpc: factory('grpc'), http: factory('http') });
    for (const uri of [
      './mlruns',
      '/abs/mlruns',
      'C:\\mlruns',
      'file:///tmp/x',
      'GRPC://host:50051',
      'http://localhost:5000',
    ]) {
      await registry.resolve(uri).catch(() => undefined);
    }
    expect(seen).toEqual([
      'file ./mlruns',
      'file /abs/mlruns',
      'file C:\\mlruns',
      'file file:///tmp/x',
      'grpc GRPC://host:50051',
      'http http://localhost:5000',
    ]);
  });

  it('maps file URIs and relative paths to absolute local paths', () => {
    expect(localPathOfUri('file:///tmp/a%20b')).toBe('/tmp/a b');
    expect(localPathOfUri('mlruns')).toBe(path.resolve('mlruns'));
    expect(localPathOfUri('file:rel/dir')).toBe(path.resolve('rel/dir'));
  });

  it('resolves through the factories the caller registered, and only those', async () => {
    const registry = defaultStoreRegistry();
    expect(registry.schemes()).toEqual(['file']);
    await expect(registry.resolve('grpc://localhost:1')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    const calls: string[] = [];
    const fake = { tracking: {} as never, artifacts: () => ({}) as never };
    registry.registerStore('grpc:', (uri) => {
      calls.push(uri);
      return fake;
    });
    expect(await registry.resolve('grpc://localhost:1')).toBe(fake);
    expect(calls).toEqual(['grpc://localhost:1']);
    expect(createStoreRegistry().schemes()).toEqual([]);
  });

  it('reads MLFLOW_TRACKING_URI and credentials from the environment', () => {
    expect(trackingUriFromEnv({})).toBe('./mlruns');
    expect(trackingUriFromEnv({ MLFLOW_TRACKING_URI: ' ' })).toBe('./mlruns');
    expect(trackingUriFromEnv({ MLFLOW_TRACKING_URI: 'http://x' })).toBe('http://x');
    expect(authFromEnv({})).toBeUndefined();
    expect(authFromEnv({ MLFLOW_TRACKING_TOKEN: 'tok' })).toEqual({ token: 'tok' });
  });
});

describe('context tags', () => {
  it('records user, source and LOCAL source type; git commit only inside a repository', async () => {
    const tags = await resolveContextTags({}, os.tmpdir());
    expect(tags['mlflow.user']).toBe(os.userInfo().username);
    expect(tags['mlflow.source.type']).toBe('LOCAL');
    expect(tags['mlflow.source.name']).toBe(path.resolve(process.argv[1]!));
    expect(tags['mlflow.source.git.commit']).toBeUndefined();
    // this package lives in the mlflow-ts git repository
    expect(await gitCommit(path.dirname(new URL(import.meta.url).pathname))).toMatch(/^[0-9a-f]{40}$/);
  });
});
