/** Display helpers: times, durations, numbers, sizes. */

export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(Number(ms))) return '';
  const d = new Date(Number(ms));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatDuration(start: number | undefined, end: number | undefined): string {
  if (start === undefined || end === undefined) return '';
  const s = (Number(end) - Number(start)) / 1000;
  if (!(s >= 0)) return '';
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${(s / 60).toFixed(1)}min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)}h`;
  return `${(s / 86400).toFixed(1)}d`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

export function formatBytes(n: number | string | undefined): string {
  if (n === undefined) return '';
  let v = Number(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** MLflow's search-syntax quoting of a key: backticks when it is not a plain identifier. */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** A string literal for MLflow's filter language. */
export function sqlString(value: string): string {
  return value.includes("'") ? `"${value.replace(/"/g, '')}"` : `'${value}'`;
}

/** The 1-based character position an MLflow filter error names, if any ("at position 12", "column 12"). */
export function errorPosition(message: string): number | undefined {
  const m = /(?:position|column|char(?:acter)?)\s+(\d+)/i.exec(message);
  return m?.[1] ? Number(m[1]) : undefined;
}
