import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Metric families whose label sets are created once and then counted in plain numbers
 * (docs/design.md#metrics). prom-client's own `inc`/`observe` hash the label object on every call;
 * here a call does a property increment on a slot it already holds, and prom-client formats the
 * slots only when `/metrics` is scraped.
 */

type Labels = Readonly<Record<string, string>>;

/** One label set of a counter: `inc()` adds one. */
export interface CounterSlot {
  inc(): void;
  readonly value: number;
}

/** One label set of a histogram: `observe(seconds)`. */
export interface HistogramSlot {
  observe(value: number): void;
  readonly count: number;
}

class CounterValue implements CounterSlot {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(): void {
    this.value += 1;
  }
}

/** A counter family: `slot(labels)` returns the same slot for the same label values. */
export interface CounterFamily {
  slot(labels: Labels): CounterSlot;
}

export function counterFamily(registry: Registry, name: string, help: string, labelNames: readonly string[]): CounterFamily {
  const slots = new Map<string, CounterValue>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    // At scrape time only: the slots' totals (a slot only grows, so the counter never goes down).
    collect() {
      this.reset();
      for (const s of slots.values()) this.inc(s.labels, s.value);
    },
  });
  return {
    slot(labels) {
      const key = labelNames.map((n) => labels[n] ?? '').join('\u0000');
      let s = slots.get(key);
      if (!s) {
        s = new CounterValue(labels);
        slots.set(key, s);
      }
      return s;
    },
  };
}

class HistogramValue implements HistogramSlot {
  /** Observations per bucket (not cumulative); the last is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i += 1;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram family over fixed bucket bounds (seconds). */
export interface HistogramFamily {
  slot(labels: Labels): HistogramSlot;
}

interface HistogramSample {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

export function histogramFamily(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  bounds: readonly number[],
): HistogramFamily {
  const slots = new Map<string, HistogramValue>();
  const samples = (): HistogramSample[] => {
    const out: HistogramSample[] = [];
    for (const s of slots.values()) {
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        out.push({ value: cumulative, labels: { ...s.labels, le }, metricName: `${name}_bucket` });
      });
      out.push({ value: s.count, labels: { ...s.labels, le: '+Inf' }, metricName: `${name}_bucket` });
      out.push({ value: s.sum, labels: { ...s.labels }, metricName: `${name}_sum` });
      out.push({ value: s.count, labels: { ...s.labels }, metricName: `${name}_count` });
    }
    return out;
  };
  // prom-client's histogram for the name, HELP and TYPE lines; its samples are the slots' at scrape time.
  const family = new Histogram({ name, help, labelNames, buckets: [...bounds], registers: [registry] });
  const exposition = async () => ({ name, help, type: 'histogram', values: samples(), aggregator: 'sum' });
  // The registry formats `getForPromString()` (text) or `get()` (JSON): both give the slots.
  Object.assign(family, { get: exposition, getForPromString: exposition });
  return {
    slot(labels) {
      const key = labelNames.map((n) => labels[n] ?? '').join('\u0000');
      let s = slots.get(key);
      if (!s) {
        s = new HistogramValue(labels, bounds);
        slots.set(key, s);
      }
      return s;
    },
  };
}
