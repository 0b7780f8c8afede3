const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** A run's colour in charts: ten distinct colours, then hues around the wheel. */
export function runColorCss(i: number): string {
  return PALETTE[i] ?? `hsl(${(i * 47) % 360} 60% 45%)`;
}
