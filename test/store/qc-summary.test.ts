import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/calendar/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCompliance } from '../../src/qc/compliance.js';
import type { ComplianceOptions, GroupBy } from '../../src/qc/compliance-types.js';
import { computeFollowUp, followUpFacts, type FollowUpPregnancyFacts } from '../../src/qc/follow-up.js';
import type { FollowUpGroupBy, FollowUpOptions } from '../../src/qc/follow-up-types.js';
import { listCardFeedback, listCards, listDistinctFindings, listFindings } from '../../src/store/audit-queries.js';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { readCompliancePeriod } from '../../src/store/compliance-period.js';
import { complianceReport, SUMMARY_INLINE_MAX } from '../../src/store/compliance-report.js';
import { sqlComplianceSummary } from '../../src/store/compliance-summary.js';
import { settingsKey } from '../../src/qc/compliance-summary.js';
import { readFollowUpPeriod } from '../../src/store/follow-up-period.js';
import { observedCommunication } from '../../src/store/observed-notices.js';
import { listDistinctFollowUpEvents, listFollowUpEvents } from '../../src/store/follow-up-events.js';
import { followUpReport } from '../../src/store/follow-up-report.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { generateProvince } from '../bench/lib/qc-scale-data.js';
import { acknowledgement, feedback, hookCall, notice, PROVINCE_YEAR_REPORT } from './audit-fixtures.js';
import { onEachEngine } from './each-engine.js';
import { createDatabase } from './postgres-target.js';

/**
 * The per-pregnancy summary of notification compliance and the follow-up funnel
 * (docs/design.md#qc-summary) on a generated province year (test/bench/lib/qc-scale-data.ts: Art. 24
 * indications, revised EDDs, episodes, notices, signatures, clicks, observed Communications,
 * referrals, procedures, results, NIPT results, deliveries): each report from the summary is the same
 * JSON as the report computed from the period's rows, for the province and institutions, a year, a
 * quarter, a month and a fortnight, every grouping; the triggers mark the woman of each kind of write
 * (a call, a signature, a click, a notice observed by a later call, an observed procedure), and a report answers with it;
 * a woman seen at two institutions is each one's own case;
 * other settings, or a backlog past SUMMARY_INLINE_MAX, send the report to the rows.
 */
const OPTS = PROVINCE_YEAR_REPORT;

type Period = { from: string; to: string; institution?: string };

const PERIODS: readonly Period[] = [
  { from: '2026-01-01', to: '2026-12-31' },
  { from: '2026-01-01', to: '2026-12-31', institution: 'org-1' },
  { from: '2026-01-01', to: '2026-12-31', institution: 'org-6' },
  { from: '2026-07-01', to: '2026-09-30', institution: 'org-2' },
  { from: '2026-11-01', to: '2026-11-30' },
  { from: '2026-03-10', to: '2026-03-23', institution: 'org-3' },
];

function options(q: Period, groupBy: GroupBy, settings: Partial<ComplianceOptions> = {}): ComplianceOptions {
  return { ...OPTS, ...settings, from: q.from, to: q.to, groupBy };
}

/** The report computed from the period's rows (the read before the summary). */
async function fromRows(audit: AuditStore, q: Period, opts: ComplianceOptions) {
  return computeCompliance(await readCompliancePeriod(audit, q, opts.today), opts);
}

function followUpOptions(q: Period, groupBy: FollowUpGroupBy, settings: Partial<FollowUpOptions> = {}): FollowUpOptions {
  return { ...OPTS, ...settings, from: q.from, to: q.to, groupBy };
}

/** The funnel computed from the period's rows (the read before the summary). */
async function followUpFromRows(audit: AuditStore, q: Period, opts: FollowUpOptions) {
  return computeFollowUp(await readFollowUpPeriod(audit, q, opts.today), opts);
}

async function dirty(sql: Sql): Promise<string[]> {
  return (await sql.query<{ patient_id: string }>('SELECT patient_id FROM qc_summary_dirty ORDER BY patient_id')).map((r) => r.patient_id);
}

function summarySuite(engine: string, open: () => Promise<Sql>): void {
  let sql: Sql;
  let audit: AuditStore;
  beforeAll(async () => {
    sql = await open();
    await migrate(sql);
    await generateProvince(sql, { calls: 3000, institutions: 6, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
    audit = createAuditStore(sql);
  }, 180_000);
  afterAll(() => sql?.close());

  it(`${engine}: before its first refresh the report reads the rows; after it, the summary gives the same JSON for every period, scope and grouping`, async () => {
    const year = PERIODS[0]!;
    expect(await audit.summaryStatus(OPTS)).toMatchObject({ current: false });
    const first = await complianceReport(audit, year, options(year, 'institution'));
    expect(first.source).toBe('rows');

    const women = await audit.refreshSummary(OPTS);
    expect(women).toBeGreaterThan(100);
    expect(await audit.summaryStatus(OPTS)).toEqual({ current: true, backlog: 0 });

    let indicated = 0;
    for (const q of PERIODS)
      for (const groupBy of ['institution', 'practitioner', 'rule', 'month'] as const) {
        const opts = options(q, groupBy);
        const { report, source } = await complianceReport(audit, q, opts);
        expect(source).toBe('summary');
        expect(JSON.stringify(report)).toBe(JSON.stringify(await fromRows(audit, q, opts)));
        if (groupBy === 'institution') indicated += report.total.indicated;
      }
    // The periods hold what the report counts, every status among them.
    const statuses = new Set((await complianceReport(audit, year, options(year, 'institution'))).report.cases.map((c) => c.status));
    expect(indicated).toBeGreaterThan(50);
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['missing', 'notice-issued', 'notified-in-time']));
    // Another day: statuses move with `today` (never stored), and the summary follows.
    const later = options(year, 'rule', { today: '2027-03-01' });
    expect(JSON.stringify((await complianceReport(audit, year, later)).report)).toBe(JSON.stringify(await fromRows(audit, year, later)));
  }, 240_000);

  it(`${engine}: the follow-up funnel from the summary is the same JSON as from the rows, for every period, scope and grouping`, async () => {
    await audit.refreshSummary(OPTS);
    const seen = { indicated: 0, procedure: 0, outcome: 0, undiagnosed: 0, nipt: new Set<string>(), reasons: new Set<string>() };
    for (const q of PERIODS)
      for (const groupBy of ['institution', 'month'] as const) {
        const opts = followUpOptions(q, groupBy);
        const { report, source } = await followUpReport(audit, q, opts);
        expect(source).toBe('summary');
        expect(JSON.stringify(report)).toBe(JSON.stringify(await followUpFromRows(audit, q, opts)));
        if (groupBy === 'month') continue;
        seen.indicated += report.total.indicated;
        seen.procedure += report.total.procedure;
        seen.outcome += report.total.outcome;
        seen.undiagnosed += report.undiagnosed.length;
        for (const n of report.nipt) seen.nipt.add(n.kind);
        for (const u of report.undiagnosed) seen.reasons.add(u.reason);
      }
    // The periods hold every part of the funnel: stages reached, undiagnosed cases of both reasons, both NIPT follow-ups.
    expect(seen.indicated).toBeGreaterThan(50);
    expect(seen.procedure).toBeGreaterThan(0);
    expect(seen.outcome).toBeGreaterThan(0);
    expect(seen.undiagnosed).toBeGreaterThan(0);
    expect([...seen.nipt].sort()).toEqual(['high-risk-undiagnosed', 'no-outcome']);
    expect([...seen.reasons].sort()).toEqual(['indicated', 'nipt-high-risk']);
    // Another day: overdue days and the NIPT outcome follow-up move with `today`, and the summary follows.
    const year = PERIODS[0]!;
    const later = followUpOptions(year, 'institution', { today: '2027-06-01' });
    expect(JSON.stringify((await followUpReport(audit, year, later)).report)).toBe(
      JSON.stringify(await followUpFromRows(audit, year, later)),
    );
  }, 240_000);

  it(`${engine}: each kind of write marks its woman, and the next report answers with it`, async () => {
    await audit.refreshSummary(OPTS);
    expect(await dirty(sql)).toEqual([]);
    const year = PERIODS[0]!;
    const before = (await complianceReport(audit, year, options(year, 'institution'))).report;
    const missing = before.cases.find((c) => c.status === 'missing')!;
    expect(missing).toBeDefined();

    // A signature on her notice: the notice's woman is marked, and the report counts her notified.
    const [notice] = await sql.query<{ id: string; hook_call_id: string }>(
      "SELECT id, hook_call_id::text AS hook_call_id FROM notice WHERE patient_id = $1 AND institution_id = $2 AND created_at >= '2026-01-01' ORDER BY created_at LIMIT 1",
      [missing.patient, missing.institution],
    );
    const signedAt = new Date(Date.parse(missing.firstIndicatedAt) + 86_400_000).toISOString();
    await audit.appendAcknowledgement(acknowledgement(notice!.id, { signedAt, recordedAt: signedAt, decision: 'accepted-referral' }));
    expect(await dirty(sql)).toEqual([missing.patient]);
    const signed = await complianceReport(audit, year, options(year, 'institution'));
    expect(signed.source).toBe('summary');
    expect(await dirty(sql)).toEqual([]);
    expect(signed.report.cases.find((c) => c.patient === missing.patient && c.pregnancy === missing.pregnancy)?.status).toBe(
      'notified-in-time',
    );
    expect(signed.report.total.notified).toBe(before.total.notified + 1);
    expect(JSON.stringify(signed.report)).toBe(JSON.stringify(await fromRows(audit, year, options(year, 'institution'))));

    // A click on one of our cards: the card's woman.
    const [card] = await sql.query<{ uuid: string; patient_id: string }>(
      "SELECT c.uuid, h.patient_id FROM card c JOIN hook_call h ON h.id = c.hook_call_id WHERE h.patient_id <> $1 AND h.received_at >= '2026-06-01' ORDER BY h.received_at LIMIT 1",
      [missing.patient],
    );
    await audit.append([feedback(card!.uuid, { receivedAt: '2026-06-20T03:00:00.000Z' })]);
    expect(await dirty(sql)).toEqual([card!.patient_id]);

    // A notice observed by a later call of another woman's record (a re-linked notice): the notice's woman, not the call's.
    const [other] = await sql.query<{ id: string; patient_id: string }>(
      'SELECT id::text AS id, patient_id FROM hook_call WHERE patient_id NOT IN ($1, $2) ORDER BY received_at DESC LIMIT 1',
      [missing.patient, card!.patient_id],
    );
    await sql.query(
      `INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at)
       VALUES ($1, $2, $3, $4, '2026-12-01T02:00:00Z', '2026-12-31T02:00:00Z')`,
      [randomUUID(), randomUUID(), notice!.id, other!.id],
    );
    expect(await dirty(sql)).toEqual([card!.patient_id, missing.patient].sort());

    // A new call: its woman. A call without a patient marks nobody.
    const indicating = {
      rule: 'ama',
      citation: 'ZJ-2023 Art.24(5)',
      evidence: ['Patient/pt-新-1'],
      params: { ageAtEdd: 37, threshold: 35 },
    };
    await audit.recordHookCall(
      hookCall({
        patientId: 'pt-新-1',
        pregnancyKey: 'Patient/pt-新-1|2027-05-01',
        edd: '2027-05-01',
        receivedAt: '2026-12-20T02:00:00.000Z',
        findings: [indicating],
      }),
    );
    const { patientId: _p, pregnancyKey: _k, ...anonymous } = hookCall({ receivedAt: '2026-12-20T03:00:00.000Z' });
    await audit.recordHookCall(anonymous);
    expect(await dirty(sql)).toEqual([card!.patient_id, missing.patient, 'pt-新-1'].sort());

    const december = { from: '2026-12-01', to: '2026-12-31' };
    const { report, source } = await complianceReport(audit, december, options(december, 'institution'));
    expect(source).toBe('summary');
    expect(report.cases.map((c) => c.patient)).toContain('pt-新-1');
    expect(JSON.stringify(report)).toBe(JSON.stringify(await fromRows(audit, december, options(december, 'institution'))));

    // A later call that observes an amniocentesis of an undiagnosed indicated pregnancy: her funnel reaches the procedure.
    const funnel = (await followUpReport(audit, year, followUpOptions(year, 'institution'))).report;
    const waiting = funnel.undiagnosed.find((u) => u.reason === 'indicated' && u.edd !== null && u.institution !== null)!;
    const [last] = await sql.query<{ issuer: string; tenant: string; pregnancy_key: string; edd: string; received_at: string }>(
      `SELECT issuer, tenant, pregnancy_key, edd::text AS edd, received_at::text AS received_at FROM hook_call
       WHERE patient_id = $1 AND institution_id = $2 AND edd = $3::date ORDER BY received_at DESC LIMIT 1`,
      [waiting.patient, waiting.institution, waiting.edd],
    );
    const procedureDay = addDays(waiting.indicatedAt.slice(0, 10), 3);
    await audit.recordHookCall(
      hookCall({
        issuer: last!.issuer,
        tenant: last!.tenant,
        institutionId: waiting.institution!,
        patientId: waiting.patient,
        pregnancyKey: last!.pregnancy_key,
        edd: last!.edd,
        receivedAt: new Date(Date.parse(last!.received_at) + 3_600_000).toISOString(),
        followUp: [
          {
            kind: 'procedure',
            reference: `Procedure/amnio-${waiting.patient}`,
            on: procedureDay,
            day: procedureDay,
            detail: 'amniocentesis',
          },
        ],
        findings: [],
        cards: [],
        ruleErrors: [],
      }),
    );
    expect(await dirty(sql)).toEqual([waiting.patient]);
    const after = await followUpReport(audit, year, followUpOptions(year, 'institution'));
    expect(after.source).toBe('summary');
    expect(after.report.total.procedure).toBe(funnel.total.procedure + 1);
    expect(after.report.undiagnosed.find((u) => u.pregnancy === waiting.pregnancy && u.ehr === waiting.ehr)).toBeUndefined();
    expect(JSON.stringify(after.report)).toBe(JSON.stringify(await followUpFromRows(audit, year, followUpOptions(year, 'institution'))));
  }, 240_000);

  it(`${engine}: one patient id in two EHRs is two women, and a woman whose EHR sends no EDD is one case under her id`, async () => {
    const indicating = (patient: string) => [{ rule: 'ama', citation: 'ZJ-2023 Art.24(5)', evidence: [`Patient/${patient}`], params: {} }];
    // The same MRN-less id `10086` at two hospitals' EHRs (other issuers), each woman indicated at org-4 in August.
    for (const [issuer, edd, at] of [
      ['https://his.zj-fy.example/', '2027-02-10', '2026-08-03T01:00:00.000Z'],
      ['https://emr.hz-sy.example/', '2027-03-22', '2026-08-05T02:30:00.000Z'],
    ] as const)
      await audit.recordHookCall(
        hookCall({
          issuer,
          tenant: undefined,
          institutionId: 'org-4',
          patientId: '10086',
          pregnancyKey: `Patient/10086|${edd}`,
          edd,
          receivedAt: at,
          findings: indicating('10086'),
        }),
      );
    // No pregnancy key and no EDD (the EHR sent none): two visits, one case.
    for (const at of ['2026-08-10T03:00:00.000Z', '2026-08-24T03:00:00.000Z']) {
      const { pregnancyKey: _k, ...call } = hookCall({
        institutionId: 'org-4',
        patientId: 'pt-无孕周',
        receivedAt: at,
        findings: indicating('pt-无孕周'),
      });
      await audit.recordHookCall(call);
    }
    const august = { from: '2026-08-01', to: '2026-08-31', institution: 'org-4' };
    const opts = options(august, 'institution');
    const { report, source } = await complianceReport(audit, august, opts);
    expect(source).toBe('summary');
    expect(JSON.stringify(report)).toBe(JSON.stringify(await fromRows(audit, august, opts)));
    expect(
      report.cases
        .filter((c) => c.patient === '10086')
        .map((c) => c.edd)
        .sort(),
    ).toEqual(['2027-02-10', '2027-03-22']);
    expect(report.cases.filter((c) => c.patient === 'pt-无孕周')).toMatchObject([
      { edd: null, firstIndicatedAt: '2026-08-10T03:00:00.000Z' },
    ]);
  }, 240_000);

  it(`${engine}: a woman indicated at two institutions: each institution's report counts its own first finding and its own notice's signature`, async () => {
    // Indicated at org-1 in September (its notice never signed), then at org-2 in October, whose notice she signs.
    const woman = { patientId: 'pt-转诊-1', pregnancyKey: 'Patient/pt-转诊-1|2027-03-15', edd: '2027-03-15' };
    const at = (institutionId: string, receivedAt: string, rule: string) => {
      const n = notice({ ...woman, institutionId, createdAt: receivedAt, rules: [rule] });
      return {
        notice: n,
        call: hookCall({
          ...woman,
          institutionId,
          receivedAt,
          findings: [{ rule, citation: 'ZJ-2023 Art.24', evidence: [`Patient/${woman.patientId}`], params: {} }],
          notice: n,
        }),
      };
    };
    const first = at('org-1', '2026-09-02T01:00:00.000Z', 'ama');
    const second = at('org-2', '2026-10-08T02:00:00.000Z', 'screening-high-risk');
    await audit.recordHookCall(first.call);
    await audit.recordHookCall(second.call);
    await audit.appendAcknowledgement(
      acknowledgement(second.notice.id, { signedAt: '2026-10-09T03:00:00.000Z', recordedAt: '2026-10-09T03:00:00.000Z' }),
    );
    const autumn = { from: '2026-09-01', to: '2026-10-31' };
    const caseAt = async (institution?: string) => {
      const q = institution === undefined ? autumn : { ...autumn, institution };
      const opts = options(q, 'institution');
      const { report, source } = await complianceReport(audit, q, opts);
      expect(source).toBe('summary');
      expect(JSON.stringify(report)).toBe(JSON.stringify(await fromRows(audit, q, opts)));
      return report.cases.find((c) => c.patient === woman.patientId);
    };
    expect(await caseAt('org-1')).toMatchObject({ institution: 'org-1', rules: ['ama'], status: 'missing', noticeAt: null });
    expect(await caseAt('org-2')).toMatchObject({ institution: 'org-2', rules: ['screening-high-risk'], status: 'notified-in-time' });
    // The province: one pregnancy, first indicated at org-1, notified by org-2's signature (late for org-1's first finding).
    expect(await caseAt()).toMatchObject({ institution: 'org-1', rules: ['ama', 'screening-high-risk'], status: 'notified-late' });
  }, 240_000);

  it(`${engine}: a woman whose chart is opened all day for weeks: the summary and the rows read each run of her calls once and what repeats nothing once, and give what every row gives`, async () => {
    // A hospital's test patient: three chart openings a day for twenty days, the same finding each
    // time (stored once, the later calls naming the first: docs/design.md#notice-reuse); one opening
    // at org-2; the EDD revised on day 12, back for a day on day 15; a click on day 3's notice suggestion.
    const patientId = 'pt-常开-1';
    const finding = {
      rule: 'ama',
      citation: 'ZJ-2023 Art.24(5)',
      evidence: [`Patient/${patientId}`],
      params: { ageAtEdd: 38, threshold: 35 },
    };
    let clicked: { card: string; suggestion: string; at: string } | undefined;
    let calls = 0;
    for (let d = 0; d < 20; d++)
      for (const hour of ['01:10', '03:40', '07:05']) {
        const edd = d >= 12 && d !== 15 ? '2027-04-14' : '2027-04-10';
        const receivedAt = `${addDays('2026-10-05', d)}T${hour}:00.000Z`;
        const card = randomUUID();
        const notice = randomUUID();
        await audit.recordHookCall(
          hookCall({
            patientId,
            pregnancyKey: `Patient/${patientId}|${edd}`,
            edd,
            institutionId: d === 6 && hour === '03:40' ? 'org-2' : 'org-1',
            receivedAt,
            findings: [finding],
            // From day 8 every opening sees her referral again, from day 10 her amniocentesis too (a record seen by many calls).
            followUp: [
              ...(d >= 8
                ? [{ kind: 'referral' as const, reference: 'ServiceRequest/sr-常开-1', on: '2026-10-13', day: '2026-10-13' }]
                : []),
              ...(d >= 10
                ? [
                    {
                      kind: 'procedure' as const,
                      reference: 'Procedure/amnio-常开-1',
                      on: '2026-10-15T02:30:00+08:00',
                      day: '2026-10-15',
                      code: '34536000',
                      detail: 'amniocentesis',
                      institution: 'org-pd-center',
                    },
                  ]
                : []),
            ],
            cards: [
              {
                uuid: card,
                indicator: 'warning',
                rules: ['ama'],
                suggestions: [
                  { uuid: randomUUID(), kind: 'create:ServiceRequest' },
                  { uuid: notice, kind: 'create:Communication' },
                ],
              },
            ],
          }),
        );
        calls += 1;
        if (d === 3 && hour === '03:40') clicked = { card, suggestion: notice, at: receivedAt };
      }
    const at = new Date(Date.parse(clicked!.at) + 600_000).toISOString();
    await audit.append([
      feedback(clicked!.card, {
        receivedAt: at,
        item: { card: clicked!.card, outcome: 'accepted', acceptedSuggestions: [{ id: clicked!.suggestion }], outcomeTimestamp: at },
      }),
    ]);
    const hers = { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z', patientIds: [patientId] };
    /** Every row of hers in the scope, every call of hers a sighting: the reference the reduced reads must equal. */
    const everyRowOf = async (q: Period) => {
      const mine = q.institution === undefined ? hers : { ...hers, institutionId: q.institution };
      const calls = await sql.query<{
        issuer: string;
        tenant: string | null;
        pregnancy_key: string;
        edd: string;
        received_at: Date | string;
      }>('SELECT issuer, tenant, pregnancy_key, edd::text AS edd, received_at FROM hook_call WHERE patient_id = $1', [patientId]);
      const compliance = {
        findings: await listFindings(sql, mine),
        cards: await listCards(sql, mine),
        feedback: await listCardFeedback(sql, mine),
        acknowledgements: await audit.listAcknowledgements(mine),
        communications: (await audit.listObservedNotices(mine)).map(observedCommunication),
        sightings: calls.map((c) => ({
          patientId,
          issuer: c.issuer,
          ...(c.tenant ? { tenant: c.tenant } : {}),
          pregnancyKey: c.pregnancy_key,
          edd: c.edd,
          receivedAt: new Date(c.received_at).toISOString(),
        })),
      };
      return { compliance, followUp: { compliance, events: await listFollowUpEvents(sql, mine) } };
    };
    const [reusing] = await sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hook_call WHERE patient_id = $1 AND findings_from IS NOT NULL',
      [patientId],
    );
    expect(reusing!.n).toBe(calls - 1);
    // What the fold reads of her: the findings of the calls that differ from the first (org-2's, the
    // revised EDD's), the one clicked card, the first and last call of each run.
    expect(await listFindings(sql, hers)).toHaveLength(calls);
    expect((await listDistinctFindings(sql, hers)).map((f) => [f.institutionId, f.edd])).toEqual([
      ['org-1', '2027-04-10'],
      ['org-2', '2027-04-10'],
      ...Array.from({ length: 3 * 8 - 3 }, () => ['org-1', '2027-04-14']),
    ]);
    expect((await listCards(sql, hers, { clicked: true })).map((c) => c.uuid)).toEqual([clicked!.card]);
    expect(await audit.listPregnancySightings(hers)).toHaveLength(8);
    // Each record once per run of equal calls: the referral seen first on day 8 (EDD 04-10), again by
    // the first call with the revised EDD, on day 15 (back to 04-10) and after; the procedure likewise from day 10.
    expect(await listFollowUpEvents(sql, hers)).toHaveLength(3 * 12 + 3 * 10);
    expect((await listDistinctFollowUpEvents(sql, hers)).map((e) => [e.kind, e.edd, e.receivedAt])).toEqual([
      ['referral', '2027-04-10', '2026-10-13T01:10:00.000Z'],
      ['procedure', '2027-04-10', '2026-10-15T01:10:00.000Z'],
      ['referral', '2027-04-14', '2026-10-17T01:10:00.000Z'],
      ['procedure', '2027-04-14', '2026-10-17T01:10:00.000Z'],
    ]);

    await audit.refreshSummary(OPTS);
    const autumn = { from: '2026-10-01', to: '2026-10-31' };
    const scopes: Period[] = [autumn, { ...autumn, institution: 'org-1' }, { ...autumn, institution: 'org-2' }];
    for (const q of scopes) {
      const opts = options(q, 'institution');
      const { report, source } = await complianceReport(audit, q, opts);
      expect(source).toBe('summary');
      expect(JSON.stringify(report)).toBe(JSON.stringify(await fromRows(audit, q, opts)));
      expect(report.cases.filter((c) => c.patient === patientId)).toMatchObject(
        [{ firstIndicatedAt: '2026-10-05T01:10:00.000Z', edd: '2027-04-14', noticeIssuedAt: q.institution === 'org-2' ? null : at }].map(
          (c) => (q.institution === 'org-2' ? { ...c, firstIndicatedAt: '2026-10-11T03:40:00.000Z' } : c),
        ),
      );
      const funnel = followUpOptions(q, 'institution');
      expect(JSON.stringify((await followUpReport(audit, q, funnel)).report)).toBe(
        JSON.stringify(await followUpFromRows(audit, q, funnel)),
      );
      // Both read less than every row of hers; both give what every row and every call give.
      const every = await everyRowOf(q);
      expect(JSON.stringify(report.cases.filter((c) => c.patient === patientId))).toBe(
        JSON.stringify(computeCompliance(every.compliance, opts).cases),
      );
      const stored = await sql.query<{ facts: FollowUpPregnancyFacts }>(
        'SELECT facts FROM qc_follow_up_facts WHERE patient_id = $1 AND scope = $2',
        [patientId, q.institution ?? ''],
      );
      const funnelOf = (f: FollowUpPregnancyFacts) => ({
        id: f.id,
        edd: f.edd,
        kinds: f.kinds,
        nipt: f.nipt,
        noticeIssuedAt: f.compliance?.issuedAt,
      });
      expect(stored.map((r) => funnelOf(r.facts))).toEqual(followUpFacts(every.followUp, funnel).map(funnelOf));
      expect(stored.map((r) => r.facts.kinds)).toEqual([q.institution === 'org-2' ? [] : ['referral', 'procedure']]);
    }
  }, 240_000);

  it(`${engine}: a high-risk NIPT seen at one institution, the EDD revised at another: the NIPT case has her latest EDD in every scope; a month-only NIPT date is followed up too`, async () => {
    // One regional EHR; no findings anywhere (the NIPT was ordered elsewhere): org-5 sees the result, org-2 revises the EDD.
    const woman = { issuer: 'https://his.区域平台.example/', tenant: undefined, patientId: 'pt-无创-1' };
    await audit.recordHookCall(
      hookCall({
        ...woman,
        institutionId: 'org-5',
        pregnancyKey: 'Patient/pt-无创-1|2027-03-01',
        edd: '2027-03-01',
        receivedAt: '2026-09-10T02:00:00.000Z',
        followUp: [
          { kind: 'nipt-high-risk', reference: 'Observation/nipt-pt-无创-1', on: '2026-09-08', day: '2026-09-08', institution: 'org-5' },
        ],
        findings: [],
        cards: [],
        ruleErrors: [],
      }),
    );
    await audit.recordHookCall(
      hookCall({
        ...woman,
        institutionId: 'org-2',
        pregnancyKey: 'Patient/pt-无创-1|2027-03-09',
        edd: '2027-03-09',
        receivedAt: '2026-10-15T02:00:00.000Z',
        findings: [],
        cards: [],
        ruleErrors: [],
      }),
    );
    // A second woman: a low-risk NIPT the laboratory dated by month only (a partial date, first day 1 September),
    // her EDD passed by more than 42 days with no outcome recorded.
    const other = { ...woman, patientId: 'pt-无创-2' };
    await audit.recordHookCall(
      hookCall({
        ...other,
        institutionId: 'org-5',
        pregnancyKey: 'Patient/pt-无创-2|2026-11-20',
        edd: '2026-11-20',
        receivedAt: '2026-09-12T02:00:00.000Z',
        followUp: [{ kind: 'nipt-low-risk', reference: 'Observation/nipt-pt-无创-2', on: '2026-09', day: '2026-09-01' }],
        findings: [],
        cards: [],
        ruleErrors: [],
      }),
    );
    const september = { from: '2026-09-01', to: '2026-09-30' };
    for (const q of [september, { ...september, institution: 'org-5' }]) {
      const opts = followUpOptions(q, 'institution');
      const { report, source } = await followUpReport(audit, q, opts);
      expect(source).toBe('summary');
      expect(JSON.stringify(report)).toBe(JSON.stringify(await followUpFromRows(audit, q, opts)));
      expect(report.nipt.filter((n) => n.patient === woman.patientId)).toEqual([
        {
          pregnancy: 'Patient/pt-无创-1|2027-03-01',
          patient: woman.patientId,
          ehr: woman.issuer,
          institution: 'org-5',
          niptOn: '2026-09-08',
          edd: '2027-03-09',
          kind: 'high-risk-undiagnosed',
          dueBy: '2026-10-06',
        },
      ]);
      expect(report.undiagnosed.filter((u) => u.patient === woman.patientId)).toMatchObject([
        { reason: 'nipt-high-risk', edd: '2027-03-09' },
      ]);
      expect(report.nipt.filter((n) => n.patient === other.patientId)).toEqual([
        {
          pregnancy: 'Patient/pt-无创-2|2026-11-20',
          patient: other.patientId,
          ehr: other.issuer,
          institution: 'org-5',
          niptOn: '2026-09',
          edd: '2026-11-20',
          kind: 'no-outcome',
          dueBy: '2027-01-01',
        },
      ]);
    }
  }, 240_000);

  it(`${engine}: other settings, or a backlog past ${SUMMARY_INLINE_MAX} women, send the report to the rows until the summary is rebuilt`, async () => {
    await audit.refreshSummary(OPTS);
    const year = PERIODS[0]!;
    const utc = options(year, 'month', { timeZone: 'UTC' });
    expect(await audit.summaryStatus(utc)).toMatchObject({ current: false });
    expect((await complianceReport(audit, year, utc)).source).toBe('rows');
    // Rebuilt with UTC days, every woman of the audit marked again 97 at a time: the same report as the rows read in UTC.
    const [women] = await sql.query<{ n: number }>('SELECT count(DISTINCT patient_id)::int AS n FROM hook_call');
    expect(women!.n).toBeGreaterThan(3 * 97);
    expect(await sqlComplianceSummary(sql, { markChunk: 97 }).refreshSummary(utc)).toBe(women!.n);
    const rebuilt = await complianceReport(audit, year, utc);
    expect(rebuilt.source).toBe('summary');
    expect(JSON.stringify(rebuilt.report)).toBe(JSON.stringify(await fromRows(audit, year, utc)));
    // Back to the clinic's zone.
    await audit.refreshSummary(OPTS);

    await sql.query("INSERT INTO qc_summary_dirty (patient_id, version) SELECT 'pt-backlog-' || g, 1 FROM generate_series(1, $1::int) g", [
      SUMMARY_INLINE_MAX + 1,
    ]);
    const behind = await complianceReport(audit, year, options(year, 'institution'));
    expect(behind.source).toBe('rows');
    // A refresh that does not wait gives way to one holding the lock; then folds them in.
    expect(await audit.refreshSummary(OPTS, { wait: false, batch: 500 })).toBe(SUMMARY_INLINE_MAX + 1);
    expect((await complianceReport(audit, year, options(year, 'institution'))).source).toBe('summary');
  }, 240_000);

  it(`${engine}: a rebuild for other settings marks the women a chunk per transaction; stopped, it goes on after its last woman; for yet other settings, or after an older server stored its own, it starts over`, async () => {
    await audit.refreshSummary(OPTS);
    const year = PERIODS[0]!;
    const utc = options(year, 'month', { timeZone: 'UTC' });
    const chunk = 61;
    const [women] = await sql.query<{ n: number }>('SELECT count(DISTINCT patient_id)::int AS n FROM hook_call');
    const chunks = Math.ceil(women!.n / chunk);
    expect(chunks).toBeGreaterThan(5);
    const state = () => sql.query('SELECT settings, marking, marked_through FROM qc_summary_state');
    /** The woman a rebuild has marked through after `n` chunks, in the store's own order. */
    const through = async (n: number) =>
      (
        await sql.query<{ p: string }>(
          `SELECT max(patient_id) AS p FROM (SELECT DISTINCT patient_id FROM hook_call WHERE patient_id IS NOT NULL ORDER BY patient_id LIMIT $1) w`,
          [n * chunk],
        )
      )[0]!.p;

    // Stopped after three transactions (a server shut down between them): three chunks are marked and recorded.
    await expect(sqlComplianceSummary(interrupted(sql, 3), { markChunk: chunk }).refreshSummary(utc)).rejects.toThrow('stopped');
    expect(await state()).toEqual([{ settings: null, marking: settingsKey(utc), marked_through: await through(3) }]);
    expect(await sql.query('SELECT 1 FROM qc_case_facts UNION ALL SELECT 1 FROM qc_follow_up_facts')).toEqual([]);
    // Meanwhile no settings are current: the reports read the rows.
    expect(await audit.summaryStatus(OPTS)).toMatchObject({ current: false });
    expect(await audit.summaryStatus(utc)).toMatchObject({ current: false });
    expect((await complianceReport(audit, year, utc)).source).toBe('rows');

    // Resumed: the facts are not emptied again and only the chunks left are marked (the last finds no woman).
    const resumed: string[] = [];
    expect(await sqlComplianceSummary(recorded(sql, resumed), { markChunk: chunk }).refreshSummary(utc)).toBe(women!.n);
    expect(resumed.filter((t) => t.startsWith('TRUNCATE'))).toEqual([]);
    expect(resumed.filter((t) => t.includes('INSERT INTO qc_summary_dirty'))).toHaveLength(chunks - 3 + 1);
    expect(await state()).toEqual([{ settings: settingsKey(utc), marking: null, marked_through: null }]);
    const rebuilt = await complianceReport(audit, year, utc);
    expect(rebuilt.source).toBe('summary');
    expect(JSON.stringify(rebuilt.report)).toBe(JSON.stringify(await fromRows(audit, year, utc)));

    // A rebuild for the clinic's zone stopped after two chunks, then one for yet other settings: it empties the facts and starts from the first woman.
    await expect(sqlComplianceSummary(interrupted(sql, 2), { markChunk: chunk }).refreshSummary(OPTS)).rejects.toThrow('stopped');
    expect(await state()).toEqual([{ settings: null, marking: settingsKey(OPTS), marked_through: await through(2) }]);
    const restarted: string[] = [];
    const tolerant = { ...OPTS, pregnancyToleranceDays: 30 };
    expect(await sqlComplianceSummary(recorded(sql, restarted), { markChunk: chunk }).refreshSummary(tolerant)).toBe(women!.n);
    expect(restarted.filter((t) => t.startsWith('TRUNCATE'))).toHaveLength(1);
    expect(restarted.filter((t) => t.includes('INSERT INTO qc_summary_dirty'))).toHaveLength(chunks + 1);
    expect(await audit.summaryStatus(tolerant)).toEqual({ current: true, backlog: 0 });

    // Back to the clinic's zone, stopped after two chunks; then a server of a version before migration
    // 20 stores its own settings (and folds women in with them): the rebuild starts over.
    await expect(sqlComplianceSummary(interrupted(sql, 2), { markChunk: chunk }).refreshSummary(OPTS)).rejects.toThrow('stopped');
    await sql.query('UPDATE qc_summary_state SET settings = $1', [settingsKey({ ...OPTS, referralRules: ['ama'] })]);
    const overridden: string[] = [];
    expect(await sqlComplianceSummary(recorded(sql, overridden), { markChunk: chunk }).refreshSummary(OPTS)).toBe(women!.n);
    expect(overridden.filter((t) => t.startsWith('TRUNCATE'))).toHaveLength(1);
    expect(overridden.filter((t) => t.includes('INSERT INTO qc_summary_dirty'))).toHaveLength(chunks + 1);
    expect(await audit.summaryStatus(OPTS)).toEqual({ current: true, backlog: 0 });
    expect(JSON.stringify((await complianceReport(audit, year, options(year, 'rule'))).report)).toBe(
      JSON.stringify(await fromRows(audit, year, options(year, 'rule'))),
    );
  }, 240_000);
}

/** `sql` whose transactions after the first `n` fail before they start, as if the server stopped. */
function interrupted(sql: Sql, n: number): Sql {
  let started = 0;
  return {
    query: (text, params, opts) => sql.query(text, params, opts),
    transaction: (fn) => (++started > n ? Promise.reject(new Error('stopped')) : sql.transaction(fn)),
    close: async () => undefined,
  };
}

/** `sql` that records the text of every statement, inside transactions too. */
function recorded(sql: Sql, into: string[]): Sql {
  return {
    query: (text, params, opts) => {
      into.push(text.replace(/\s+/g, ' ').trim());
      return sql.query(text, params, opts);
    },
    transaction: (fn) => sql.transaction((tx) => fn(recorded(tx, into))),
    close: async () => undefined,
  };
}

describe('the compliance summary', () =>
  onEachEngine('qc-summary', summarySuite, (server) => {
    it('PostgreSQL: a woman written to while a refresh folds her in stays marked, and the next refresh folds the write in', async () => {
      const url = await createDatabase(server());
      const sql = createPgSql(url);
      const writer = createPgSql(url);
      try {
        await migrate(sql);
        await generateProvince(sql, { calls: 600, institutions: 2, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
        const audit = createAuditStore(sql);
        await audit.refreshSummary(OPTS);
        const [woman] = await sql.query<{ patient_id: string }>('SELECT patient_id FROM qc_case_facts ORDER BY patient_id LIMIT 1');
        const mark = `INSERT INTO qc_summary_dirty (patient_id, version) VALUES ($1, 1)
          ON CONFLICT (patient_id) DO UPDATE SET version = qc_summary_dirty.version + 1`;
        await sql.query(mark, [woman!.patient_id]);
        // A write in progress marks her again (the trigger's upsert), and commits only once the refresh has read her rows.
        let commit: () => void = () => undefined;
        let marked: () => void = () => undefined;
        const markedAgain = new Promise<void>((resolve) => (marked = resolve));
        const writing = writer.transaction(async (tx) => {
          await tx.query(mark, [woman!.patient_id]);
          marked();
          await new Promise<void>((resolve) => (commit = resolve));
        });
        await markedAgain;
        const refreshing = audit.refreshSummary(OPTS);
        await new Promise((r) => setTimeout(r, 500));
        commit();
        await writing;
        expect(await refreshing).toBe(1);
        expect(await sql.query('SELECT patient_id, version::int AS version FROM qc_summary_dirty')).toEqual([
          { patient_id: woman!.patient_id, version: 2 },
        ]);
        expect(await audit.refreshSummary(OPTS)).toBe(1);
        expect(await audit.summaryStatus(OPTS)).toEqual({ current: true, backlog: 0 });
      } finally {
        await writer.close();
        await sql.close();
      }
    }, 120_000);
  }));
