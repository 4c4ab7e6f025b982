import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceUsage } from 'node:process';
import { afterAll, describe, expect, it } from 'vitest';
import { runBulkAudit } from '../../src/bulk/io-run.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { clinicalNowAt } from '../../src/clock.js';
import { AS_OF, generateExport, TZ } from './generate-export.js';

/**
 * The retrospective audit on a 10,000-patient export with a known answer: exact counts, the exact
 * set of missing-notice pregnancies, and memory that stays bounded (small buckets force several
 * partitions). Throughput and peak RSS are printed, never asserted.
 */
const PATIENTS = 10_000;
const root = mkdtempSync(join(tmpdir(), 'bulk-10k-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bulk-audit on 10,000 patients', () => {
  it('finds exactly the indicated pregnancies without a notice, in bounded memory', { timeout: 120_000 }, async () => {
    const dir = join(root, 'export');
    const expected = generateExport(dir, PATIENTS);
    const tmpParent = mkdtempSync(join(root, 'work-'));
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = performance.now();
    let buckets = 0;
    const report = await runBulkAudit({
      dir,
      policy: DEFAULT_POLICY,
      now: clinicalNowAt(new Date(`${AS_OF}T04:00:00Z`), TZ),
      bucketBytes: 2 << 20,
      tmpRoot: tmpParent,
      onProgress: (phase) => {
        if (phase === 'evaluate' && buckets === 0)
          buckets = readdirSync(readdirSync(tmpParent).map((d) => join(tmpParent, d))[0] ?? tmpParent).length;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(
      `bulk-audit ${PATIENTS} patients, ${report.totals.lines} lines, ${buckets} buckets: ${seconds.toFixed(2)} s, ` +
        `${Math.round(PATIENTS / seconds)} patients/s; RSS baseline ${Math.round(baseline / 2 ** 20)} MB, peak ${Math.round(peak / 2 ** 20)} MB ` +
        `(+${growthMb.toFixed(0)} MB), process maxRSS ${Math.round(resourceUsage().maxRSS / 1024)} MB`,
    );

    expect(report.totals).toEqual({
      lines: expected.lines,
      patients: PATIENTS,
      patientsWithoutPatientResource: 0,
      pregnantNow: expected.pregnantNow,
      indicated: expected.indicated,
      withNotice: expected.withNotice,
      notifiedInTime: expected.notifiedInTime,
      notifiedLate: expected.notifiedLate,
      pending: expected.pending,
      missing: expected.missingCount,
      noticeNotCoveringAll: expected.noticeNotCoveringAll,
      malformedLines: expected.malformed.length,
      unattributed: expected.unattributed,
      ruleErrors: 0,
    });
    expect(expected.indicated).toBeGreaterThan(1000);
    expect(expected.missing.length).toBeGreaterThan(500);
    // Every status occurs: in time and late notices, pending (late bookings) and missing cases.
    expect(Math.min(expected.notifiedInTime, expected.notifiedLate, expected.pending, expected.missingCount)).toBeGreaterThanOrEqual(50);
    expect(report.missing).toEqual([...expected.missing].sort((a, b) => (a.patient < b.patient ? -1 : 1)));
    expect(report.malformed.map((m) => `${m.file}:${m.line}`).sort()).toEqual(expected.malformed.map((m) => `${m.file}:${m.line}`).sort());
    expect(buckets).toBeGreaterThan(4);
    expect(growthMb).toBeLessThan(300);
    expect(readdirSync(tmpParent)).toEqual([]);
  });
});
