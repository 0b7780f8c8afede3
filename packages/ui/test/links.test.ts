/**
 * Every link form MLflow's clients print (`View run … at: http://127.0.0.1:5000/#/experiments/<id>/runs/<run_id>`,
 * registry and compare links) opens the right page of our UI, served by our server at `/`.
 */
import { describe, expect, it } from 'vitest';
import type { Recorded } from './browser.js';
import { withFixturePage } from './fixture-page.js';
import type { Fixture } from './fixture-server.js';

let fx: Fixture;
let rec: Recorded;

withFixturePage((f, r) => {
  fx = f;
  rec = r;
});

describe('MLflow link forms', () => {
  it('each lands on its page', async () => {
    const run = fx.runIds[3] ?? '';
    const enc = encodeURIComponent;
    const cases: [string, string][] = [
      [`/#/experiments/${fx.experimentId}/runs/${run}`, 'run-03'],
      [`/#/experiments/${fx.experimentId}`, 'iris-classifier'],
      [`/#/experiments/${fx.experimentId}/runs/${run}/artifacts`, 'run-03'],
      [`/#/runs/${run}`, 'run-03'],
      [
        `/#/compare-runs?runs=${enc(JSON.stringify([run, fx.runIds[4]]))}&experiments=${enc(JSON.stringify([fx.experimentId]))}`,
        'Comparing 2 runs',
      ],
      [
        `/#/compare-experiments/s?experiments=${enc(JSON.stringify([fx.experimentId, fx.otherExperimentId]))}`,
        'iris-classifier, sentiment',
      ],
      [
        `/#/metric/loss?runs=${enc(JSON.stringify([run]))}&experiments=${enc(JSON.stringify([fx.experimentId]))}`,
        'loss',
      ],
      ['/#/models', 'Registered models'],
      [`/#/models/${enc(fx.modelName)}`, fx.modelName],
      [`/#/models/${enc(fx.modelName)}/versions/1`, `${fx.modelName} · Version 1`],
      ['/', 'Experiments'],
      ['/#/no/such/page', 'Page not found'],
    ];
    for (const [path, heading] of cases) {
      rec.clear();
      await rec.page.goto(`${fx.baseUrl}${path}`);
      await rec.page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor({ timeout: 10_000 });
      expect(rec.errors, path).toEqual([]);
    }
  });
  it('the run page of a link loads with one runs/get, no full metric histories', async () => {
    rec.clear();
    await rec.page.goto(`${fx.baseUrl}/#/experiments/${fx.experimentId}/runs/${fx.runIds[0]}`);
    await rec.page.getByRole('heading', { level: 1, name: 'run-00' }).waitFor();
    expect(rec.requests.filter((r) => r.path.includes('runs/get'))).toHaveLength(1);
    expect(rec.requests.filter((r) => r.path.includes('metrics/get-history?'))).toHaveLength(0);
  });
});
