#!/usr/bin/env node
// Web UI benchmark: the built @mlflow-ts/ui in Debian's headless chromium (playwright-core), served by
// @mlflow-ts/store-grpc's server over the in-memory reference store (filled through logBatch; the
// store's own speed is benched in store-fs/store-service). Measures the issue-14 budgets and replays
// MLflow's UI request pattern (100-run pages, 320-point samples, one runs/get per compared run)
// against the same server. Prints a markdown section `## web UI`. Needs a build (`npm ci` does one).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createMemoryRegistryStore, createMemoryTrackingStore } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import { uiDistDir } from '@mlflow-ts/ui';
import { chromium } from 'playwright-core';
import { median } from './lib.mjs';

// runs×columns tables: the budget's 100k × 200 (the table loads windows of the columnar runs search as it
// scrolls, so the page never holds all 20M values).
const TABLES = (process.env.UI_BENCH_TABLES ?? '100000x200').split(',').map((t) => t.split('x').map(Number));
const OVERLAY_RUNS = 1000;
const LONG_STEPS = Number(process.env.UI_BENCH_STEPS ?? 1_000_000);
const REPEAT = Number(process.env.UI_BENCH_REPEAT ?? 3);
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const ms = (v) => (v === undefined ? 'n/a' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const log = (m) => process.stderr.write(`ui bench: ${m}\n`);
const verdict = (v, budget) =>
  v === undefined ? '' : v <= budget ? 'met' : v <= budget * 1.5 ? 'within 1.5×' : '**over**';

// ---- the idle rAF floor on this machine now (what a frame costs with nothing to draw)
async function idleFrames(ctx) {
  const page = await ctx.newPage();
  await page.setContent('<p>idle</p>');
  const d = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const out = [];
        let last = performance.now();
        const f = (t) => {
          out.push(t - last);
          last = t;
          if (out.length < 200) requestAnimationFrame(f);
          else resolve(out.slice(5));
        };
        requestAnimationFrame(f);
      }),
  );
  await page.close();
  return { p50: median(d), p95: p95(d) };
}

// ---- bundle
function bundle() {
  const dir = path.join(uiDistDir(), 'static-files', 'assets');
  const html = readFileSync(path.join(uiDistDir(), 'index.html'), 'utf8');
  const rows = [];
  let first = 0;
  for (const f of readdirSync(dir).sort()) {
    const gz = gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length;
    const initial = html.includes(f);
    if (initial && f.endsWith('.js')) first += gz;
    rows.push({ f, raw: statSync(path.join(dir, f)).size, gz, initial });
  }
  return { rows, first };
}

// ---- stores: the tables in the memory store (fast to fill), the metric histories in store-fs (its
// bulk-interval sampling is the fast path a real server has)
async function fillTables() {
  const tracking = createMemoryTrackingStore({ artifactRoot: 'mlflow-artifacts:/' });
  const experiments = [];
  for (const [runs, cols] of TABLES) {
    const t0 = performance.now();
    const id = await tracking.createExperiment({ name: `big-${runs}x${cols}` });
    const half = Math.floor(cols / 2);
    for (let i = 0; i < runs; i++) {
      const run = await tracking.createRun({
        experiment_id: id,
        run_name: `run-${i}`,
        start_time: 1_700_000_000_000 + i,
      });
      const metrics = [];
      const params = [];
      for (let c = 0; c < half; c++)
        metrics.push({ key: `m${c}`, value: ((i * 7 + c * 13) % 1000) / 1000, timestamp: 1, step: 0 });
      for (let c = 0; c < cols - half; c++) params.push({ key: `p${c}`, value: String((i + c) % 17) });
      await tracking.logBatch(run.info.run_id, { metrics, params });
    }
    experiments.push({ id, runs, cols, fillMs: performance.now() - t0 });
    log(`table ${runs}x${cols} filled`);
  }
  return { tracking, experiments };
}

async function fillHistories(root) {
  const tracking = createFsTrackingStore({ root, defaultArtifactRoot: 'mlflow-artifacts:/' });
  const overlay = await tracking.createExperiment({ name: 'overlay' });
  const overlayIds = [];
  for (let i = 0; i < OVERLAY_RUNS; i++) {
    const run = await tracking.createRun({
      experiment_id: overlay,
      run_name: `o-${i}`,
      start_time: 1_700_000_000_000 + i,
    });
    const metrics = [];
    for (let s = 0; s < 1000; s++)
      metrics.push({
        key: 'loss',
        value: Math.exp(-s / (200 + i)) + (s % 7) / 100,
        timestamp: 1_700_000_000_000 + s,
        step: s,
      });
    await tracking.logBatch(run.info.run_id, { metrics });
    await tracking.logBatch(run.info.run_id, { params: [{ key: 'lr', value: String(i % 10) }] });
    overlayIds.push(run.info.run_id);
  }
  log('overlay runs filled');
  const longExp = await tracking.createExperiment({ name: 'long' });
  const long = (await tracking.createRun({ experiment_id: longExp, run_name: 'long' })).info.run_id;
  for (let s = 0; s < LONG_STEPS; s += 1000) {
    const metrics = [];
    for (let k = s; k < Math.min(LONG_STEPS, s + 1000); k++)
      metrics.push({
        key: 'loss',
        value: Math.exp(-k / 300_000) + 0.05 * Math.sin(k / 50),
        timestamp: 1_700_000_000_000 + k,
        step: k,
      });
    await tracking.logBatch(long, { metrics });
  }
  log('long run filled');
  return { tracking, overlay, overlayIds, longExp, long };
}

async function serve(tracking, artifacts) {
  const server = createStoreServer({
    tracking,
    registry: createMemoryRegistryStore(),
    artifacts: { root: artifacts },
    port: 0,
    ui: { root: uiDistDir() },
  });
  const { httpPort } = await server.listen();
  return { server, base: `http://127.0.0.1:${httpPort}` };
}

async function main() {
  const b = bundle();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ui-bench-'));
  const tables = await fillTables();
  const st = await fillHistories(path.join(tmp, 'mlruns'));
  const a = await serve(tables.tracking, path.join(tmp, 'a'));
  const h = await serve(st.tracking, path.join(tmp, 'h'));
  const profile = await mkdtemp(path.join(os.tmpdir(), 'ui-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 800 },
  });
  ctx.setDefaultTimeout(180_000);
  const results = {};
  try {
    // ---- table: interactive time, then scroll frames, then heap
    results.tables = [];
    results.idle = await idleFrames(ctx);
    for (const exp of tables.experiments) {
      const base = a.base;
      const interactive = [];
      const firstPage = performance.now();
      await fetch(`${base}/ajax-api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          experiment_ids: [exp.id],
          run_view_type: 'ACTIVE_ONLY',
          max_results: 500,
          order_by: ['attributes.start_time DESC'],
        }),
      }).then((r) => r.arrayBuffer());
      const serverFirstPage = performance.now() - firstPage;
      let scroll;
      let heap;
      let loadAll;
      for (let r = 0; r < REPEAT; r++) {
        const page = await ctx.newPage();
        await page.goto(`${base}/#/experiments`);
        await page.waitForSelector('h1');
        const t0 = Date.now();
        await page.evaluate((h) => {
          location.hash = h;
        }, `#/experiments/${exp.id}`);
        await page.waitForFunction(
          () => document.querySelectorAll('.grid-pinned-row a[href*="/runs/"]').length > 5,
          undefined,
          { timeout: 120_000, polling: 'raf' },
        );
        interactive.push(Date.now() - t0);
        if (r === REPEAT - 1) {
          // visit every row: runs/search pages grow the table as it scrolls; columnar windows of 1,000
          // rows load where the table is scrolled to (the heap is measured after every window was seen)
          const t1 = Date.now();
          await page.evaluate(async () => {
            const host = document.querySelector('.grid-host');
            const g = window.__grid;
            const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
            while (host.getAttribute('data-done') !== 'true') {
              g.scrollTo(1e12);
              await sleep(50);
            }
            const rows = Number(host.getAttribute('data-rows'));
            const rowH = g.scrollElement.scrollHeight / Math.max(1, rows);
            for (let r = 0; r < rows; r += 1000) {
              g.scrollTo(r * rowH);
              while (g.cellText(r, 'attributes.status') === '') await sleep(10);
            }
          });
          loadAll = Date.now() - t1;
          const cdp = await ctx.newCDPSession(page);
          await cdp.send('HeapProfiler.collectGarbage');
          heap = (await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20;
          scroll = await page.evaluate(
            () =>
              new Promise((resolve) => {
                const g = window.__grid;
                g.scrollTo(0, 0);
                const deltas = [];
                let last = performance.now();
                let n = 0;
                const step = (t) => {
                  deltas.push(t - last);
                  last = t;
                  g.scrollTo(g.scrollElement.scrollTop + 120, g.scrollElement.scrollLeft + 30);
                  if (++n < 300) requestAnimationFrame(step);
                  else resolve(deltas.slice(5));
                };
                requestAnimationFrame(step);
              }),
          );
        }
        await page.close();
      }
      const row = {
        serverFirstPage,
        ...exp,
        interactive: median(interactive),
        loadAll,
        heap,
        p50: median(scroll),
        p95: p95(scroll),
        over20: scroll.filter((d) => d > 20).length,
      };
      results.tables.push(row);
      log(`table ${JSON.stringify(row)}`);
    }
    const base = h.base;

    // ---- 1M-step chart: draw time after the data arrives, zoom refetch
    {
      const draws = [];
      const zooms = [];
      for (let r = 0; r < REPEAT; r++) {
        const page = await ctx.newPage();
        await page.goto(`${base}/#/experiments/${st.longExp}/runs/${st.long}/model-metrics?smoothWeight=0`);
        await page.waitForFunction(() => (window.__chartEvents ?? []).some((e) => e.kind === 'draw'), undefined, {
          timeout: 60_000,
        });
        draws.push((await page.evaluate(() => window.__chartEvents.find((e) => e.kind === 'draw'))).ms);
        const box = await page.locator('.u-over').boundingBox();
        const before = await page.evaluate(() => window.__chartEvents.length);
        const t0 = Date.now();
        await page.mouse.move(box.x + box.width * 0.3, box.y + 20);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.5, box.y + 20, { steps: 3 });
        await page.mouse.up();
        await page.waitForFunction(
          (n) => window.__chartEvents.slice(n).some((e) => e.kind === 'draw' && e.range),
          before,
        );
        const ev = await page.evaluate((n) => window.__chartEvents.slice(n), before);
        zooms.push({
          wall: Date.now() - t0,
          fetch: ev.find((e) => e.kind === 'fetch')?.ms,
          draw: ev.find((e) => e.kind === 'draw')?.ms,
          points: ev.find((e) => e.kind === 'fetch')?.points,
        });
        await page.close();
      }
      results.chart = {
        draw: median(draws),
        zoomFetchDraw: median(zooms.map((z) => (z.fetch ?? 0) + (z.draw ?? 0))),
        zoomWall: median(zooms.map((z) => z.wall)),
        points: zooms[0]?.points,
      };
      log(`chart ${JSON.stringify(results.chart)}`);
    }

    // ---- compare 1,000 runs: requests and overlay time
    {
      const times = [];
      const phases = [];
      let requests;
      for (let r = 0; r < REPEAT; r++) {
        const page = await ctx.newPage();
        await page.goto(`${base}/#/experiments`);
        await page.waitForSelector('h1');
        const reqs = [];
        page.on('request', (q) => {
          if (q.url().includes('/ajax-api/')) reqs.push(q.url().replace(base, '').split('?')[0]);
        });
        const t0 = Date.now();
        const hash = `#/compare-runs?runs=${encodeURIComponent(JSON.stringify(st.overlayIds))}&experiments=${encodeURIComponent(JSON.stringify([st.overlay]))}`;
        await page.evaluate((h) => {
          location.hash = h;
        }, hash);
        await page.waitForFunction(
          () => (window.__chartEvents ?? []).some((e) => e.kind === 'draw' && e.runs === 1000),
          undefined,
          { timeout: 120_000 },
        );
        times.push(Date.now() - t0);
        // where the time went: the chart's history request (server sampling + transfer + decode) and its draw
        const ev = await page.evaluate(() => window.__chartEvents.filter((e) => e.runs === 1000));
        phases.push({ fetch: ev.find((e) => e.kind === 'fetch')?.ms, draw: ev.find((e) => e.kind === 'draw')?.ms });
        requests = reqs;
        await page.close();
      }
      const count = (s) => requests.filter((p) => p.includes(s)).length;
      results.compare = {
        overlay: median(times),
        chartFetch: median(phases.map((p) => p.fetch ?? 0)),
        chartDraw: median(phases.map((p) => p.draw ?? 0)),
        runsSearch: count('runs/search'),
        runsGet: count('runs/get'),
        bulk: count('get-history-bulk-interval'),
        total: requests.length,
      };
      log(`compare ${JSON.stringify(results.compare)}`);
    }

    // ---- MLflow's UI request pattern vs ours, replayed with fetch against the same server
    {
      const post = (p, body) =>
        fetch(`${base}/ajax-api/2.0/mlflow/${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const get = (p, q) => fetch(`${base}/ajax-api/2.0/mlflow/${p}?${q}`).then((r) => r.json());
      const time = async (fn) => {
        const t = performance.now();
        const n = await fn();
        return { ms: performance.now() - t, n };
      };
      const ids = st.overlayIds;
      const mlflowCompare = await time(async () => {
        await get('experiments/get', `experiment_id=${st.overlay}`);
        for (let i = 0; i < ids.length; i += 10)
          await Promise.all(ids.slice(i, i + 10).map((id) => get('runs/get', `run_id=${id}`)));
        return ids.length + 1;
      });
      const oursCompare = await time(async () => {
        await Promise.all(
          [0, 500].map((o) =>
            post('runs/search', {
              experiment_ids: [st.overlay],
              filter: `attributes.run_id IN (${ids
                .slice(o, o + 500)
                .map((x) => `'${x}'`)
                .join(',')})`,
              max_results: 500,
            }),
          ),
        );
        return 2;
      });
      const bulk = (points) =>
        time(async () => {
          const parts = [];
          for (let i = 0; i < ids.length; i += 100)
            parts.push(
              get(
                'metrics/get-history-bulk-interval',
                `${ids
                  .slice(i, i + 100)
                  .map((x) => `run_ids=${x}`)
                  .join('&')}&metric_key=loss&max_results=${points}`,
              ),
            );
          await Promise.all(parts);
          return parts.length;
        });
      const mlflowChart = await bulk(320);
      const oursChart = await bulk(2400);
      const pages = async (size, n) =>
        time(async () => {
          let token;
          let k = 0;
          do {
            const r = await post('runs/search', {
              experiment_ids: [st.overlay],
              max_results: size,
              order_by: ['attributes.start_time DESC'],
              page_token: token,
            });
            token = r.next_page_token;
            k++;
          } while (token && k < n);
          return k;
        });
      const mlflowTable = await pages(100, 10);
      const oursTable = await pages(1000, 1);
      results.replay = { mlflowCompare, oursCompare, mlflowChart, oursChart, mlflowTable, oursTable };
    }
  } finally {
    await ctx.close();
    await a.server.close();
    await h.server.close();
    await st.tracking.close?.();
    await rm(profile, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  }

  const c = results.chart;
  const cmp = results.compare;
  const rp = results.replay;
  const out = [];
  out.push('## web UI');
  out.push('');
  out.push(
    `\`bench/ui.bench.mjs\`: the built UI in headless Debian chromium (${ARGS.join(' ')}), served by store-grpc's server over the in-memory reference store; medians of ${REPEAT} runs, ${os.cpus().length} cores shared with whatever else runs. Budgets from issue 14.`,
  );
  out.push('');
  out.push('| measure | result | budget | |');
  out.push('|---|---|---|---|');
  out.push(
    `| first page JS (gzip -9) | ${(b.first / 1024).toFixed(1)} KB | ≤ 150 KB | ${verdict(b.first / 1024, 150)} |`,
  );
  for (const t of results.tables) {
    const label = `${t.runs.toLocaleString('en')} runs × ${t.cols} columns`;
    out.push(
      `| ${label}: table interactive (navigation → first rows drawn; the server's first 500-run page alone: ${ms(t.serverFirstPage)}) | ${ms(t.interactive)} | ≤ 1,500 ms | ${verdict(t.interactive, 1500)} |`,
    );
    out.push(
      `| ${label}: visit every row (a columnar window of 1,000 rows per 1,000 rows scrolled) | ${ms(t.loadAll)} | — | |`,
    );
    out.push(
      `| ${label}: scroll frames over all rows (120 px down + 30 px right per frame), p50 / p95 | ${ms(t.p50)} / ${ms(t.p95)} (${t.over20} of 295 > 20 ms; idle rAF p95 ${ms(results.idle.p95)}) | p95 ≤ 20 ms | ${verdict(t.p95, 20)} |`,
    );
    out.push(
      `| ${label}: JS heap after every row was shown (after GC) | ${t.heap.toFixed(0)} MB | ≤ 300 MB | ${verdict(t.heap, 300)} |`,
    );
  }
  out.push(
    `| ${LONG_STEPS.toLocaleString('en')}-step metric: chart drawn after its data arrives | ${ms(c.draw)} | ≤ 100 ms | ${verdict(c.draw, 100)} |`,
  );
  out.push(
    `| zoom refetch (request + draw of ${c.points} points) / wall time from mouse-up incl. debounce | ${ms(c.zoomFetchDraw)} / ${ms(c.zoomWall)} | ≤ 150 ms | ${verdict(c.zoomFetchDraw, 150)} |`,
  );
  out.push(
    `| ${OVERLAY_RUNS} runs overlaid on one metric (navigation → chart drawn, incl. table and parallel coordinates; of it the chart's history request ${ms(cmp.chartFetch)}, its draw ${ms(cmp.chartDraw)}) | ${ms(cmp.overlay)} | ≤ 700 ms | ${verdict(cmp.overlay, 700)} |`,
  );
  out.push(
    `| requests to load and chart ${OVERLAY_RUNS} compared runs | ${cmp.runsSearch} runs/search, ${cmp.runsGet} runs/get, ${cmp.bulk} history request(s) for the chart | ≤ 3 | ${verdict(cmp.runsSearch + cmp.runsGet + cmp.bulk, 3)} |`,
  );
  out.push('');
  out.push(
    "MLflow's UI request pattern replayed against the same server (fetch from Node, 10 requests in flight like a browser):",
  );
  out.push('');
  out.push('| task | MLflow UI pattern | mlflow-ts UI |');
  out.push('|---|---|---|');
  out.push(
    `| compare ${OVERLAY_RUNS} runs | ${rp.mlflowCompare.n} requests (experiments/get + one runs/get per run), ${ms(rp.mlflowCompare.ms)} | ${rp.oursCompare.n} runs/search with \`run_id IN\`, ${ms(rp.oursCompare.ms)} |`,
  );
  out.push(
    `| overlay ${OVERLAY_RUNS} runs' metric | ${rp.mlflowChart.n} bulk-interval requests at 320 points, ${ms(rp.mlflowChart.ms)} | ${rp.oursChart.n} requests at ~2 points per pixel (2,400), ${ms(rp.oursChart.ms)} |`,
  );
  out.push(
    `| first 1,000 runs of an experiment | ${rp.mlflowTable.n} pages of 100, ${ms(rp.mlflowTable.ms)} | ${rp.oursTable.n} page of 1,000, ${ms(rp.oursTable.ms)} |`,
  );
  out.push('');
  out.push('| asset | bytes | gzip | first page |');
  out.push('|---|---|---|---|');
  for (const r of b.rows)
    out.push(
      `| ${r.f.replace(/-[A-Za-z0-9_-]{8}\./, '.')} | ${r.raw.toLocaleString('en')} | ${r.gz.toLocaleString('en')} | ${r.initial ? 'yes' : 'lazy'} |`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
