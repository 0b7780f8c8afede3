/**
 * A param-vs-metric (or any-vs-any) scatter on one canvas: a dot per run in its colour, numeric or
 * categorical axes (categorical dots are spread a little so equal values stay visible), the hovered
 * run named beside the pointer, a click opens it.
 */
import { type PlotValue, type ValueScale, valueScale } from './value-scale.js';

export interface ScatterData {
  xKey: string;
  yKey: string;
  x: PlotValue[];
  y: PlotValue[];
  labels: string[];
  colors: string[];
}

export interface ScatterPoint {
  index: number;
  px: number;
  py: number;
}

const PAD = { left: 64, right: 16, top: 12, bottom: 40 };
const HEIGHT = 320;
const RADIUS = 4;

/** A small deterministic offset (±0.3 of a category step) so runs with equal categories do not overlap. */
function jitter(i: number, step: number): number {
  const h = Math.sin(i * 12.9898) * 43758.5453;
  return (h - Math.floor(h) - 0.5) * 0.6 * step;
}

export class ScatterPlot {
  private readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private points: ScatterPoint[] = [];

  constructor(
    private readonly host: HTMLElement,
    private data: ScatterData,
    private readonly onOpen?: (index: number) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'scatter-canvas';
    this.canvas.setAttribute('role', 'img');
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    host.append(this.canvas, this.tip);
    this.canvas.addEventListener('pointermove', (e) => this.hover(e.offsetX, e.offsetY));
    this.canvas.addEventListener('pointerleave', () => {
      this.tip.hidden = true;
    });
    this.canvas.addEventListener('click', (e) => {
      const p = this.pointAt(e.offsetX, e.offsetY);
      if (p) this.onOpen?.(p.index);
    });
    this.draw();
  }

  setData(data: ScatterData): void {
    this.data = data;
    this.draw();
  }

  /** The drawn dots (runs missing either value are not drawn). */
  plotted(): ScatterPoint[] {
    return this.points;
  }

  /** The dot under a pointer position, nearest first, within a few pixels. */
  pointAt(px: number, py: number): ScatterPoint | undefined {
    let best: ScatterPoint | undefined;
    let dist = (RADIUS + 3) ** 2;
    for (const p of this.points) {
      const d = (p.px - px) ** 2 + (p.py - py) ** 2;
      if (d <= dist) {
        dist = d;
        best = p;
      }
    }
    return best;
  }

  private hover(px: number, py: number): void {
    const p = this.pointAt(px, py);
    this.canvas.style.cursor = p ? 'pointer' : 'default';
    if (!p) {
      this.tip.hidden = true;
      return;
    }
    const { labels, x, y, xKey, yKey } = this.data;
    this.tip.textContent = `${labels[p.index] ?? ''}  ${xKey} = ${String(x[p.index])}, ${yKey} = ${String(y[p.index])}`;
    this.tip.style.left = `${p.px + 10}px`;
    this.tip.style.top = `${p.py - 10}px`;
    this.tip.hidden = false;
  }

  private categoryStep(scale: ValueScale, length: number): number {
    const [a, b] = scale.ticks;
    return scale.kind === 'categorical' && a && b
      ? Math.abs(b.pos - a.pos)
      : scale.kind === 'categorical'
        ? length / 2
        : 0;
  }

  draw(): void {
    const w = this.host.clientWidth || 800;
    const h = HEIGHT;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const { x, y, xKey, yKey, colors } = this.data;
    const sx = valueScale(x, PAD.left, w - PAD.right, 8);
    const sy = valueScale(y, h - PAD.bottom, PAD.top, 8);
    const jx = this.categoryStep(sx, w - PAD.left - PAD.right);
    const jy = this.categoryStep(sy, h - PAD.top - PAD.bottom);
    this.points = [];
    for (let i = 0; i < x.length; i++) {
      const px = sx.at(x[i]);
      const py = sy.at(y[i]);
      if (px === undefined || py === undefined) continue;
      this.points.push({ index: i, px: px + (jx ? jitter(i, jx) : 0), py: py + (jy ? jitter(i + 7, jy) : 0) });
    }
    this.canvas.setAttribute('aria-label', `Scatter of ${yKey} against ${xKey}: ${this.points.length} runs`);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#52606d';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD.left, PAD.top);
    ctx.lineTo(PAD.left, h - PAD.bottom);
    ctx.lineTo(w - PAD.right, h - PAD.bottom);
    ctx.stroke();
    ctx.fillStyle = '#1f2933';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (const t of sx.ticks) ctx.fillText(t.text, t.pos, h - PAD.bottom + 16);
    ctx.fillText(xKey, (PAD.left + w - PAD.right) / 2, h - 6);
    ctx.textAlign = 'right';
    for (const t of sy.ticks) ctx.fillText(t.text, PAD.left - 6, t.pos + 4);
    ctx.save();
    ctx.translate(14, (PAD.top + h - PAD.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(yKey, 0, 0);
    ctx.restore();
    ctx.globalAlpha = 0.85;
    for (const p of this.points) {
      ctx.fillStyle = colors[p.index] ?? '#1f77b4';
      ctx.beginPath();
      ctx.arc(p.px, p.py, RADIUS, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  destroy(): void {
    this.canvas.remove();
    this.tip.remove();
  }
}
