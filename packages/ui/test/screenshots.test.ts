/**
 * Screenshot baselines of the main pages (committed PNGs in test/screenshots, taken by this same
 * headless chromium), compared with pixelmatch. Values that change per run (ids, creation times)
 * are masked. `UPDATE_SNAPSHOTS=1` rewrites the baselines; `UPDATE_DOCS_SCREENSHOTS=1` also writes
 * the README's copies under docs/screenshots.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Recorded } from './browser.js';
import { withFixturePage } from './fixture-page.js';
import type { Fixture } from './fixture-server.js';

const BASELINES = fileURLToPath(new URL('./screenshots/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
/** Share of pixels allowed to differ (font rasterization differences between machines). */
const MAX_DIFF = 0.02;

let fx: Fixture;
let rec: Recorded;

withFixturePage((f, r) => {
  fx = f;
  rec = r;
});

async function compare(name: string, mask: Locator[]): Promise<void> {
  const shot = await rec.page.screenshot({ animations: 'disabled', caret: 'hide', mask, maskColor: '#c8cdd2' });
  if (process.env.UPDATE_DOCS_SCREENSHOTS) {
    await mkdir(DOCS, { recursive: true });
    await writeFile(`${DOCS}${name}.png`, shot);
  }
  const file = `${BASELINES}${name}.png`;
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(file)) {
    await writeFile(file, shot);
    if (!process.env.UPDATE_SNAPSHOTS)
      throw new Error(`No baseline for ${name}: wrote one, commit it (UPDATE_SNAPSHOTS=1 to rewrite)`);
    return;
  }
  const expected = PNG.sync.read(await readFile(file));
  const actual = PNG.sync.read(shot);
  expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
  const diff = new PNG({ width: expected.width, height: expected.height });
  const changed = pixelmatch(expected.data, actual.data, diff.data, expected.width, expected.height, {
    threshold: 0.1,
  });
  if (changed / (expected.width * expected.height) > MAX_DIFF) {
    await writeFile(`${BASELINES}${name}.diff.png`, PNG.sync.write(diff));
    await writeFile(`${BASELINES}${name}.actual.png`, shot);
  }
  expect(changed / (expected.width * expected.height), `${name}: ${changed} pixels differ`).toBeLessThanOrEqual(
    MAX_DIFF,
  );
}

describe('screenshots', () => {
  it('experiments list', async () => {
    const { page } = rec;
    await page.goto(`${fx.baseUrl}/#/experiments`);
    await page.getByRole('link', { name: 'iris-classifier' }).waitFor();
    const table = page.getByRole('table', { name: 'Experiments' });
    await compare('experiments', [table.locator('td:nth-child(3), td:nth-child(4), td:nth-child(5), td:nth-child(6)')]);
  });
  it('runs table', async () => {
    const { page } = rec;
    await page.goto(`${fx.baseUrl}/#/experiments/${fx.experimentId}`);
    await page.locator('.grid-host[data-rows="15"]').waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await compare('runs-table', [page.locator('.page-head .muted')]);
  });
  it('run charts', async () => {
    const { page } = rec;
    await page.goto(
      `${fx.baseUrl}/#/experiments/${fx.otherExperimentId}/runs/${fx.longRunId}/model-metrics?smoothing=twema&smoothWeight=0.97`,
    );
    await page.waitForFunction(() =>
      ((window as unknown as { __chartEvents?: { kind: string }[] }).__chartEvents ?? []).some(
        (e) => e.kind === 'draw',
      ),
    );
    await compare('run-charts', []);
  });
  it('run overview', async () => {
    const { page } = rec;
    await page.goto(`${fx.baseUrl}/#/experiments/${fx.experimentId}/runs/${fx.runIds[0]}`);
    await page.getByRole('table', { name: /Parameters/ }).waitFor();
    await page.getByRole('table', { name: 'Registered models' }).waitFor();
    const about = page.getByRole('table', { name: 'About this run' });
    await compare('run-overview', [about.locator('code'), page.locator('.breadcrumbs')]);
  });
  it('model page', async () => {
    const { page } = rec;
    await page.goto(`${fx.baseUrl}/#/models/${fx.modelName}`);
    await page.getByRole('table', { name: 'Model versions' }).getByRole('link', { name: 'Version 2' }).waitFor();
    await compare('model', [
      page.locator('main > p.muted'),
      page.getByRole('table', { name: 'Model versions' }).locator('td:nth-child(3)'),
    ]);
  });
});
