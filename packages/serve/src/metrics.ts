/**
 * The few Prometheus series a scoring server needs, rendered in the text exposition format
 * (version 0.0.4). prom-client would pull in a registry and default collectors for three series.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Record<string, string>; counts: number[]; sum: number; count: number }
  >();
  constructor(readonly buckets: number[]) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  render(name: string): string[] {
    const lines: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) =>
        lines.push(`${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`),
      );
      lines.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

export interface ServerMetrics {
  recordRequest(route: string, method: string, status: number, seconds: number): void;
  /** Rows handed to one model call (1 per request without batching). */
  recordBatch(model: string, rows: number, requests: number): void;
  render(): string;
}

export function createServerMetrics(prefix = 'mlflow_ts_serving'): ServerMetrics {
  const requests = new Map<string, { labels: Record<string, string>; value: number }>();
  const latency = new Histogram(LATENCY_BUCKETS);
  const batchRows = new Histogram(BATCH_BUCKETS);
  const batchRequests = new Histogram(BATCH_BUCKETS);
  return {
    recordRequest(route, method, status, seconds) {
      const labels = { route, method, status: String(status) };
      const key = labelText(labels);
      const c = requests.get(key);
      if (c) c.value += 1;
      else requests.set(key, { labels, value: 1 });
      latency.observe({ route, method }, seconds);
    },
    recordBatch(model, rows, n) {
      batchRows.observe({ model }, rows);
      batchRequests.observe({ model }, n);
    },
    render() {
      const out: string[] = [
        `# HELP ${prefix}_requests_total HTTP requests by route, method and status.`,
        `# TYPE ${prefix}_requests_total counter`,
        ...[...requests.values()].map((c) => `${prefix}_requests_total${labelText(c.labels)} ${c.value}`),
        `# HELP ${prefix}_request_duration_seconds HTTP request latency.`,
        `# TYPE ${prefix}_request_duration_seconds histogram`,
        ...latency.render(`${prefix}_request_duration_seconds`),
        `# HELP ${prefix}_batch_size Rows per model call (dynamic batching merges requests into one call).`,
        `# TYPE ${prefix}_batch_size histogram`,
        ...batchRows.render(`${prefix}_batch_size`),
        `# HELP ${prefix}_batch_requests Requests merged into one model call.`,
        `# TYPE ${prefix}_batch_requests histogram`,
        ...batchRequests.render(`${prefix}_batch_requests`),
      ];
      return `${out.join('\n')}\n`;
    },
  };
}
