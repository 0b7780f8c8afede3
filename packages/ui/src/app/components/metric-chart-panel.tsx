import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChartRun, MetricChart, MetricChartOptions, XAxis } from '../charts/metric-chart.js';
import type { BandKind } from '../charts/grouping.js';
import type { SmoothingKind } from '../charts/smoothing.js';
import { navigate } from '../lib/hooks.js';
import { withQuery } from '../lib/router.js';
import { ErrorBox, Toggle } from './common.js';

export interface ChartSettings {
  xAxis: XAxis;
  smoothing: SmoothingKind;
  weight: number;
  showRaw: boolean;
  logY: boolean;
}

/** Chart settings live in the URL: `x`, `smoothing`, `smoothWeight`, `raw`, `logY`. */
export function chartSettings(query: URLSearchParams): ChartSettings {
  const x = query.get('x');
  const kind = query.get('smoothing');
  const weight = Number(query.get('smoothWeight') ?? '0');
  return {
    xAxis: x === 'relative' || x === 'wall' ? x : 'step',
    smoothing: kind === 'ema' || kind === 'running' || kind === 'gaussian' || kind === 'none' ? kind : 'twema',
    weight: Number.isFinite(weight) ? Math.min(0.99, Math.max(0, weight)) : 0,
    showRaw: query.get('raw') !== 'false',
    logY: query.get('logY') === 'true',
  };
}

export function ChartSettingsBar({ settings }: { settings: ChartSettings }) {
  const set = (changes: Record<string, string | undefined>) => navigate(withQuery(location.hash, changes), true);
  return (
    <div class="toolbar chart-settings">
      <label>
        X axis{' '}
        <select
          value={settings.xAxis}
          onChange={(e) => set({ x: e.currentTarget.value === 'step' ? undefined : e.currentTarget.value })}
        >
          <option value="step">Step</option>
          <option value="relative">Relative time</option>
          <option value="wall">Wall time</option>
        </select>
      </label>
      <label>
        Smoothing{' '}
        <select value={settings.smoothing} onChange={(e) => set({ smoothing: e.currentTarget.value })}>
          <option value="twema">Time-weighted EMA</option>
          <option value="ema">EMA</option>
          <option value="running">Running average</option>
          <option value="gaussian">Gaussian</option>
          <option value="none">None</option>
        </select>
      </label>
      <label>
        Weight{' '}
        <input
          type="range"
          min="0"
          max="0.99"
          step="0.01"
          value={settings.weight}
          onInput={(e) => set({ smoothWeight: e.currentTarget.value === '0' ? undefined : e.currentTarget.value })}
        />{' '}
        <output>{settings.weight.toFixed(2)}</output>
      </label>
      <Toggle checked={settings.showRaw} onChange={(on) => set({ raw: on ? undefined : 'false' })}>
        Raw line
      </Toggle>
      <Toggle checked={settings.logY} onChange={(on) => set({ logY: on ? 'true' : undefined })}>
        Log Y
      </Toggle>
    </div>
  );
}

/** One metric's chart; uPlot and the chart code load on first use. */
export function MetricChartPanel({
  metricKey,
  runs,
  settings,
  height = 260,
  title,
  mean,
}: {
  metricKey: string;
  runs: ChartRun[];
  settings: ChartSettings;
  height?: number;
  /** The caption, when not the metric key (a subplot of a group). */
  title?: string;
  /** Draw group means with this band instead of every run. */
  mean?: { band: BandKind };
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<MetricChart>();
  const [error, setError] = useState<Error>();
  const opts: MetricChartOptions = {
    metricKey,
    runs,
    height,
    cursorSync: 'metrics',
    ...settings,
    mean: mean !== undefined,
    band: mean?.band,
  };
  const latest = useRef(opts);
  latest.current = opts;
  useEffect(() => {
    let live = true;
    import('../charts/metric-chart.js').then(
      (m) => {
        if (!live || !ref.current) return;
        chart.current = new m.MetricChart(ref.current, latest.current);
      },
      (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    chart.current?.update(opts);
  }, [
    metricKey,
    runs.map((r) => `${r.id}:${r.color}:${r.group ?? ''}:${r.dash?.join(' ') ?? ''}`).join(),
    mean?.band,
    settings.xAxis,
    settings.smoothing,
    settings.weight,
    settings.showRaw,
    settings.logY,
  ]);
  return (
    <figure class="chart-card">
      <figcaption>
        <span>{title ?? metricKey}</span>
        <button
          type="button"
          class="link small"
          onClick={() => {
            const url = chart.current?.toPng();
            if (!url) return;
            const a = document.createElement('a');
            a.href = url;
            a.download = `${metricKey}.png`;
            a.click();
          }}
        >
          PNG
        </button>
      </figcaption>
      {error ? <ErrorBox error={error} /> : null}
      <div class="chart" ref={ref} data-metric={metricKey} />
    </figure>
  );
}
