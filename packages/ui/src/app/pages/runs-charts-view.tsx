import { useMemo } from 'preact/hooks';
import type { ChartRun } from '../charts/metric-chart.js';
import { dashPattern, groupIndex, groupSettings } from '../charts/grouping.js';
import type { GroupSettings } from '../charts/grouping.js';
import { runColorCss } from '../components/colors.js';
import { KeySelect, Toggle } from '../components/common.js';
import { ChartSettingsBar, MetricChartPanel, chartSettings } from '../components/metric-chart-panel.js';
import { navigate } from '../lib/hooks.js';
import { jsonList, splitHash, withQuery } from '../lib/router.js';
import type { RowRun } from '../lib/runs-data.js';

const setQuery = (changes: Record<string, string | undefined>) => navigate(withQuery(location.hash, changes), true);

/** Colour / dash / subplot grouping by any param or tag, and group means with a band; all in the URL. */
function GroupBar({ groups, keys }: { groups: GroupSettings; keys: string[] }) {
  return (
    <div class="toolbar chart-groups">
      <KeySelect label="Colour by" param="groupColor" value={groups.color} keys={keys} none="None" />
      <KeySelect label="Dash by" param="groupDash" value={groups.dash} keys={keys} none="None" />
      <KeySelect label="Subplot by" param="groupFacet" value={groups.facet} keys={keys} none="None" />
      <Toggle checked={groups.mean} onChange={(on) => setQuery({ groupMean: on ? 'true' : undefined })}>
        Mean of each group
      </Toggle>
      <label>
        Band{' '}
        <select
          value={groups.band}
          disabled={!groups.mean}
          onChange={(e) =>
            setQuery({ groupBand: e.currentTarget.value === 'minmax' ? undefined : e.currentTarget.value })
          }
        >
          <option value="minmax">Min–max</option>
          <option value="std">±1 std</option>
          <option value="none">None</option>
        </select>
      </label>
    </div>
  );
}

/** Charted runs with their group's colour and dash, split into subplots by the facet column. */
function groupChartRuns(
  runs: RowRun[],
  groups: GroupSettings,
  cellOf: (run: RowRun, columnId: string) => string,
): { facet: string | undefined; runs: ChartRun[] }[] {
  const colorOf = groups.color ? (r: RowRun) => cellOf(r, groups.color) : undefined;
  const dashOf = groups.dash ? (r: RowRun) => cellOf(r, groups.dash) : undefined;
  const colors = groupIndex(colorOf ? runs.map(colorOf) : []);
  const dashes = groupIndex(dashOf ? runs.map(dashOf) : []);
  const facets = new Map<string | undefined, ChartRun[]>();
  runs.forEach((r, i) => {
    const c = colorOf?.(r);
    const d = dashOf?.(r);
    const parts = [c !== undefined ? `${groups.color}=${c}` : '', d !== undefined ? `${groups.dash}=${d}` : ''];
    const facet = groups.facet ? cellOf(r, groups.facet) : undefined;
    const list = facets.get(facet) ?? [];
    list.push({
      id: r.id,
      label: r.name,
      color: runColorCss(c !== undefined ? (colors.get(c) ?? 0) : i),
      dash: d !== undefined ? dashPattern(dashes.get(d) ?? 0) : undefined,
      group: colorOf || dashOf ? parts.filter(Boolean).join(', ') : undefined,
    });
    facets.set(facet, list);
  });
  return [...facets].map(([facet, list]) => ({ facet, runs: list }));
}

/** The experiment's chart view: one chart per chosen metric, the selected runs (or the first 10) overlaid. */
export function RunsChartsView({
  runs,
  metricKeys,
  groupKeys,
  cellOf,
  hash,
}: {
  runs: RowRun[];
  metricKeys: string[];
  /** Columns runs can be grouped by (`params.<key>`, `tags.<key>`). */
  groupKeys: string[];
  cellOf(run: RowRun, columnId: string): string;
  hash: string;
}) {
  const { query } = splitHash(hash);
  const settings = chartSettings(query);
  const groups = groupSettings(query);
  const chosen = query.get('charts') !== null ? jsonList(query.get('charts')) : metricKeys.slice(0, 6);
  const facets = useMemo(
    () => groupChartRuns(runs, groups, cellOf),
    [runs.map((r) => r.id).join(), groups.color, groups.dash, groups.facet, cellOf],
  );
  if (metricKeys.length === 0) return <p class="muted">No metrics logged in these runs.</p>;
  return (
    <section aria-label="Metric charts">
      <ChartSettingsBar settings={settings} />
      <GroupBar groups={groups} keys={groupKeys} />
      <div class="toolbar">
        <span class="muted">Metrics:</span>
        {metricKeys.slice(0, 50).map((k) => (
          <label key={k} class="chip">
            <input
              type="checkbox"
              checked={chosen.includes(k)}
              onChange={() =>
                setQuery({
                  charts: JSON.stringify(chosen.includes(k) ? chosen.filter((c) => c !== k) : [...chosen, k]),
                })
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
        {chosen.flatMap((k) =>
          facets.map((f) => (
            <MetricChartPanel
              key={`${k}\u0000${f.facet ?? ''}`}
              metricKey={k}
              title={f.facet !== undefined ? `${k} · ${groups.facet}=${f.facet || '(none)'}` : undefined}
              runs={f.runs}
              settings={settings}
              mean={groups.mean ? { band: groups.band } : undefined}
            />
          )),
        )}
      </div>
    </section>
  );
}
