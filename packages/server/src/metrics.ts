/**
 * Prometheus metrics in the text exposition format (version 0.0.4): counters and histograms kept
 * here, gauges read from their source at each scrape.
 */
type Labels = Record<string, string>;

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels: Labels): string => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};
const keyOf = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    const entry = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i] = (entry.counts[i] as number) + 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.series.set(key, entry);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

export interface GaugeSample {
  labels: Labels;
  value: number;
}

export class ServerMetrics {
  readonly httpRequests = new Counter('hokusai_http_requests_total', 'HTTP requests by route, method and status code.');
  readonly httpDuration = new Histogram('hokusai_http_request_duration_seconds', 'HTTP request durations by route.', [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
  readonly stepDuration = new Histogram('hokusai_step_duration_seconds', 'Pipeline step durations by step.', [0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800]);
  readonly errors = new Counter('hokusai_errors_total', 'Errors by Hokusai error code (API answers and failed runs).');
  private readonly gauges: { name: string; help: string; read: () => Promise<GaugeSample[]> | GaugeSample[] }[] = [];

  gauge(name: string, help: string, read: () => Promise<GaugeSample[]> | GaugeSample[]): void {
    this.gauges.push({ name, help, read });
  }

  async render(): Promise<string> {
    const parts = [this.httpRequests.render(), this.httpDuration.render(), this.stepDuration.render(), this.errors.render()];
    for (const gauge of this.gauges) {
      const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
      for (const { labels, value } of await gauge.read()) lines.push(`${gauge.name}${labelText(labels)} ${value}`);
      parts.push(lines.join('\n'));
    }
    return parts.join('\n') + '\n';
  }
}
