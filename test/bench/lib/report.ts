import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CannonResult } from './cannon.js';

/** One measured phase of one target. */
export interface Row {
  readonly target: string;
  readonly record: string;
  readonly auth: 'off' | 'jwt';
  /** `c1`, `c10` or `probe` (fixed low rate, one connection: unloaded latency). */
  readonly phase: string;
  readonly result: CannonResult;
  /** Fixed request rate of the probe phase. */
  readonly rate?: number;
  /** 1-minute load average of the machine when the phase started (other work skews the figures). */
  readonly loadAvg1?: number;
  /** requests/s divided by the same phase of each baseline of this run. */
  ratios?: Record<string, number>;
}

/** How many of `n` in-process iterations are warm-up: the first third. */
export function warmUpCount(n: number): number {
  return Math.floor(n / 3);
}

/**
 * The `q` quantile (0–1) of in-process timings in ms, after the warm-up (`warmUpCount`) is dropped,
 * rounded to `digits` decimals (NaN when nothing is left).
 */
export function warmQuantile(values: readonly number[], q: number, digits = 2): number {
  const kept = values.slice(warmUpCount(values.length)).sort((a, b) => a - b);
  return Number((kept[Math.min(kept.length - 1, Math.floor(q * kept.length))] ?? NaN).toFixed(digits));
}

const BASELINES = ['bare-http', 'express', 'express+jose', 'durable-echo'] as const;

/** The baseline record a row compares with: the repeat phase (same woman every call) with the typical one. */
const baselineRecord = (record: string): string => (record === 'repeat' ? 'typical' : record);

/** Fills `ratios` (rps ÷ baseline rps, same phase) on every row. */
export function addRatios(rows: Row[]): void {
  for (const r of rows) {
    const ratios: Record<string, number> = {};
    if (r.phase === 'probe') continue;
    for (const b of BASELINES) {
      const base = rows.find((x) => x.target === b && x.phase === r.phase && x.record === baselineRecord(r.record));
      if (base && base.result.requestsPerSec > 0)
        ratios[b] = Math.round((r.result.requestsPerSec / base.result.requestsPerSec) * 1000) / 1000;
    }
    r.ratios = ratios;
  }
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (n: number | undefined, d = 0): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));

/** A fixed-width table of the rows (stdout). */
export function formatTable(rows: readonly Row[]): string {
  const head = [
    'target',
    'record',
    'auth',
    'phase',
    'req/s',
    'p50',
    'p90',
    'p99',
    'non2xx',
    'err',
    '÷bare',
    '÷express',
    '÷jose',
    '÷echo',
    'load1',
  ];
  const widths = [38, 9, 4, 8, 8, 6, 6, 7, 7, 4, 7, 8, 7, 7, 5];
  const lines = [head.map((h, i) => pad(h, widths[i] ?? 8)).join(' ')];
  for (const r of rows) {
    const x = r.result;
    const cells = [
      r.target,
      r.record,
      r.auth,
      r.rate ? `probe${r.rate}` : r.phase,
      num(x.requestsPerSec, 0),
      num(x.latency.p50),
      num(x.latency.p90),
      num(x.latency.p99),
      String(x.non2xx),
      String(x.errors + x.timeouts),
      num(r.ratios?.['bare-http'], 3),
      num(r.ratios?.express, 3),
      num(r.ratios?.['express+jose'], 3),
      num(r.ratios?.['durable-echo'], 3),
      num(r.loadAvg1, 1),
    ];
    lines.push(cells.map((c, i) => pad(c, widths[i] ?? 8)).join(' '));
  }
  return `${lines.join('\n')}\n(latency in ms; ratios = req/s ÷ baseline req/s, same phase and record (repeat: the typical baseline), this run; echo = durable echo; probeN = 1 connection at N req/s)`;
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
