import type { AuditStore } from '../../../src/store/audit-store.js';
import type { FindingRecord, HookCallRecord } from '../../../src/store/records.js';

/**
 * A small QC scenario seeded through the real audit store (clinic zone Asia/Shanghai, deadline 7
 * days), read on 2026-11-23. Six indicated pregnancies in two institutions over three months:
 *
 * | pregnancy | institution | rule                | first finding | notice documented         | due by | status           |
 * | preg-1    | org-a       | ama                 | 2026-09-10    | suggestion accepted 09-11 | 09-17  | notice-issued    |
 * | preg-2    | org-a       | screening-high-risk | 2026-10-05    | signed 10-20 (15 days)    | 10-12  | notified-late    |
 * | preg-3    | org-b       | fetal-anomaly       | 2026-10-12    | notice printed, unsigned  | 10-19  | missing          |
 * | preg-4    | org-b       | amniotic-fluid      | 2026-11-02    | signed 11-04              | 11-09  | notified-in-time |
 * | preg-5    | org-a       | teratogen-exposure  | 2026-11-15    | card overridden, none     | 11-22  | missing          |
 * | preg-6    | org-b       | ama                 | 2026-11-20    | none yet                  | 11-27  | pending          |
 *
 * Due (deadline passed or notified): all but preg-6; notified: preg-2 and preg-4.
 */
export const SCENARIO = {
  from: '2026-09-01',
  to: '2026-11-23',
  total: { indicated: 6, due: 5, notified: 2, notifiedInTime: 1, rate: '40%', inTimeRate: '20%', pending: 1, noticeIssued: 1 },
  institutions: ['org-a', 'org-b'],
  months: ['2026-09', '2026-10', '2026-11'],
  problemPregnancies: ['preg-1', 'preg-2', 'preg-3', 'preg-5', 'preg-6'],
} as const;

const finding = (rule: string): FindingRecord => ({ rule, citation: 'ZJ-2023 Art. 24', evidence: [], params: {} });

let seq = 0;
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface Call {
  pregnancy: string;
  institution: string;
  practitioner: string;
  rule: string;
  at: string;
  notice?: boolean;
}

function hookCall(c: Call): { record: HookCallRecord; cardUuid: string; noticeSuggestion: string; noticeId: string } {
  const n = (seq += 10);
  const patientId = `pat-${c.pregnancy.slice(5)}`;
  const cardUuid = uuid(n + 1);
  const noticeSuggestion = uuid(n + 2);
  const noticeId = uuid(n + 3);
  const record: HookCallRecord = {
    hookInstance: uuid(n + 4),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: c.at,
    issuer: 'https://ehr.test.example',
    institutionId: c.institution,
    practitionerId: c.practitioner,
    patientId,
    // Her record number (MRN_SYSTEM), shown under the patient in the case list.
    patientMrn: `ZY-2026-${c.pregnancy.slice(5).padStart(6, '0')}`,
    pregnancyKey: c.pregnancy,
    status: 200,
    latencyMs: 12,
    findings: [finding(c.rule)],
    cards: [
      {
        uuid: cardUuid,
        indicator: 'warning',
        rules: [c.rule],
        suggestions: [
          { uuid: uuid(n + 5), kind: 'create:ServiceRequest' },
          { uuid: noticeSuggestion, kind: 'create:Communication' },
        ],
      },
    ],
    ruleErrors: [],
    ...(c.notice
      ? {
          notice: {
            id: noticeId,
            createdAt: c.at,
            hash: 'a'.repeat(64),
            patientId,
            institutionId: c.institution,
            pregnancyKey: c.pregnancy,
            practitionerId: c.practitioner,
            rules: [c.rule],
            content: { rules: [c.rule] },
          },
        }
      : {}),
  };
  return { record, cardUuid, noticeSuggestion, noticeId };
}

async function sign(audit: AuditStore, noticeId: string, signedAt: string, recordedBy: string): Promise<void> {
  const r = await audit.appendAcknowledgement({
    id: uuid((seq += 10) + 6),
    noticeId,
    signerKind: 'patient',
    signerName: '王某某',
    decision: 'accepted-referral',
    signedAt,
    recordedBy,
    recordedAt: signedAt,
  });
  if (r.status !== 'created') throw new Error(`acknowledgement not stored: ${r.status}`);
}

/** Seeds the scenario of SCENARIO's table. */
export async function seedQcScenario(audit: AuditStore): Promise<void> {
  const p1 = hookCall({ pregnancy: 'preg-1', institution: 'org-a', practitioner: 'pr-1', rule: 'ama', at: '2026-09-10T02:00:00Z' });
  await audit.recordHookCall(p1.record);
  await audit.append([
    {
      serviceId: 'prenatal-diagnosis-referral',
      receivedAt: '2026-09-11T03:00:00Z',
      issuer: 'https://ehr.test.example',
      item: {
        card: p1.cardUuid,
        outcome: 'accepted',
        acceptedSuggestions: [{ id: p1.noticeSuggestion }],
        outcomeTimestamp: '2026-09-11T03:00:00Z',
      },
    },
  ]);

  const p2 = hookCall({
    pregnancy: 'preg-2',
    institution: 'org-a',
    practitioner: 'pr-2',
    rule: 'screening-high-risk',
    at: '2026-10-05T02:00:00Z',
    notice: true,
  });
  await audit.recordHookCall(p2.record);
  await sign(audit, p2.noticeId, '2026-10-20T06:00:00Z', 'pr-2');

  const p3 = hookCall({
    pregnancy: 'preg-3',
    institution: 'org-b',
    practitioner: 'pr-3',
    rule: 'fetal-anomaly',
    at: '2026-10-12T02:00:00Z',
    notice: true,
  });
  await audit.recordHookCall(p3.record);

  const p4 = hookCall({
    pregnancy: 'preg-4',
    institution: 'org-b',
    practitioner: 'pr-3',
    rule: 'amniotic-fluid',
    at: '2026-11-02T02:00:00Z',
    notice: true,
  });
  await audit.recordHookCall(p4.record);
  await sign(audit, p4.noticeId, '2026-11-04T02:00:00Z', 'pr-3');

  const p5 = hookCall({
    pregnancy: 'preg-5',
    institution: 'org-a',
    practitioner: 'pr-1',
    rule: 'teratogen-exposure',
    at: '2026-11-15T02:00:00Z',
  });
  await audit.recordHookCall(p5.record);
  await audit.append([
    {
      serviceId: 'prenatal-diagnosis-referral',
      receivedAt: '2026-11-15T02:05:00Z',
      issuer: 'https://ehr.test.example',
      item: { card: p5.cardUuid, outcome: 'overridden', outcomeTimestamp: '2026-11-15T02:05:00Z' },
    },
  ]);

  const p6 = hookCall({ pregnancy: 'preg-6', institution: 'org-b', practitioner: 'pr-3', rule: 'ama', at: '2026-11-20T02:00:00Z' });
  await audit.recordHookCall(p6.record);
}
