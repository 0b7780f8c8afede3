import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uiIsBuilt } from '@mlflow-ts/ui';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../cli-context.js';
import type { CliIO } from '../../cli-context.js';
import { startInProcess } from '../../../test/cli-harness.js';
import { runUi, uiCommand } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-cli-ui-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mlflow-ts ui', () => {
  it("has MLflow's defaults: ./mlruns on 127.0.0.1:5000", () => {
    const io: CliIO = { stdout: () => {}, stderr: () => {}, stderrIsTTY: false, env: {} };
    const cmd = uiCommand(createCliContext(io));
    const def = (flag: string) => cmd.options.find((o) => o.long === flag)?.defaultValue;
    expect([def('--backend-store-uri'), def('--host'), def('--port')]).toEqual(['./mlruns', '127.0.0.1', 5000]);
  });

  it('serves the built UI at / with its assets, and the REST API', async () => {
    // turbo builds @mlflow-ts/ui before the CLI's tests (a dependency); npm ci builds it too
    expect(uiIsBuilt()).toBe(true);
    const srv = await startInProcess((ctx, signal) =>
      runUi(
        ctx,
        {
          backendStoreUri: join(dir, 'mlruns'),
          artifactsDestination: join(dir, 'art'),
          serveArtifacts: true,
          host: '127.0.0.1',
          port: 0,
        },
        signal,
      ),
    );
    const url = (await srv.waitForLine(/UI: (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
    const page = await fetch(url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const script = /src="\.\/(static-files\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${url}ajax-api/2.0/mlflow/experiments/search?max_results=5`);
    const body = (await api.json()) as { experiments: { name: string }[] };
    expect(body.experiments.map((e) => e.name)).toContain('Default');
    await srv.stop();
  });
});
