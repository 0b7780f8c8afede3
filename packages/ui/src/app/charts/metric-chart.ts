/**
 * A metric line chart (uPlot) over sampled histories. The point count follows the chart's pixel
 * width; a drag-zoom on the step axis refetches that step range at full width; double-click resets.
 * Loaded lazily (uPlot is not in the first page's bundle).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries } from './align.js';
import { aggregateSeries } from './grouping.js';
import type { BandKind } from './grouping.js';
import { fetchSampledHistories, pointsForWidth } from './sampled-history.js';
import type { Series } from './sampled-history.js';
import { smooth } from './smoothing.js';
import type { SmoothingKind } from './smoothing.js';

export type XAxis = 'step' | 'relative' | 'wall';

export interface ChartRun {
  id: string;
  label: string;
  color: string;
  /** Stroke dash (the run's dash group). */
  dash?: number[];
  /** Runs with the same key are drawn as one mean line (with a band) when the chart aggregates. */
  group?: string;
}

export interface MetricChartOptions {
  metricKey: string;
  runs: ChartRun[];
  xAxis: XAxis;
  smoothing: SmoothingKind;
  weight: number;
  showRaw: boolean;
  logY: boolean;
  height: number;
  cursorSync?: string;
  /** Draw each group's mean, with a min–max or std band, instead of every run. */
  mean?: boolean;
  band?: BandKind;
}

export interface ChartEvent {
  metricKey: string;
  kind: 'fetch' | 'draw';
  runs: number;
  points: number;
  /** Lines drawn (runs, or group means) and shaded bands. */
  lines?: number;
  bands?: number;
  range?: { start: number; end: number };
  ms: number;
}

/** Every fetch and draw, for tests and the bench (`window.__chartEvents`). */
function record(e: ChartEvent): void {
  const w = window as unknown as { __chartEvents?: ChartEvent[] };
  (w.__chartEvents ??= []).push(e);
}

export class MetricChart {
  private plot: uPlot | undefined;
  private data = new Map<string, Series>();
  private range: { start: number; end: number } | undefined;
  private fetchId = 0;
  private zoomTimer = 0;
  private readonly resize: ResizeObserver;
  private width = 0;
  private ignoreScale = false;

  constructor(
    private readonly el: HTMLElement,
    private opts: MetricChartOptions,
  ) {
    this.width = Math.max(200, el.clientWidth);
    this.resize = new ResizeObserver(() => {
      const w = Math.max(200, this.el.clientWidth);
      if (Math.abs(w - this.width) < 2) return;
      this.width = w;
      this.plot?.setSize({ width: w, height: this.opts.height });
    });
    this.resize.observe(el);
    void this.load();
  }

  update(opts: MetricChartOptions): void {
    const refetch =
      opts.metricKey !== this.opts.metricKey ||
      opts.runs.map((r) => r.id).join() !== this.opts.runs.map((r) => r.id).join();
    this.opts = opts;
    if (refetch) {
      this.range = undefined;
      void this.load();
    } else this.draw();
  }

  destroy(): void {
    this.fetchId++;
    clearTimeout(this.zoomTimer);
    this.resize.disconnect();
    this.plot?.destroy();
  }

  /** The drawn plot's canvas as a PNG data URL. */
  toPng(): string | undefined {
    return this.el.querySelector('canvas')?.toDataURL('image/png');
  }

  private async load(): Promise<void> {
    const id = ++this.fetchId;
    const t0 = performance.now();
    const points = pointsForWidth(this.width, this.opts.runs.length);
    const range = this.opts.xAxis === 'step' ? this.range : undefined;
    const data = await fetchSampledHistories(
      this.opts.runs.map((r) => r.id),
      this.opts.metricKey,
      points,
      range,
    );
    if (id !== this.fetchId) return;
    let total = 0;
    for (const s of data.values()) total += s.values.length;
    record({
      metricKey: this.opts.metricKey,
      kind: 'fetch',
      runs: this.opts.runs.length,
      points: total,
      range,
      ms: performance.now() - t0,
    });
    this.data = data;
    this.draw();
  }

  private xOf(s: Series): Float64Array {
    if (this.opts.xAxis === 'step') return s.steps;
    if (this.opts.xAxis === 'wall') return s.timestamps.map((t) => t / 1000);
    const t0 = s.timestamps[0] ?? 0;
    return s.timestamps.map((t) => (t - t0) / 1000);
  }

  private draw(): void {
    const t0 = performance.now();
    const { runs, smoothing, weight, showRaw, logY, xAxis } = this.opts;
    const xs: Float64Array[] = [];
    const ys: Float64Array[] = [];
    const series: uPlot.Series[] = [{ label: xAxis === 'step' ? 'Step' : xAxis === 'wall' ? 'Time' : 'Seconds' }];
    let points = 0;
    const smoothed = smoothing !== 'none' && weight > 0;
    const bands: uPlot.Band[] = [];
    let lines = 0;
    if (this.opts.mean) {
      // one mean line per group, its band under it (uPlot fills between the band's two series)
      const groups = new Map<string, { run: ChartRun; xs: Float64Array[]; ys: Float64Array[] }>();
      for (const run of runs) {
        const s = this.data.get(run.id);
        if (!s) continue;
        const key = run.group ?? run.id;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { run, xs: [], ys: [] }));
        const x = this.xOf(s);
        points += x.length;
        g.xs.push(x);
        g.ys.push(smoothed ? smooth(x, s.values, smoothing, weight) : s.values);
      }
      const band = this.opts.band ?? 'minmax';
      for (const [key, g] of groups) {
        const agg = aggregateSeries(g.xs, g.ys, band);
        const color = g.run.color;
        if (band !== 'none') {
          const fill = `color-mix(in srgb, ${color} 22%, transparent)`;
          xs.push(agg.x, agg.x);
          ys.push(agg.upper, agg.lower);
          const hi = series.length;
          series.push({ label: `${key} (upper)`, stroke: fill, width: 0, spanGaps: true, points: { show: false } });
          series.push({ label: `${key} (lower)`, stroke: fill, width: 0, spanGaps: true, points: { show: false } });
          bands.push({ series: [hi, hi + 1], fill });
        }
        xs.push(agg.x);
        ys.push(agg.mean);
        series.push({
          label: `${key} (mean of ${g.xs.length})`,
          stroke: color,
          width: 2,
          dash: g.run.dash,
          spanGaps: true,
          points: { show: false },
        });
        lines++;
      }
    } else
      for (const run of runs) {
        const s = this.data.get(run.id);
        if (!s) continue;
        const x = this.xOf(s);
        points += x.length;
        if (smoothed && showRaw) {
          xs.push(x);
          ys.push(s.values);
          series.push({
            label: `${run.label} (raw)`,
            stroke: `${run.color}55`,
            width: 1,
            dash: run.dash,
            spanGaps: true,
            points: { show: false },
          });
        }
        xs.push(x);
        ys.push(smoothed ? smooth(x, s.values, smoothing, weight) : s.values);
        series.push({
          label: run.label,
          stroke: run.color,
          width: 1.5,
          dash: run.dash,
          spanGaps: true,
          points: { show: false },
        });
        lines++;
      }
    const aligned = alignSeries(xs, ys) as uPlot.AlignedData;
    const keepRange = this.plot && this.range ? this.range : undefined;
    this.plot?.destroy();
    this.el.replaceChildren();
    const opts: uPlot.Options = {
      width: this.width,
      height: this.opts.height,
      series,
      bands,
      legend: { show: series.length <= 13 },
      cursor: { sync: this.opts.cursorSync ? { key: this.opts.cursorSync } : undefined, drag: { x: true, y: false } },
      scales: { x: { time: xAxis === 'wall' }, y: logY ? { distr: 3 } : {} },
      axes: [
        { stroke: '#52606d', grid: { stroke: '#eef0f2' } },
        { stroke: '#52606d', grid: { stroke: '#eef0f2' }, size: 60 },
      ],
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x' || this.ignoreScale || this.opts.xAxis !== 'step') return;
            const min = u.scales.x?.min;
            const max = u.scales.x?.max;
            if (min === undefined || max === undefined || min === null || max === null) return;
            const full = u.data[0];
            // uPlot fitting the drawn data (creation, or its own double-click reset) is not a zoom.
            if (full.length === 0 || (min <= (full[0] ?? 0) && max >= (full[full.length - 1] ?? 0))) return;
            if (this.range && Math.abs(min - this.range.start) < 1e-9 && Math.abs(max - this.range.end) < 1e-9) return;
            clearTimeout(this.zoomTimer);
            this.zoomTimer = window.setTimeout(() => {
              this.range = { start: min, end: max };
              void this.load();
            }, 60);
          },
        ],
      },
    };
    this.plot = new uPlot(opts, aligned, this.el);
    this.plot.root.setAttribute('role', 'img');
    this.plot.root.setAttribute('aria-label', `Chart of ${this.opts.metricKey}`);
    if (keepRange) {
      this.ignoreScale = true;
      this.plot.setScale('x', { min: keepRange.start, max: keepRange.end });
      this.ignoreScale = false;
    }
    this.plot.over.addEventListener('dblclick', () => {
      if (this.range) {
        this.range = undefined;
        void this.load();
      }
    });
    record({
      metricKey: this.opts.metricKey,
      kind: 'draw',
      runs: runs.length,
      points,
      lines,
      bands: bands.length,
      range: this.range,
      ms: performance.now() - t0,
    });
  }
}
