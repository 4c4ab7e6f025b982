import { describe, expect, it } from 'vitest';
import { addRatios, type Row } from '../bench/lib/report.js';
import { checkTargets, formatTargets } from '../bench/lib/targets.js';

/** A phase's row as the bench writes it (only what the targets read is meaningful). */
function row(target: string, record: string, phase: 'c1' | 'c10', requestsPerSec: number, p99: number): Row {
  return {
    target,
    record,
    auth: 'off',
    phase,
    result: {
      requestsPerSec,
      total: requestsPerSec * 10,
      latency: { p50: 1, p90: p99, p99, max: p99, mean: 1 },
      ok2xx: requestsPerSec * 10,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      statusCodes: { '200': requestsPerSec * 10 },
    },
  };
}

const REFERRAL = 'prenatal-diagnosis-referral';

/** The 2026-12-07 12:22 run's figures for the rows the typical targets read. */
function run1222(echoC1: number, echoP99: number): Row[] {
  const rows = [
    row('express', 'typical', 'c1', 1304, 2),
    row('express', 'typical', 'c10', 2614, 12),
    row('durable-echo', 'typical', 'c1', echoC1, echoP99),
    row('durable-echo', 'typical', 'c10', 430, 49),
    row(REFERRAL, 'typical', 'c1', 164, 14),
    row(REFERRAL, 'typical', 'c10', 306, 104),
  ];
  addRatios(rows);
  return rows;
}

const byName = (rows: Row[], name: string) => {
  const t = checkTargets(rows).find((c) => c.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
};

describe('bench targets: the durable echo beside the c=1 targets', () => {
  it('gives the echo over express and says when the echo itself is below the express target', () => {
    const rows = run1222(385, 6);
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    // 1000 / (0.30 × 1304) − 1000 / 385 = 2.556 − 2.597 ms
    expect(t).toMatchObject({ measured: 0.126, met: false, durableLimit: { ratio: 0.295, roomMs: -0.04 } });
    expect(formatTargets([t])).toBe(
      '  NOT met  referral typical c=1 ≥ 0.30 × express (measured 0.126; the durable echo itself 0.295 × express, below the target)',
    );
  });

  it('gives the ms a call has above the echo when the echo is above the target', () => {
    const rows = run1222(513, 5);
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    // 1000 / (0.30 × 1304) − 1000 / 513 = 2.556 − 1.949 ms
    expect(t.durableLimit).toEqual({ ratio: 0.393, roomMs: 0.61 });
    expect(formatTargets([t])).toContain('durable echo 0.393 × express: 0.61 ms a call left above it');
  });

  it("names the echo's own p99 beside the c=1 p99 targets, as a reference and never as a verdict", () => {
    const rows = run1222(385, 7);
    const t = byName(rows, 'referral typical c=1 p99 ≤ 6 ms');
    expect(t).toMatchObject({ measured: 14, met: false, durableLimit: { p99: 7 } });
    expect(formatTargets([t])).toBe('  NOT met  referral typical c=1 p99 ≤ 6 ms (measured 14; durable echo p99 7 ms)');
  });

  it('gives no echo at c=10, where commits are grouped, nor beside the target that is itself a ratio to the echo', () => {
    const rows = run1222(385, 6);
    expect(byName(rows, 'referral typical c=10 ≥ 0.35 × express').durableLimit).toBeUndefined();
    expect(byName(rows, 'referral typical c=10 p99 ≤ 30 ms').durableLimit).toBeUndefined();
    const echoTarget = byName(rows, 'referral typical c=1 ≥ 0.7 × durable echo');
    expect(echoTarget).toMatchObject({ measured: 0.426, met: false });
    expect(echoTarget.durableLimit).toBeUndefined();
  });

  it('reports a target without its row as n/a, and without an echo row no echo', () => {
    const rows = run1222(385, 6).filter((r) => r.target !== 'durable-echo' && !(r.target === REFERRAL && r.phase === 'c1'));
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    expect(t).toMatchObject({ measured: null, met: undefined });
    expect(t.durableLimit).toBeUndefined();
    expect(formatTargets([t])).toBe('  n/a      referral typical c=1 ≥ 0.30 × express (measured -)');
  });

  it('marks a target met on its own figure, whatever the echo', () => {
    const rows = run1222(385, 6);
    const fast = rows.find((r) => r.target === REFERRAL && r.phase === 'c1');
    if (!fast) throw new Error('no referral c=1 row');
    Object.assign(fast, row(REFERRAL, 'typical', 'c1', 400, 5));
    addRatios(rows);
    expect(byName(rows, 'referral typical c=1 ≥ 0.30 × express')).toMatchObject({ measured: 0.307, met: true });
    expect(byName(rows, 'referral typical c=1 p99 ≤ 6 ms')).toMatchObject({ measured: 5, met: true });
  });
});
