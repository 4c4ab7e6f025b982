import { randomUUID } from 'node:crypto';
import type { AuditStore } from '../../src/store/audit-store.js';
import type { CaseStatus } from '../../src/qc/compliance-types.js';
import type { AcknowledgementRecord, HookCallRecord, NoticeRecord } from '../../src/store/records.js';

/**
 * A hand-built QC scenario recorded through the real audit store (CLINIC_TIMEZONE Asia/Shanghai,
 * NOTICE_DEADLINE_DAYS 7, period 2026-03-01..2026-04-30, read long after every deadline passed).
 * Expected case statuses are in the comments and in `EXPECTED`.
 */

export const PERIOD = { from: '2026-03-01', to: '2026-04-30' };
export const ORG_1 = 'org-1';
export const ORG_2 = 'org-2';

interface Visit {
  readonly patient: string;
  readonly key?: string;
  readonly org: string;
  readonly dr: string;
  readonly rules: readonly string[];
  readonly at: string;
  /** Issue a notice with this call (its id is returned). */
  readonly notice?: boolean;
  /** The EHR of the call (JWT iss / tenant); default `https://ehr.example/`, no tenant. */
  readonly issuer?: string;
  readonly tenant?: string;
  /**
   * The EHR holds the completed notice Communication naming this stored notice: the call re-links
   * it (a notice link with `reissue`, no new notice), as the referral service does.
   */
  readonly relink?: string;
}

interface Recorded {
  readonly card: string;
  readonly referralSuggestion: string;
  readonly noticeSuggestion: string;
  readonly noticeId?: string;
}

/** Records one hook call with one card (referral + notice suggestions) and optionally a notice. */
export async function visit(audit: AuditStore, v: Visit): Promise<Recorded> {
  const card = randomUUID();
  const referralSuggestion = randomUUID();
  const noticeSuggestion = randomUUID();
  const noticeId = v.notice ? randomUUID() : undefined;
  const notice: NoticeRecord | undefined = noticeId
    ? {
        id: noticeId,
        createdAt: v.at,
        hash: 'b'.repeat(64),
        patientId: v.patient,
        institutionId: v.org,
        pregnancyKey: v.key,
        practitionerId: v.dr,
        rules: v.rules,
        content: { noticeId },
      }
    : undefined;
  const record: HookCallRecord = {
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: v.at,
    issuer: v.issuer ?? 'https://ehr.example/',
    ...(v.tenant ? { tenant: v.tenant } : {}),
    institutionId: v.org,
    practitionerId: v.dr,
    patientId: v.patient,
    pregnancyKey: v.key,
    status: 200,
    latencyMs: 5,
    findings: v.rules.map((rule) => ({ rule, citation: 'test', evidence: [`Patient/${v.patient}`], params: {} })),
    cards: [
      {
        uuid: card,
        indicator: 'warning',
        rules: [...v.rules],
        suggestions: [
          { uuid: referralSuggestion, kind: 'create:ServiceRequest' },
          { uuid: noticeSuggestion, kind: 'create:Communication' },
        ],
      },
    ],
    ruleErrors: [],
    notice,
    ...(v.relink
      ? {
          noticeLink: {
            id: randomUUID(),
            noticeId: v.relink,
            tokenHash: randomUUID().replaceAll('-', '').repeat(2),
            issuedAt: v.at,
            expiresAt: new Date(Date.parse(v.at) + 30 * 86_400_000).toISOString(),
            reissue: true,
            patientId: v.patient,
          },
        }
      : {}),
  };
  await audit.recordHookCall(record);
  return { card, referralSuggestion, noticeSuggestion, noticeId };
}

export async function feedback(
  audit: AuditStore,
  card: string,
  at: string,
  outcome: 'accepted' | 'overridden',
  accepted: string[] = [],
): Promise<void> {
  const item =
    outcome === 'accepted'
      ? { card, outcome, acceptedSuggestions: accepted.map((id) => ({ id })), outcomeTimestamp: at }
      : { card, outcome, overrideReason: { reason: { code: 'patient-declined' } }, outcomeTimestamp: at };
  await audit.append([{ serviceId: 'prenatal-diagnosis-referral', receivedAt: at, issuer: 'https://ehr.example/', item }]);
}

export async function ack(
  audit: AuditStore,
  noticeId: string,
  signedAt: string,
  decision: AcknowledgementRecord['decision'] = 'accepted-referral',
): Promise<void> {
  const r = await audit.appendAcknowledgement({
    id: randomUUID(),
    noticeId,
    signerKind: 'patient',
    signerName: '王芳',
    decision,
    signedAt,
    recordedBy: 'dr-1',
    recordedAt: signedAt,
  });
  if (r.status !== 'created') throw new Error(`ack not created: ${r.status}`);
}

/** Expected status per pregnancy id (cases in the period only). */
export const EXPECTED: Record<string, CaseStatus> = {
  'pA|2026-09-01': 'notice-issued',
  'pB|2026-09-02': 'notified-late',
  'pC|2026-09-03': 'missing',
  'pD|2026-10-01': 'notified-in-time',
  pE: 'missing',
  'pF|2026-10-05': 'notified-in-time',
  'pG|2026-10-01': 'notified-in-time',
  'pG|2027-01-20': 'missing',
  'pJ|2026-09-09': 'missing',
  'pK|2026-09-10': 'notified-in-time',
  'pM|2026-10-20': 'declined',
  'pN|2026-10-21': 'postponed',
  'pO|2026-10-22': 'notified-in-time',
};

/** Records the whole scenario. */
export async function recordScenario(audit: AuditStore): Promise<void> {
  // A: notice suggestion clicked the next day, nothing signed or observed → notice-issued (not notified).
  const a = await visit(audit, { patient: 'pA', key: 'pA|2026-09-01', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-03-02T02:00:00Z' });
  await feedback(audit, a.card, '2026-03-03T02:00:00Z', 'accepted', [a.noticeSuggestion]);
  // B: acknowledged 15 days later → notified-late.
  const b = await visit(audit, {
    patient: 'pB',
    key: 'pB|2026-09-02',
    org: ORG_1,
    dr: 'dr-2',
    rules: ['amniotic-fluid'],
    at: '2026-03-05T02:00:00Z',
    notice: true,
  });
  await ack(audit, b.noticeId!, '2026-03-20T02:00:00Z');
  // C: only the referral accepted, no notice → missing.
  const c = await visit(audit, {
    patient: 'pC',
    key: 'pC|2026-09-03',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['fetal-anomaly'],
    at: '2026-03-10T02:00:00Z',
  });
  await feedback(audit, c.card, '2026-03-10T03:00:00Z', 'accepted', [c.referralSuggestion]);
  // D: overridden, then the printed notice signed two days later → notified-in-time.
  const d = await visit(audit, {
    patient: 'pD',
    key: 'pD|2026-10-01',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['ama', 'teratogen-exposure'],
    at: '2026-04-01T02:00:00Z',
    notice: true,
  });
  await feedback(audit, d.card, '2026-04-01T03:00:00Z', 'overridden');
  await ack(audit, d.noticeId!, '2026-04-03T02:00:00Z');
  // E: override alone (no pregnancy key: the patient id is the pregnancy) → missing.
  const e = await visit(audit, { patient: 'pE', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-04-10T02:00:00Z' });
  await feedback(audit, e.card, '2026-04-10T03:00:00Z', 'overridden');
  // F: two visits of one pregnancy → counted once; acknowledged after the first.
  const f = await visit(audit, {
    patient: 'pF',
    key: 'pF|2026-10-05',
    org: ORG_1,
    dr: 'dr-1',
    rules: ['ama'],
    at: '2026-04-15T02:00:00Z',
    notice: true,
  });
  await ack(audit, f.noticeId!, '2026-04-16T02:00:00Z');
  await visit(audit, { patient: 'pF', key: 'pF|2026-10-05', org: ORG_1, dr: 'dr-2', rules: ['ama'], at: '2026-04-20T02:00:00Z' });
  // G: two pregnancies of one woman → counted twice (first notified, second missing).
  const g1 = await visit(audit, {
    patient: 'pG',
    key: 'pG|2026-10-01',
    org: ORG_1,
    dr: 'dr-2',
    rules: ['genetic-family-history'],
    at: '2026-03-15T02:00:00Z',
    notice: true,
  });
  await ack(audit, g1.noticeId!, '2026-03-16T02:00:00Z');
  await visit(audit, {
    patient: 'pG',
    key: 'pG|2027-01-20',
    org: ORG_1,
    dr: 'dr-2',
    rules: ['screening-high-risk'],
    at: '2026-04-25T02:00:00Z',
  });
  // H: first indicated before the period, confirmed in it → not newly indicated (not counted).
  await visit(audit, { patient: 'pH', key: 'pH|2026-07-01', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-02-10T02:00:00Z' });
  await visit(audit, { patient: 'pH', key: 'pH|2026-07-01', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-03-12T02:00:00Z' });
  // I: a non-referral finding only → not counted.
  await visit(audit, { patient: 'pI', key: 'pI|2026-09-01', org: ORG_1, dr: 'dr-1', rules: ['nipt-ama'], at: '2026-03-12T02:00:00Z' });
  // J: 2026-02-28T17:00Z is 2026-03-01 in Shanghai → in the period, missing.
  await visit(audit, { patient: 'pJ', key: 'pJ|2026-09-09', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-02-28T17:00:00Z' });
  // K: acknowledged on day 7 (Shanghai calendar days) → notified-in-time.
  const k = await visit(audit, {
    patient: 'pK',
    key: 'pK|2026-09-10',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['prior-affected-birth'],
    at: '2026-03-20T01:00:00Z',
    notice: true,
  });
  await ack(audit, k.noticeId!, '2026-03-27T15:00:00Z');
  // L: 2026-04-30T17:00Z is 2026-05-01 in Shanghai → after the period (not counted).
  await visit(audit, { patient: 'pL', key: 'pL|2026-11-01', org: ORG_1, dr: 'dr-1', rules: ['ama'], at: '2026-04-30T17:00:00Z' });
  // M: signed on day 2, declined after counselling → declined (notified in time).
  const m = await visit(audit, {
    patient: 'pM',
    key: 'pM|2026-10-20',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['ama'],
    at: '2026-04-05T02:00:00Z',
    notice: true,
  });
  await ack(audit, m.noticeId!, '2026-04-07T02:00:00Z', 'declined');
  // N: signed on day 14, not decided yet → postponed (notified, late).
  const n = await visit(audit, {
    patient: 'pN',
    key: 'pN|2026-10-21',
    org: ORG_1,
    dr: 'dr-1',
    rules: ['amniotic-fluid'],
    at: '2026-04-06T02:00:00Z',
    notice: true,
  });
  await ack(audit, n.noticeId!, '2026-04-20T02:00:00Z', 'postponed');
  // O: a later call (day 3) finds the completed notice Communication naming the stored notice → notified-in-time.
  const o = await visit(audit, {
    patient: 'pO',
    key: 'pO|2026-10-22',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['fetal-anomaly'],
    at: '2026-04-08T02:00:00Z',
    notice: true,
  });
  await visit(audit, {
    patient: 'pO',
    key: 'pO|2026-10-22',
    org: ORG_2,
    dr: 'dr-3',
    rules: ['fetal-anomaly'],
    at: '2026-04-11T02:00:00Z',
    relink: o.noticeId!,
  });
}
