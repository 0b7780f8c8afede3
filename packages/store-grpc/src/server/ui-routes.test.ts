/**
 * The `ui` option: index.html at `/`, assets under `/static-files/` with their content types and
 * cache rules, nothing outside the folder (encoded `..`, backslashes, symlinks), and the UI's files
 * reachable without credentials while the API still requires them.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp, startTestServer, type TestServer } from '../../test/helpers.js';

let s: TestServer;
let uiDir: string;

const raw = (path: string, headers: Record<string, string> = {}) => rawHttp(s.baseUrl, 'GET', path, headers);

beforeAll(async () => {
  uiDir = await mkdtemp(join(tmpdir(), 'mlflow-ts-ui-routes-'));
  await mkdir(join(uiDir, 'app', 'static-files', 'assets'), { recursive: true });
  await writeFile(join(uiDir, 'app', 'index.html'), '<!doctype html><title>ui</title>');
  await writeFile(join(uiDir, 'app', 'static-files', 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
  await writeFile(join(uiDir, 'app', 'static-files', 'assets', 'style.css'), 'body{}');
  await writeFile(join(uiDir, 'secret.txt'), 'top secret');
  await symlink(join(uiDir, 'secret.txt'), join(uiDir, 'app', 'static-files', 'leak.txt'));
  s = await startTestServer({
    grpcPort: undefined,
    ui: { root: join(uiDir, 'app') },
    auth: { tokens: ['t0ken-0123456789ab'] },
  });
});
afterAll(async () => {
  await s?.close();
  await rm(uiDir, { recursive: true, force: true });
});

describe('ui option', () => {
  it('serves index.html at / without caching and without credentials', async () => {
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(r.body).toContain('<title>ui</title>');
  });
  it('serves hashed assets with long caching and the right types', async () => {
    const js = await raw('/static-files/assets/index-AbCdEf12.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await raw('/static-files/assets/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
  });
  it('the API still requires credentials', async () => {
    expect((await raw('/ajax-api/2.0/mlflow/experiments/search?max_results=1')).status).toBe(401);
    expect(
      (
        await raw('/ajax-api/2.0/mlflow/experiments/search?max_results=1', {
          authorization: 'Bearer t0ken-0123456789ab',
        })
      ).status,
    ).toBe(200);
  });
  it('refuses traversal in every encoding and symlinks that leave the folder', async () => {
    for (const path of [
      '/static-files/../../secret.txt',
      '/static-files/..%2f..%2fsecret.txt',
      '/static-files/%2e%2e/%2e%2e/secret.txt',
      '/static-files/assets%5c..%5c..%5c..%5csecret.txt',
      '/static-files//etc/passwd',
      '/static-files/assets/%00.js',
      '/static-files/leak.txt',
      '/static-files/assets',
      '/static-files/missing.js',
    ]) {
      const r = await raw(path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('top secret');
    }
  });
});
