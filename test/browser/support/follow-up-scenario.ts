import type { AuditStore } from '../../../src/store/audit-store.js';
import type { ACK_DECISIONS, HookCallRecord } from '../../../src/store/records.js';

type AckDecision = (typeof ACK_DECISIONS)[number];

/**
 * A follow-up scenario seeded through the real audit store (clinic zone Asia/Shanghai, read on
 * 2026-11-23, period 2026-09-01 – 2026-11-23, FOLLOW_UP_DIAGNOSIS_DAYS 28). Five indicated
 * pregnancies, one high-risk NIPT, in two institutions; follow-up seen in later calls:
 *
 * | pregnancy | inst. | indicated (rule)         | EDD        | signed     | referral | procedure       | result    | outcome        |
 * | P1        | org-a | 09-02 ama                | 2027-02-10 | accepted   | 09-05    | 09-20 amnio     | 10-05     | —              |
 * | P2        | org-a | 10-01 screening-high-risk| 2027-03-01 | declined   | —        | —               | —         | —              |
 * | P3        | org-b | 11-10 fetal-anomaly      | 2027-03-20 | — (none)   | —        | —               | —         | —              |
 * | P4        | org-b | 11-20 ama                | 2027-05-01 | postponed  | —        | —               | —         | —              |
 * | P5        | org-b | 09-15 ama                | 2026-11-10 | accepted   | 09-17    | 09-25 cordo     | 10-10 CMA | 11-08 delivery |
 * | P6        | org-b | NIPT high risk 10-18     | 2027-04-10 | —          | —        | —               | —         | —              |
 *
 * Diagnosis due by = the earlier of indication + 28 days and 24+0 (EDD − 280 + 168):
 * P2 10-29 (25 days overdue), P6 11-15 (8 overdue), P3 11-28 (24+0 first; 5 days left), P4 12-18
 * (25 days left). Data quality: two undecided outcomes at org-a (ama), one rule error at org-b.
 * Art. 29 (NIPT_PERIOD): P7 (org-a) had a low-risk NIPT on 2026-04-10, EDD 2026-09-15, and no
 * outcome by EDD + 42 days (2026-10-27, 27 days before the reading).
 */
export const FOLLOW_UP = {
  from: '2026-09-01',
  to: '2026-11-23',
  total: { indicated: 5, notified: 4, signed: 4, accepted: 2, declined: 1, postponed: 1, referred: 2, procedure: 2, result: 2, outcome: 1 },
  byInstitution: {
    'org-a': { indicated: 2, notified: 2, signed: 2, referred: 1, procedure: 1, result: 1, outcome: 0 },
    'org-b': { indicated: 3, notified: 2, signed: 2, referred: 1, procedure: 1, result: 1, outcome: 1 },
  },
  undiagnosed: [
    { patient: 'pat-wang-2', due: '2026-10-29', urgency: '逾期 25 天' },
    { patient: 'pat-zhao-6', due: '2026-11-15', urgency: '逾期 8 天' },
    { patient: 'pat-chen-3', due: '2026-11-28', urgency: '剩 5 天' },
    { patient: 'pat-liu-4', due: '2026-12-18', urgency: '剩 25 天' },
  ],
  niptPeriod: { from: '2026-03-01', noOutcome: { patient: 'pat-zhou-7', dueBy: '2026-10-27', niptOn: '2026-04-10', late: '逾期 27 天' } },
  dataQuality: { 'org-a': { undecided: 2, ruleErrors: 0, calls: 2 }, 'org-b': { undecided: 0, ruleErrors: 1, calls: 1 } },
} as const;

const ISSUER = 'https://ehr.zj-hospital.example';
let seq = 0;
const uuid = (): string => `00000000-0000-4000-9000-${String((seq += 1)).padStart(12, '0')}`;

interface Call {
  readonly patient: string;
  readonly edd: string;
  readonly institution: string;
  readonly at: string;
  readonly rule?: string;
  readonly notice?: boolean;
  readonly followUp?: HookCallRecord['followUp'];
  readonly undecided?: HookCallRecord['undecided'];
  readonly ruleErrors?: HookCallRecord['ruleErrors'];
}

/** One referral-service call; returns the id of the notice it issued, if any. */
async function call(audit: AuditStore, c: Call): Promise<string | undefined> {
  const noticeId = c.notice ? uuid() : undefined;
  const pregnancyKey = `Patient/${c.patient}|${c.edd}`;
  await audit.recordHookCall({
    hookInstance: uuid(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: c.at,
    issuer: ISSUER,
    institutionId: c.institution,
    practitionerId: 'pr-zhou',
    patientId: c.patient,
    pregnancyKey,
    edd: c.edd,
    status: 200,
    latencyMs: 15,
    findings: c.rule ? [{ rule: c.rule, citation: '浙江省产前诊断管理办法 第二十四条', evidence: [], params: {} }] : [],
    cards: [],
    ruleErrors: c.ruleErrors ?? [],
    ...(c.undecided ? { undecided: c.undecided } : {}),
    ...(c.followUp ? { followUp: c.followUp } : {}),
    ...(noticeId
      ? {
          notice: {
            id: noticeId,
            createdAt: c.at,
            hash: 'b'.repeat(64),
            patientId: c.patient,
            institutionId: c.institution,
            pregnancyKey,
            practitionerId: 'pr-zhou',
            rules: [c.rule ?? 'ama'],
            content: { rules: [c.rule ?? 'ama'] },
          },
        }
      : {}),
  });
  return noticeId;
}

async function sign(audit: AuditStore, noticeId: string | undefined, decision: AckDecision, signedAt: string): Promise<void> {
  if (!noticeId) throw new Error('no notice to sign');
  const r = await audit.appendAcknowledgement({
    id: uuid(),
    noticeId,
    signerKind: 'patient',
    signerName: '孕妇本人',
    decision,
    signedAt,
    recordedBy: 'pr-zhou',
    recordedAt: signedAt,
  });
  if (r.status !== 'created') throw new Error(`acknowledgement not stored: ${r.status}`);
}

const ev = (kind: string, reference: string, on: string, detail?: string, institution?: string) =>
  ({ kind, reference, on, day: on.slice(0, 10), ...(detail ? { detail } : {}), ...(institution ? { institution } : {}) }) as NonNullable<
    HookCallRecord['followUp']
  >[number];

/** Seeds the table of {@link FOLLOW_UP}. */
export async function seedFollowUpScenario(audit: AuditStore): Promise<void> {
  const p1 = { patient: 'pat-li-1', edd: '2027-02-10', institution: 'org-a' };
  await sign(
    audit,
    await call(audit, { ...p1, at: '2026-09-02T02:00:00Z', rule: 'ama', notice: true }),
    'accepted-referral',
    '2026-09-03T02:00:00Z',
  );
  await call(audit, {
    ...p1,
    at: '2026-10-06T02:00:00Z',
    followUp: [
      ev('referral', 'ServiceRequest/sr-li-1', '2026-09-05'),
      ev('procedure', 'Procedure/amnio-li-1', '2026-09-20', 'amniocentesis'),
      ev('result', 'DiagnosticReport/karyotype-li-1', '2026-10-05', 'karyotype'),
    ],
  });

  const p2 = { patient: 'pat-wang-2', edd: '2027-03-01', institution: 'org-a' };
  const n2 = await call(audit, { ...p2, at: '2026-10-01T02:00:00Z', rule: 'screening-high-risk', notice: true });
  await sign(audit, n2, 'declined', '2026-10-02T02:00:00Z');

  await call(audit, { patient: 'pat-chen-3', edd: '2027-03-20', institution: 'org-b', at: '2026-11-10T02:00:00Z', rule: 'fetal-anomaly' });

  const n4 = await call(audit, {
    patient: 'pat-liu-4',
    edd: '2027-05-01',
    institution: 'org-b',
    at: '2026-11-20T02:00:00Z',
    rule: 'ama',
    notice: true,
  });
  await sign(audit, n4, 'postponed', '2026-11-21T02:00:00Z');

  const p5 = { patient: 'pat-sun-5', edd: '2026-11-10', institution: 'org-b' };
  await sign(
    audit,
    await call(audit, { ...p5, at: '2026-09-15T02:00:00Z', rule: 'ama', notice: true }),
    'accepted-referral',
    '2026-09-16T02:00:00Z',
  );
  await call(audit, {
    ...p5,
    at: '2026-10-12T02:00:00Z',
    followUp: [
      ev('referral', 'ServiceRequest/sr-sun-5', '2026-09-17'),
      ev('procedure', 'Procedure/cordo-sun-5', '2026-09-25', 'cordocentesis'),
      ev('result', 'DiagnosticReport/cma-sun-5', '2026-10-10', 'chromosomal-microarray'),
    ],
  });
  // After delivery: the call carries no pregnancy key; the delivery is attributed by its day.
  await audit.recordHookCall({
    hookInstance: uuid(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: '2026-11-12T02:00:00Z',
    issuer: ISSUER,
    institutionId: 'org-b',
    patientId: p5.patient,
    status: 200,
    latencyMs: 9,
    findings: [],
    cards: [],
    ruleErrors: [],
    followUp: [ev('outcome', 'Procedure/delivery-sun-5', '2026-11-08', 'delivery')],
  });

  await call(audit, {
    patient: 'pat-zhao-6',
    edd: '2027-04-10',
    institution: 'org-b',
    at: '2026-10-20T02:00:00Z',
    followUp: [ev('nipt-high-risk', 'DiagnosticReport/nipt-zhao-6', '2026-10-18', undefined, 'org-nipt')],
  });

  // Art. 29: a low-risk NIPT in April, EDD 2026-09-15, no outcome recorded by EDD + 42 days (10-27).
  await call(audit, {
    patient: 'pat-zhou-7',
    edd: '2026-09-15',
    institution: 'org-a',
    at: '2026-04-12T02:00:00Z',
    followUp: [ev('nipt-low-risk', 'DiagnosticReport/nipt-zhou-7', '2026-04-10', undefined, 'org-nipt')],
  });

  // Data quality: undecided outcomes at org-a, a rule error at org-b.
  const undecided = (reason: string) => [{ rule: 'ama', ruleVersion: '1.0.0', citation: '第二十四条', reason, evidence: [] }];
  await call(audit, {
    patient: 'pat-qian-7',
    edd: '2027-06-01',
    institution: 'org-a',
    at: '2026-11-03T02:00:00Z',
    undecided: undecided('birthDate 1992 is partial'),
  });
  await call(audit, {
    patient: 'pat-qian-8',
    edd: '2027-06-05',
    institution: 'org-a',
    at: '2026-11-04T02:00:00Z',
    undecided: undecided('no birthDate'),
  });
  await call(audit, {
    patient: 'pat-qian-9',
    edd: '2027-06-09',
    institution: 'org-b',
    at: '2026-11-05T02:00:00Z',
    ruleErrors: [{ rule: 'fetal-anomaly', ruleVersion: '1.2.0', cause: 'x is undefined', errorClass: 'TypeError' }],
  });
}
