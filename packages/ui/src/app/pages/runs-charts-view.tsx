import { useMemo } from 'preact/hooks';
import { runColorCss } from '../components/colors.js';
import { ChartSettingsBar, MetricChartPanel, chartSettings } from '../components/metric-chart-panel.js';
import { navigate } from '../lib/hooks.js';
import { jsonList, splitHash, withQuery } from '../lib/router.js';
import type { RowRun } from '../lib/runs-data.js';

/** The experiment's chart view: one chart per chosen metric, the selected runs (or the first 10) overlaid. */
export function RunsChartsView({ runs, metricKeys, hash }: { runs: RowRun[]; metricKeys: string[]; hash: string }) {
  const { query } = splitHash(hash);
  const settings = chartSettings(query);
  const chosen = query.get('charts') !== null ? jsonList(query.get('charts')) : metricKeys.slice(0, 6);
  const chartRuns = useMemo(
    () => runs.map((r, i) => ({ id: r.id, label: r.name, color: runColorCss(i) })),
    [runs.map((r) => r.id).join()],
  );
  if (metricKeys.length === 0) return <p class="muted">No metrics logged in these runs.</p>;
  return (
    <section aria-label="Metric charts">
      <ChartSettingsBar settings={settings} />
      <div class="toolbar">
        <span class="muted">Metrics:</span>
        {metricKeys.slice(0, 50).map((k) => (
          <label key={k} class="chip">
            <input
              type="checkbox"
              checked={chosen.includes(k)}
              onChange={() =>
                navigate(
                  withQuery(location.hash, {
                    charts: JSON.stringify(chosen.includes(k) ? chosen.filter((c) => c !== k) : [...chosen, k]),
                  }),
                  true,
                )
              }
            />{' '}
            {k}
          </label>
        ))}
      </div>
      <p class="muted small">
        {runs.length} runs charted. Drag to zoom (refetches that step range); double-click to reset.
      </p>
      <div class="chart-grid">
        {chosen.map((k) => (
          <MetricChartPanel key={k} metricKey={k} runs={chartRuns} settings={settings} />
        ))}
      </div>
    </section>
  );
}
