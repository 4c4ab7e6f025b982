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

describe('bench targets: the durable echo as the limit at c=1', () => {
  it('gives the echo over express to the c=1 express target, and says when the echo itself is below it', () => {
    const rows = run1222(385, 6);
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    expect(t).toMatchObject({ measured: 0.126, met: false, min: 0.3, durableLimit: { ratio: 0.295 } });
    expect(formatTargets([t])).toContain('the durable echo itself 0.295 × express: out of reach');
  });

  it('names the echo ratio without calling the target out of reach when the echo is above it', () => {
    const rows = run1222(513, 5);
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    expect(t.durableLimit).toEqual({ ratio: 0.393 });
    const line = formatTargets([t]);
    expect(line).toContain('durable echo 0.393 × express');
    expect(line).not.toContain('out of reach');
  });

  it("compares the c=1 p99 target with the echo's own p99", () => {
    expect(formatTargets([byName(run1222(385, 7), 'referral typical c=1 p99 ≤ 6 ms')])).toContain(
      "the durable echo's own p99 7 ms: out of reach",
    );
    const atLimit = formatTargets([byName(run1222(385, 6), 'referral typical c=1 p99 ≤ 6 ms')]);
    expect(atLimit).toContain('durable echo p99 6 ms');
    expect(atLimit).not.toContain('out of reach');
  });

  it('gives no limit at c=10, where commits are grouped, nor for the target that is itself a ratio to the echo', () => {
    const rows = run1222(385, 6);
    expect(byName(rows, 'referral typical c=10 ≥ 0.35 × express').durableLimit).toBeUndefined();
    expect(byName(rows, 'referral typical c=10 p99 ≤ 30 ms').durableLimit).toBeUndefined();
    expect(byName(rows, 'referral typical c=1 ≥ 0.7 × durable echo')).toMatchObject({ measured: 0.426, met: false });
    expect(byName(rows, 'referral typical c=1 ≥ 0.7 × durable echo').durableLimit).toBeUndefined();
  });

  it('reports a target without its row as n/a, and without an echo row no limit', () => {
    const rows = run1222(385, 6).filter((r) => r.target !== 'durable-echo' && !(r.target === REFERRAL && r.phase === 'c1'));
    const t = byName(rows, 'referral typical c=1 ≥ 0.30 × express');
    expect(t).toMatchObject({ measured: null, met: undefined });
    expect(t.durableLimit).toBeUndefined();
    expect(formatTargets([t])).toBe('  n/a      referral typical c=1 ≥ 0.30 × express (measured -)');
  });
});
