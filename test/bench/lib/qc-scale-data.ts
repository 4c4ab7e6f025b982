/**
 * A province's year of audited hook calls for test/bench/qc-scale.ts, generated in SQL
 * (`INSERT … SELECT … FROM generate_series`) straight into the migrated schema — not through the
 * HTTP path — on either engine (the same statements on PGlite and a PostgreSQL server).
 *
 * The shape (all pseudo-random values are hashes of the row numbers, so a run is reproducible):
 * - `institutions` institutions (`org-1` … `org-N`) with skewed sizes: a pregnancy's home is
 *   1 + ⌊N·u²⌋ (org-1 ≈ 10 % of the women, the smallest ≈ 0.1 %); org-1 … org-5 are the prenatal
 *   diagnosis centres, where 8 % of all visits happen;
 * - one pregnancy per woman (`pt-<n>`), EDD uniform from 30 days before the year to 227 days after it,
 *   so the year holds early, late and finished pregnancies; 5–12 antenatal visits from GA 8 w to the EDD, one post-partum visit
 *   for half of them; per visit a referral `patient-view` call, an `encounter-start` call for 30 %,
 *   an NIPT order check at the second visit for 35 % of the women, an order-sign call for 2 %;
 *   a third of the institutions send an EpisodeOfCare key, the others `Patient/<id>|<EDD>`; 20 %
 *   of the pregnancies have their EDD revised (3–14 days) at visit 2–4;
 * - `indicatedRate` of the pregnancies indicated (Art. 24 rules, weighted like a real province:
 *   AMA, screening high risk, then the rarer ones; 15 % with two rules), from the visit where the
 *   rule first applies: every later referral call has the findings and a card with a referral and
 *   a notice suggestion; one written notice (content ≈ `noticeBytes`) at the first indication and
 *   its link; 85 % signed (accepted 75 %, declined 12 %, postponed 8 %, undecided 5 %; 60 % the
 *   same day, 25 % within the week, 15 % late), 5 % seen as a Communication by a later call;
 *   60 % feedback accepting the notice suggestion, 20 % an override;
 * - follow-up events seen by every later referral call: for an accepted referral the referral
 *   (80 %), the amniocentesis (70 % of those), the karyotype (90 % of the procedures; 10 % of them
 *   abnormal, then `abnormal-result-notice` findings); NIPT results (3 % high risk); the delivery,
 *   seen at the post-partum visit;
 * - NIPT and order-check findings (not indications) on their calls; undecided outcomes on 2 % of
 *   the referral calls and rule errors on 0.1 % of all calls.
 * Only the calls received in `year` (clinic days in Asia/Shanghai, UTC+8) are kept.
 */
import type { Sql } from '../../../src/store/sql.js';
import { DEFAULT_POLICY } from '../../../src/clinical/policy.js';
import { ART25_NOTICE_RULE_IDS } from '../../../src/engine/rule-ids.js';
import type { SummarySettings } from '../../../src/qc/compliance-summary.js';

/** The per-pregnancy summary's settings of a service in Asia/Shanghai on the default policy (the generated province's zone). */
export const SHANGHAI_SUMMARY: SummarySettings = {
  timeZone: 'Asia/Shanghai',
  referralRules: ART25_NOTICE_RULE_IDS,
  pregnancyToleranceDays: DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
};

export interface ProvinceShape {
  readonly calls: number;
  readonly institutions: number;
  readonly year: number;
  readonly indicatedRate: number;
  readonly noticeBytes: number;
  /** `false`: no VACUUM ANALYZE at the end, the tables left without planner statistics. */
  readonly statistics?: boolean;
}

/** Calls one pregnancy leaves, on average; 58.7 % of them fall in the year (EDDs from 30 days before it to 227 after). */
const CALLS_PER_PREGNANCY_IN_YEAR = 12.07 * 0.587;

const ART24 = `CASE
  WHEN u < 0.45 THEN 'ama' WHEN u < 0.75 THEN 'screening-high-risk' WHEN u < 0.83 THEN 'amniotic-fluid'
  WHEN u < 0.90 THEN 'fetal-anomaly' WHEN u < 0.94 THEN 'teratogen-exposure' WHEN u < 0.97 THEN 'genetic-family-history'
  ELSE 'prior-affected-birth' END`;

/** The statements, in order; `$n` placeholders are filled from `params`. */
function statements(s: ProvinceShape): { text: string; params?: unknown[] }[] {
  const pregnancies = Math.max(1, Math.round(s.calls / CALLS_PER_PREGNANCY_IN_YEAR));
  const y0 = `${s.year}-01-01`;
  const y1 = `${s.year + 1}-01-01`;
  const filler = '孕妇已被告知产前诊断的目的、方法、风险及局限性，本人自愿选择。'.repeat(Math.max(1, Math.round(s.noticeBytes / 90)));
  return [
    { text: 'DROP TABLE IF EXISTS bench_call' },
    { text: 'DROP TABLE IF EXISTS bench_pregnancy' },
    {
      text: `CREATE OR REPLACE FUNCTION bench_r(n bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT (hashint8extended(n, salt) & 2147483647)::float8 / 2147483648 $$`,
    },
    {
      text: `CREATE TABLE bench_pregnancy AS
SELECT p, inst, edd0, visits, k0, rule1, rule2, revised, rev_visit, delta, nipt, nipt_high, pp,
  decision, sign_days, observed, feedback, referred, procedure, result, abnormal
FROM (
  SELECT p,
    1 + floor($2::int * power(bench_r(p, 1), 2))::int AS inst,
    $3::date - 30 + floor(bench_r(p, 2) * 622)::int AS edd0,
    5 + floor(bench_r(p, 3) * 8)::int AS visits,
    bench_r(p, 4) < 0.2 AS revised,
    2 + floor(bench_r(p, 5) * 3)::int AS rev_visit,
    (CASE WHEN bench_r(p, 6) < 0.5 THEN -1 ELSE 1 END) * (3 + floor(bench_r(p, 7) * 12)::int) AS delta,
    bench_r(p, 8) < $4::float8 AS indicated,
    bench_r(p, 9) AS u,
    bench_r(p, 10) < 0.15 AS two_rules,
    bench_r(p, 11) < 0.35 AS nipt,
    bench_r(p, 12) < 0.03 AS nipt_high,
    bench_r(p, 13) < 0.5 AS pp,
    bench_r(p, 14) AS su, bench_r(p, 15) AS du, bench_r(p, 16) AS fu, bench_r(p, 17) AS eu
  FROM generate_series(1, $1::int) AS p
) g,
LATERAL (SELECT CASE WHEN g.indicated THEN ${ART24} END AS rule1) r1,
LATERAL (SELECT CASE WHEN g.indicated AND g.two_rules THEN CASE WHEN r1.rule1 = 'ama' THEN 'screening-high-risk' ELSE 'ama' END END AS rule2) r2,
LATERAL (SELECT CASE WHEN r1.rule1 = 'ama' THEN 0 WHEN r1.rule1 = 'screening-high-risk' THEN 2 ELSE 1 + floor(g.eu * (g.visits - 2))::int END AS k0) k,
LATERAL (SELECT
  CASE WHEN NOT g.indicated OR g.su >= 0.90 THEN NULL WHEN g.du < 0.75 THEN 'accepted-referral' WHEN g.du < 0.87 THEN 'declined'
    WHEN g.du < 0.95 THEN 'postponed' ELSE 'undecided' END AS decision,
  CASE WHEN g.su < 0.85 * 0.60 / 0.90 THEN 0 WHEN g.su < 0.85 * 0.85 / 0.90 THEN 1 + floor(g.fu * 7)::int ELSE 8 + floor(g.fu * 13)::int END AS sign_days,
  g.indicated AND g.su >= 0.85 AND g.su < 0.90 AS observed,
  CASE WHEN g.indicated AND g.fu < 0.6 THEN 'accepted' WHEN g.indicated AND g.fu < 0.8 THEN 'overridden' END AS feedback,
  g.eu < 0.8 AS referred, g.eu < 0.56 AS procedure, g.eu < 0.50 AS result, g.eu < 0.05 AS abnormal
) d`,
      params: [pregnancies, s.institutions, y0, s.indicatedRate],
    },
    // One row per call of the year: visit k (k = visits is the post-partum visit), kind c
    // (0 patient-view, 1 encounter-start, 2 NIPT order check, 3 order sign).
    {
      text: `CREATE TABLE bench_call AS
SELECT md5('call-' || p || '-' || k || '-' || c)::uuid AS id, p, k, c, received_at, (received_at AT TIME ZONE 'UTC')::date AS day,
  CASE WHEN bench_r(p * 100 + k, 20) < 0.08 THEN 1 + p % 5 ELSE inst END AS inst, edd
FROM (
  SELECT g.p, k, c, g.inst, g.pp, g.visits,
    CASE WHEN g.revised AND k >= g.rev_visit THEN g.edd0 + g.delta ELSE g.edd0 END AS edd,
    ((CASE WHEN k = g.visits THEN g.edd0 + 30
      ELSE g.edd0 - 224 + (k * 224 / (g.visits - 1)) + floor(bench_r(g.p * 100 + k, 21) * 7)::int - 3 END)::timestamp
      + make_interval(secs => 600 + floor(bench_r(g.p * 100 + k, 22) * 30000)::int + c * 120)) AT TIME ZONE 'UTC' AS received_at
  FROM bench_pregnancy g, generate_series(0, g.visits) AS k, generate_series(0, 3) AS c
  WHERE (c = 0 AND (k < g.visits OR g.pp)) OR (k < g.visits AND ((c = 1 AND bench_r(g.p * 100 + k, 23) < 0.3)
    OR (c = 2 AND k = 1 AND g.nipt) OR (c = 3 AND bench_r(g.p * 100 + k, 24) < 0.02)))
) x
WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz`,
      params: [`${y0}T00:00:00+08:00`, `${y1}T00:00:00+08:00`],
    },
    { text: 'CREATE INDEX bench_call_p ON bench_call (p, k, c)' },
    { text: 'ANALYZE bench_call' },
    {
      text: `INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, clinical_today, clinic_time_zone, issuer, tenant,
  institution_id, institution_via, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, status, latency_ms)
SELECT b.id, md5('hi' || b.id::text), CASE b.c WHEN 0 THEN 'prenatal-diagnosis-referral' WHEN 1 THEN 'prenatal-diagnosis-referral-encounter'
    WHEN 2 THEN 'nipt-order-check' ELSE 'special-technique-order-sign' END,
  CASE b.c WHEN 0 THEN 'patient-view' WHEN 1 THEN 'encounter-start' WHEN 2 THEN 'order-select' ELSE 'order-sign' END,
  b.received_at, b.day + 0, 'Asia/Shanghai', 'https://emr.org-' || b.inst || '.zj.example/', 'org-' || b.inst, 'org-' || b.inst,
  'fhirUser-organization', 'dr-' || b.inst || '-' || (b.p % 25), 'pt-' || b.p, 'MRN' || lpad(b.p::text, 9, '0'),
  CASE WHEN b.inst % 3 = 0 THEN 'EpisodeOfCare/ep-' || b.p ELSE 'Patient/pt-' || b.p || '|' || b.edd::text END, b.edd, 200,
  15 + floor(bench_r(b.p * 100 + b.k, 25) * 60)::int
FROM bench_call b ORDER BY b.received_at`,
    },
    // Findings: the indicating rules on the referral calls from k0; abnormal-result-notice after an abnormal result;
    // NIPT categories and reasons on the NIPT order checks; a certificate finding on some order-sign calls.
    {
      text: `INSERT INTO finding (hook_call_id, ordinal, rule, rule_version, citation, evidence, params)
SELECT b.id, r.ord, r.rule, '1', r.citation, jsonb_build_array('Patient/pt-' || b.p, 'Observation/edd-' || b.p),
  jsonb_build_object('reference', 'edd', 'referenceDate', b.edd::text, 'threshold', 35, 'comparator', '>=', 'ageYears', 36 + b.p % 6,
    'birthDate', (b.edd - 13500 - b.p % 2000)::text, 'items', jsonb_build_array(jsonb_build_object('reference', 'Patient/pt-' || b.p, 'date', '1989-05-02')))
FROM bench_call b JOIN bench_pregnancy g ON g.p = b.p,
LATERAL (VALUES (0, g.rule1), (1, g.rule2), (2, CASE WHEN g.abnormal AND g.decision = 'accepted-referral' AND b.k >= g.visits - 1 THEN 'abnormal-result-notice' END),
  (0, CASE WHEN b.c = 2 THEN CASE WHEN g.nipt_high THEN 'nipt-caution' ELSE 'nipt-suitable' END END),
  (1, CASE WHEN b.c = 2 AND bench_r(b.p, 30) < 0.2 THEN 'nipt-ama' END),
  (0, CASE WHEN b.c = 3 AND bench_r(b.p * 100 + b.k, 31) < 0.05 THEN 'cert-expired' END)) AS v(ord, rule),
LATERAL (SELECT v.ord, v.rule, 'ZJ-2023 Art.24; PDM Art.17' AS citation) r
WHERE r.rule IS NOT NULL AND (
  (b.c IN (0, 1) AND b.k < g.visits AND b.k >= g.k0 AND v.rule IN (g.rule1, g.rule2, 'abnormal-result-notice'))
  OR (b.c = 2 AND v.rule LIKE 'nipt-%') OR (b.c = 3 AND v.rule = 'cert-expired'))
ORDER BY b.received_at, r.ord`,
    },
    {
      text: `INSERT INTO card (hook_call_id, uuid, indicator, rules)
SELECT f.hook_call_id, md5('card-' || f.hook_call_id::text)::uuid::text, CASE WHEN bool_and(f.rule LIKE 'nipt-%' OR f.rule LIKE 'cert-%') THEN 'info' ELSE 'warning' END,
  array_agg(f.rule ORDER BY f.ordinal)
FROM finding f JOIN hook_call h ON h.id = f.hook_call_id GROUP BY f.hook_call_id, h.received_at ORDER BY h.received_at`,
    },
    {
      text: `INSERT INTO suggestion (hook_call_id, card_uuid, uuid, kind)
SELECT c.hook_call_id, c.uuid, md5(s.kind || c.uuid)::uuid::text, s.kind
FROM card c, LATERAL (VALUES ('create:ServiceRequest'), ('create:Communication')) AS s(kind)
WHERE c.indicator = 'warning' OR s.kind = 'create:ServiceRequest'`,
    },
    // The notice of the first indicating call (k0's patient-view), its link, the acknowledgement, the observed Communication.
    {
      text: `CREATE TABLE bench_notice AS
SELECT DISTINCT ON (b.p) b.p, b.id AS call_id, b.received_at, 'notice-' || b.p AS notice_id, g.decision, g.sign_days, g.observed
FROM bench_call b JOIN bench_pregnancy g ON g.p = b.p WHERE g.rule1 IS NOT NULL AND b.c = 0 AND b.k >= g.k0 AND b.k < g.visits
ORDER BY b.p, b.received_at`,
    },
    {
      text: `INSERT INTO notice (id, created_at, hash, patient_id, pregnancy_key, edd, institution_id, practitioner_id, hook_call_id, rules, content)
SELECT n.notice_id, h.received_at, md5(n.notice_id) || md5(n.notice_id || 'x'), h.patient_id, h.pregnancy_key, h.edd, h.institution_id,
  h.practitioner_id, h.id, c.rules,
  jsonb_build_object('noticeId', n.notice_id, 'woman', jsonb_build_object('name', '王芳', 'mrn', h.patient_mrn), 'text', $1::text)
FROM bench_notice n JOIN hook_call h ON h.id = n.call_id JOIN card c ON c.hook_call_id = h.id ORDER BY h.received_at`,
      params: [filler],
    },
    {
      text: `INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at)
SELECT md5('link-' || n.notice_id)::uuid, md5('t' || n.notice_id) || md5('u' || n.notice_id), n.notice_id, n.call_id, n.received_at,
  n.received_at + interval '30 days' FROM bench_notice n ORDER BY n.received_at`,
    },
    {
      text: `INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at)
SELECT md5('obs-' || n.notice_id)::uuid, md5('o' || n.notice_id) || md5('v' || n.notice_id), n.notice_id, later.id, later.received_at,
  later.received_at + interval '30 days'
FROM bench_notice n, LATERAL (SELECT b.id, b.received_at FROM bench_call b WHERE b.p = n.p AND b.c = 0 AND b.received_at > n.received_at
  ORDER BY b.k LIMIT 1) later
WHERE n.observed`,
    },
    {
      text: `INSERT INTO notice_acknowledgement (id, notice_id, signer_kind, signer_name, relationship, decision, signed_at, recorded_by, recorded_at)
SELECT md5('ack-' || n.notice_id)::uuid::text, n.notice_id, CASE WHEN n.p % 10 < 7 THEN 'patient' ELSE 'family-member' END,
  CASE WHEN n.p % 10 < 7 THEN '王芳' ELSE '李强' END, CASE WHEN n.p % 10 < 7 THEN NULL ELSE 'husband' END, n.decision,
  n.received_at + make_interval(days => n.sign_days, mins => 20), 'dr-1', n.received_at + make_interval(days => n.sign_days, mins => 21)
FROM bench_notice n WHERE n.decision IS NOT NULL ORDER BY n.received_at + make_interval(days => n.sign_days)`,
    },
    {
      text: `INSERT INTO feedback (service_id, card_uuid, outcome, accepted_suggestions, override_reason, outcome_timestamp, received_at, issuer, dedupe_key, item)
SELECT 'prenatal-diagnosis-referral', c.uuid, g.feedback,
  CASE WHEN g.feedback = 'accepted' THEN jsonb_build_array(jsonb_build_object('id', md5('create:Communication' || c.uuid)::uuid::text)) ELSE '[]'::jsonb END,
  CASE WHEN g.feedback = 'overridden' THEN '{"code":"patient-declined"}'::jsonb END,
  n.received_at + interval '5 minutes', n.received_at + interval '6 minutes', 'https://emr.example/', md5('fb-' || c.uuid),
  jsonb_build_object('card', c.uuid, 'outcome', g.feedback)
FROM bench_notice n JOIN bench_pregnancy g ON g.p = n.p JOIN card c ON c.hook_call_id = n.call_id
WHERE g.feedback IS NOT NULL ORDER BY n.received_at`,
    },
    // Follow-up events, seen by every referral call after their day.
    {
      text: `CREATE TABLE bench_event AS
SELECT g.p, e.kind, e.reference, e.day, e.detail, e.performer FROM bench_pregnancy g
LEFT JOIN bench_notice n ON n.p = g.p,
LATERAL (VALUES
  ('referral', 'ServiceRequest/pd-' || g.p, (n.received_at AT TIME ZONE 'UTC')::date + 1 + g.p % 3, NULL, NULL),
  ('procedure', 'Procedure/amnio-' || g.p, (n.received_at AT TIME ZONE 'UTC')::date + 7 + g.p % 14, 'amniocentesis', 'org-' || (1 + g.p % 5)),
  ('result', 'DiagnosticReport/karyotype-' || g.p, (n.received_at AT TIME ZONE 'UTC')::date + 28 + g.p % 7, 'karyotype', 'org-' || (1 + g.p % 5)),
  ('nipt', 'Observation/nipt-' || g.p, g.edd0 - 224 + 30, NULL, 'org-' || (1 + g.p % 5)),
  ('outcome', 'Procedure/delivery-' || g.p, g.edd0 - 7 + g.p % 14, 'delivery', NULL)) AS e(kind, reference, day, detail, performer)
WHERE (e.kind = 'referral' AND n.decision = 'accepted-referral' AND g.referred)
  OR (e.kind = 'procedure' AND n.decision = 'accepted-referral' AND g.procedure)
  OR (e.kind = 'result' AND n.decision = 'accepted-referral' AND g.result)
  OR (e.kind = 'nipt' AND g.nipt) OR (e.kind = 'outcome' AND g.pp)`,
    },
    {
      text: `INSERT INTO follow_up_event (hook_call_id, ordinal, kind, reference, occurred, occurred_day, code, detail, institution_id)
SELECT b.id, row_number() OVER (PARTITION BY b.id ORDER BY e.kind) - 1,
  CASE WHEN e.kind <> 'nipt' THEN e.kind WHEN g.nipt_high THEN 'nipt-high-risk' ELSE 'nipt-low-risk' END,
  e.reference, e.day::text, e.day, NULL, e.detail, e.performer
FROM bench_call b JOIN bench_pregnancy g ON g.p = b.p JOIN bench_event e ON e.p = b.p AND e.day < b.day
WHERE b.c IN (0, 1) ORDER BY b.received_at`,
    },
    {
      text: `INSERT INTO undecided (hook_call_id, ordinal, rule, rule_version, citation, reason, evidence)
SELECT b.id, 0, 'ama', '1', 'ZJ-2023 Art.24(5); PDM Art.17(5)', 'birthDate 1990 is partial (year): age at ' || b.edd::text || ' is 35 or 36',
  jsonb_build_array('Patient/pt-' || b.p)
FROM bench_call b WHERE b.c IN (0, 1) AND bench_r(b.p * 100 + b.k, 40) < 0.02 ORDER BY b.received_at`,
    },
    {
      text: `INSERT INTO rule_error (hook_call_id, ordinal, rule, rule_version, citation, cause, error_class)
SELECT b.id, 9, 'screening-high-risk', '1', 'ZJ-2023 Art.24(1)', 'TypeError: cannot read the risk value', 'TypeError'
FROM bench_call b WHERE bench_r(b.p * 100 + b.k * 4 + b.c, 41) < 0.001 ORDER BY b.received_at`,
    },
    { text: 'DROP TABLE bench_event' },
    { text: 'DROP TABLE bench_notice' },
    { text: 'DROP TABLE bench_call' },
    { text: 'DROP TABLE bench_pregnancy' },
    { text: 'DROP FUNCTION bench_r(bigint, bigint)' },
    // Autovacuum does this to an insert-only table after a while; an index-only scan needs the visibility map it sets.
    // PGlite runs no autovacuum: `statistics: false` leaves the store as the embedded one always is
    // (docs/design.md#planner-statistics).
    ...(s.statistics === false ? [] : [{ text: 'VACUUM ANALYZE' }]),
  ];
}

/** Generates the year into a migrated, empty audit schema; returns the seconds each step took. */
export async function generateProvince(sql: Sql, shape: ProvinceShape, log: (line: string) => void): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  for (const [i, st] of statements(shape).entries()) {
    const t = performance.now();
    await sql.query(st.text, st.params ?? []);
    const label = `${i}:${st.text.slice(0, 40).replace(/\s+/g, ' ')}`;
    took[label] = Math.round(performance.now() - t) / 1000;
    log(`  ${label} ${took[label]} s`);
  }
  return took;
}

/** Rows per audit table. */
export async function countRows(sql: Sql): Promise<Record<string, number>> {
  const tables = [
    'hook_call',
    'finding',
    'card',
    'suggestion',
    'notice',
    'notice_link',
    'notice_acknowledgement',
    'feedback',
    'follow_up_event',
    'undecided',
    'rule_error',
  ];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = r?.n ?? 0;
  }
  return out;
}
