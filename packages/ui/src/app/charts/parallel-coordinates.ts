/**
 * Parallel coordinates on one canvas: an axis per param/metric (numeric, or categorical by sorted
 * distinct values), a line per run, drag on an axis to brush a range (several axes combine with AND);
 * lines outside every brush are dimmed. Lines are drawn in one path per colour.
 */
import { type PlotValue, valueScale } from './value-scale.js';

export interface PcAxis {
  key: string;
  values: PlotValue[];
}

interface Scale {
  toY(v: PlotValue): number | undefined;
  labels: { y: number; text: string }[];
}

const PAD_TOP = 28;
const PAD_BOTTOM = 24;

export class ParallelCoordinates {
  private readonly canvas: HTMLCanvasElement;
  private brushes = new Map<number, [number, number]>();
  private drag: { axis: number; y0: number } | undefined;
  private scales: Scale[] = [];

  constructor(
    private readonly host: HTMLElement,
    private axes: PcAxis[],
    private colors: string[],
    private readonly onBrush?: (selected: boolean[]) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'pc-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `Parallel coordinates of ${axes.length} axes`);
    host.append(this.canvas);
    this.canvas.addEventListener('pointerdown', (e) => {
      const axis = this.axisAt(e.offsetX);
      if (axis < 0) return;
      this.drag = { axis, y0: e.offsetY };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      const [a, b] = [this.drag.y0, e.offsetY].sort((x, y) => x - y) as [number, number];
      if (b - a > 2) this.brushes.set(this.drag.axis, [a, b]);
      this.draw();
    });
    this.canvas.addEventListener('pointerup', (e) => {
      if (this.drag && Math.abs(e.offsetY - this.drag.y0) <= 2) this.brushes.delete(this.drag.axis);
      this.drag = undefined;
      this.draw();
      this.onBrush?.(this.selection());
    });
    this.draw();
  }

  setData(axes: PcAxis[], colors: string[]): void {
    this.axes = axes;
    this.colors = colors;
    this.brushes.clear();
    this.draw();
  }

  /** Which runs pass every brush. */
  selection(): boolean[] {
    const n = this.axes[0]?.values.length ?? 0;
    const out: boolean[] = new Array(n).fill(true);
    for (const [axis, [a, b]] of this.brushes) {
      const scale = this.scales[axis];
      const values = this.axes[axis]?.values;
      if (!scale || !values) continue;
      for (let i = 0; i < n; i++) {
        const y = scale.toY(values[i]);
        if (y === undefined || y < a || y > b) out[i] = false;
      }
    }
    return out;
  }

  brush(axis: number, range: [number, number] | undefined): void {
    if (range) this.brushes.set(axis, range);
    else this.brushes.delete(axis);
    this.draw();
    this.onBrush?.(this.selection());
  }

  private x(i: number, width: number): number {
    const n = this.axes.length;
    return n <= 1 ? width / 2 : 60 + (i * (width - 120)) / (n - 1);
  }

  private axisAt(px: number): number {
    const w = this.canvas.clientWidth;
    let best = -1;
    let dist = 24;
    for (let i = 0; i < this.axes.length; i++) {
      const d = Math.abs(this.x(i, w) - px);
      if (d < dist) {
        dist = d;
        best = i;
      }
    }
    return best;
  }

  private scale(axis: PcAxis, height: number): Scale {
    const scale = valueScale(axis.values, height - PAD_BOTTOM, PAD_TOP);
    return { toY: scale.at, labels: scale.ticks.map((t) => ({ y: t.pos, text: t.text })) };
  }

  draw(): void {
    const w = this.host.clientWidth || 800;
    const h = 320;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    this.scales = this.axes.map((a) => this.scale(a, h));
    const n = this.axes[0]?.values.length ?? 0;
    const selected = this.selection();
    const byColor = new Map<string, Path2D>();
    const dim = new Path2D();
    for (let r = 0; r < n; r++) {
      const color = this.colors[r] ?? '#1f77b4';
      const path = selected[r] ? (byColor.get(color) ?? byColor.set(color, new Path2D()).get(color)) : dim;
      if (!path) continue;
      let started = false;
      for (let i = 0; i < this.axes.length; i++) {
        const y = this.scales[i]?.toY(this.axes[i]?.values[r]);
        if (y === undefined) {
          started = false;
          continue;
        }
        const x = this.x(i, w);
        if (started) path.lineTo(x, y);
        else path.moveTo(x, y);
        started = true;
      }
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(160,170,180,0.25)';
    ctx.stroke(dim);
    for (const [color, path] of byColor) {
      ctx.strokeStyle = color;
      ctx.globalAlpha = 0.8;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    this.axes.forEach((axis, i) => {
      const x = this.x(i, w);
      ctx.strokeStyle = '#52606d';
      ctx.beginPath();
      ctx.moveTo(x, PAD_TOP);
      ctx.lineTo(x, h - PAD_BOTTOM);
      ctx.stroke();
      ctx.fillStyle = '#1f2933';
      ctx.fillText(axis.key.length > 22 ? `${axis.key.slice(0, 21)}…` : axis.key, x, 14);
      ctx.textAlign = 'left';
      for (const l of this.scales[i]?.labels ?? []) ctx.fillText(l.text, x + 4, l.y + 4);
      ctx.textAlign = 'center';
      const b = this.brushes.get(i);
      if (b) {
        ctx.fillStyle = 'rgba(31,119,180,0.18)';
        ctx.fillRect(x - 8, b[0], 16, b[1] - b[0]);
      }
    });
  }

  destroy(): void {
    this.canvas.remove();
  }
}
