import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import { computeCompliance } from '../../src/qc/compliance.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { LOOKBACK_DAYS, readCompliancePeriod, readsByWoman, type ReportWomen } from '../../src/store/compliance-period.js';
import { readFollowUpPeriod } from '../../src/store/follow-up-period.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { generateProvince } from '../bench/lib/qc-scale-data.js';
import { hookCall, PROVINCE_YEAR_REPORT, PROVINCE_YEAR_TODAY } from './audit-fixtures.js';

/**
 * A short period is read for its women only (docs/design.md#qc-scale): on a generated province year
 * (test/bench/lib/qc-scale-data.ts: Art. 24 indications over the year, revised EDDs, episodes,
 * notices, signatures, clicks, follow-up events and NIPT results), the compliance and follow-up
 * reports of months, a fortnight and a quarter — the province and two institutions — are the same
 * JSON read by woman as read whole, while the by-woman read reads fewer findings, cards and events;
 * a woman whose only row in the period is a high-risk NIPT (no finding) is still in the funnel.
 */
const TODAY = PROVINCE_YEAR_TODAY;
const OPTS = PROVINCE_YEAR_REPORT;

/** A generated province year (test/bench/lib/qc-scale-data.ts: 3,000 calls, 6 institutions) in an in-memory store, for `use`. */
async function onProvinceYear(use: (audit: AuditStore) => Promise<void>): Promise<void> {
  const sql = await createPgliteSql(MEMORY_DATA_DIR);
  try {
    await migrate(sql);
    await generateProvince(sql, { calls: 3000, institutions: 6, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
    await use(createAuditStore(sql));
  } finally {
    await sql.close();
  }
}

describe('QC reports of a short period read by woman', () => {
  it('give the same compliance and follow-up as the whole read, from fewer rows', async () => {
    await onProvinceYear(async (audit) => {
      // A woman with a high-risk NIPT in November and no finding at all (never indicated): her funnel
      // NIPT case is read because of the test, not because of a finding.
      const niptWoman = {
        issuer: 'https://ehr.zj-fy.example/',
        tenant: 'hz',
        institutionId: 'org-3',
        patientId: 'pt-nipt-钱',
        pregnancyKey: 'Patient/pt-nipt-钱|2027-04-02',
        edd: '2027-04-02',
        findings: [],
        cards: [],
        ruleErrors: [],
      };
      await audit.recordHookCall(hookCall({ ...niptWoman, receivedAt: '2026-10-20T01:30:00.000Z', followUp: [] }));
      await audit.recordHookCall(
        hookCall({
          ...niptWoman,
          receivedAt: '2026-11-16T02:10:00.000Z',
          followUp: [{ kind: 'nipt-high-risk', reference: 'DiagnosticReport/nipt-钱', on: '2026-11-12', day: '2026-11-12', code: 'T21' }],
        }),
      );
      const periods = [
        { from: '2026-11-01', to: '2026-11-30' },
        { from: '2026-06-01', to: '2026-06-30', institution: 'org-1' },
        { from: '2026-03-10', to: '2026-03-23', institution: 'org-2' },
        { from: '2026-07-01', to: '2026-09-30' },
      ];
      let indicated = 0;
      let nipt = 0;
      for (const q of periods) {
        expect(readsByWoman(q)).toBe(true);
        const read = async (women?: ReportWomen) => {
          const input = await readFollowUpPeriod(audit, q, TODAY, women);
          const opts = { ...OPTS, from: q.from, to: q.to, groupBy: 'institution' as const };
          const compliance = computeCompliance(await readCompliancePeriod(audit, q, TODAY, women), opts);
          return { input, compliance, followUp: computeFollowUp(input, opts) };
        };
        const whole = await read('all');
        const byWoman = await read();
        expect(JSON.stringify(byWoman.compliance)).toBe(JSON.stringify(whole.compliance));
        expect(JSON.stringify(byWoman.followUp)).toBe(JSON.stringify(whole.followUp));
        expect(byWoman.followUp.total).toEqual(whole.followUp.total);
        // Fewer rows: the women of the period, not every woman of the lookback.
        expect(byWoman.input.compliance.findings.length).toBeLessThan(whole.input.compliance.findings.length);
        expect(byWoman.input.compliance.cards.length).toBeLessThan(whole.input.compliance.cards.length);
        expect(byWoman.input.events.length).toBeLessThan(whole.input.events.length);
        if (q.from === '2026-11-01') expect(whole.followUp.nipt.map((c) => c.patient)).toContain('pt-nipt-钱');
        indicated += whole.compliance.total.indicated;
        nipt += whole.followUp.nipt.length;
      }
      // The periods hold what the reports count: indicated cases and NIPT cases.
      expect(indicated).toBeGreaterThan(20);
      expect(nipt).toBeGreaterThan(0);
    });
  }, 180_000);

  it('read the feedback on their own cards only, and count the same clicks as from every item of the window', async () => {
    await onProvinceYear(async (audit) => {
      const periods = [
        { from: '2026-01-01', to: '2026-12-31' },
        { from: '2026-01-01', to: '2026-12-31', institution: 'org-1' },
        { from: '2026-01-01', to: '2026-12-31', institution: 'org-5' },
        { from: '2026-05-01', to: '2026-05-31', institution: 'org-2' },
      ];
      let clicked = 0;
      for (const q of periods) {
        const input = await readCompliancePeriod(audit, q, TODAY);
        const opts = { ...OPTS, from: q.from, to: q.to, groupBy: 'institution' as const };
        // Every feedback item of the window, whatever card it is about (the read before).
        const window = { from: `${addDays(q.from, -LOOKBACK_DAYS - 1)}T00:00:00Z`, to: `${addDays(TODAY, 2)}T00:00:00Z` };
        const everyItem = await audit.listFeedback(q.institution === undefined ? window : { ...window, institutionId: q.institution });
        const report = computeCompliance(input, opts);
        expect(JSON.stringify(report)).toBe(JSON.stringify(computeCompliance({ ...input, feedback: everyItem }, opts)));
        // The clicks are in the report: without feedback it differs.
        expect(JSON.stringify(report)).not.toBe(JSON.stringify(computeCompliance({ ...input, feedback: [] }, opts)));
        const cards = new Set(input.cards.map((c) => c.uuid));
        expect(input.feedback.every((f) => cards.has(f.cardUuid))).toBe(true);
        expect(input.feedback.length).toBe(everyItem.filter((f) => cards.has(f.cardUuid)).length);
        if (q.institution !== undefined && q.to === '2026-12-31')
          expect(input.feedback.length).toBeLessThan((await audit.listFeedback(window)).length);
        clicked += input.feedback.length;
      }
      expect(clicked).toBeGreaterThan(20);
    });
  }, 180_000);
});
