/**
 * One axis scale for the comparison plots (parallel coordinates, scatter): numeric when every present
 * value is a number (min..max), otherwise categorical (sorted distinct values, evenly spaced). Positions
 * run from `start` (the smallest value) to `end` (the largest), so a y axis passes bottom → top.
 */
export type PlotValue = number | string | undefined;

export interface ValueScale {
  /** Pixel position of a value; undefined for a missing (or non-finite) one. */
  at(v: PlotValue): number | undefined;
  ticks: { pos: number; text: string }[];
  kind: 'numeric' | 'categorical';
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));

export function valueScale(values: PlotValue[], start: number, end: number, maxTicks = 12): ValueScale {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const allNumeric = nums.length > 0 && values.every((v) => v === undefined || typeof v === 'number');
  if (allNumeric) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of nums) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) {
      min -= 1;
      max += 1;
    }
    const at = (v: PlotValue) =>
      typeof v === 'number' && Number.isFinite(v) ? start + ((v - min) / (max - min)) * (end - start) : undefined;
    return {
      at,
      kind: 'numeric',
      ticks: [
        { pos: start, text: fmt(min) },
        { pos: (start + end) / 2, text: fmt((min + max) / 2) },
        { pos: end, text: fmt(max) },
      ],
    };
  }
  const cats = [...new Set(values.filter((v) => v !== undefined).map(String))].sort();
  const pos = new Map(
    cats.map((c, i) => [c, cats.length === 1 ? (start + end) / 2 : start + (i * (end - start)) / (cats.length - 1)]),
  );
  const step = Math.max(1, Math.ceil(cats.length / maxTicks));
  return {
    at: (v) => (v === undefined ? undefined : pos.get(String(v))),
    kind: 'categorical',
    ticks: cats
      .filter((_, i) => i % step === 0)
      .map((c) => ({ pos: pos.get(c) ?? start, text: c.length > 14 ? `${c.slice(0, 13)}…` : c })),
  };
}

/** A param's value as a plot value: a number when it reads as one, else the string. */
export function paramPlotValue(v: string | undefined): PlotValue {
  return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}
