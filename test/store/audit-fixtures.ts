import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { ART25_NOTICE_RULE_IDS } from '../../src/engine/rule-ids.js';
import type { SummarySettings } from '../../src/qc/compliance-summary.js';
import type { ComplianceSummaryStore } from '../../src/store/compliance-summary.js';
import type { FeedbackRecord } from '../../src/store/records.js';
import { SHANGHAI_SUMMARY } from '../bench/lib/qc-scale-data.js';
import type { AcknowledgementRecord, HookCallRecord, NoticeRecord } from '../../src/store/records.js';

/** Builders for store tests: every call gets fresh ids so tests sharing one database never collide. */

export function notice(overrides: Partial<NoticeRecord> = {}): NoticeRecord {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    createdAt: '2025-03-01T02:00:00.000Z',
    hash: 'a'.repeat(64),
    patientId: 'p1',
    institutionId: 'org-1',
    pregnancyKey: 'p1|2025-08-01',
    practitionerId: 'dr-1',
    rules: ['ZJ24-AMA'],
    content: { noticeId: id, woman: { name: '王芳', ageNow: 36 }, indications: [{ rule: 'ZJ24-AMA', params: { ageAtEdd: 36 } }] },
    ...overrides,
  };
}

export function hookCall(overrides: Partial<HookCallRecord> = {}): HookCallRecord {
  const card = randomUUID();
  return {
    hookInstance: randomUUID(),
    serviceId: 'prenatal-diagnosis-referral',
    hook: 'patient-view',
    receivedAt: '2025-03-01T02:00:00.000Z',
    issuer: 'https://ehr.example/',
    tenant: 't1',
    institutionId: 'org-1',
    practitionerId: 'dr-1',
    patientId: 'p1',
    pregnancyKey: 'p1|2025-08-01',
    status: 200,
    latencyMs: 42,
    findings: [
      {
        rule: 'ZJ24-AMA',
        ruleVersion: '1',
        citation: 'ZJ-2023 Art.24(1)',
        evidence: ['Patient/p1'],
        params: { ageAtEdd: 36, threshold: 35 },
      },
      {
        rule: 'ZJ24-AFI',
        citation: 'ZJ-2023 Art.24(2)',
        evidence: ['Observation/afi1', 'Observation/afi2'],
        params: { afiCm: 26.5, code: 'http://loinc.org|72583-0' },
      },
    ],
    cards: [
      {
        uuid: card,
        indicator: 'warning',
        rules: ['ZJ24-AMA', 'ZJ24-AFI'],
        suggestions: [
          { uuid: randomUUID(), kind: 'referral' },
          { uuid: randomUUID(), kind: 'notice-communication' },
        ],
      },
    ],
    ruleErrors: [{ rule: 'ZJ24-TERATOGEN', ruleVersion: '2', citation: 'ZJ-2023 Art.24(4)', cause: 'TypeError in expression' }],
    ...overrides,
  };
}

export function acknowledgement(noticeId: string, overrides: Partial<AcknowledgementRecord> = {}): AcknowledgementRecord {
  return {
    id: randomUUID(),
    noticeId,
    signerKind: 'family-member',
    signerName: '李强',
    relationship: 'husband',
    decision: 'accepted-referral',
    signedAt: '2025-03-02T09:30:00.000Z',
    recordedBy: 'dr-1',
    recordedAt: '2025-03-02T09:31:00.000Z',
    ...overrides,
  };
}

export function feedback(card: string, overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    serviceId: 'prenatal-diagnosis-referral',
    receivedAt: '2025-03-01T03:00:00.000Z',
    issuer: 'https://ehr.example/',
    item: { card, outcome: 'accepted', acceptedSuggestions: [{ id: 's-1' }], outcomeTimestamp: '2025-03-01T10:59:00+08:00' },
    ...overrides,
  };
}

/** A period around the fixtures' instants, for one institution. */
export function period(institutionId: string, from = '2025-03-01T00:00:00Z', to = '2025-04-01T00:00:00Z') {
  return { from, to, institutionId };
}

/** The QC reports' options over a generated province year (test/bench/lib/qc-scale-data.ts), as the routes pass them on 2027-01-10. */
export const PROVINCE_YEAR_TODAY = '2027-01-10';
export const PROVINCE_YEAR_REPORT = {
  timeZone: 'Asia/Shanghai',
  today: PROVINCE_YEAR_TODAY,
  deadlineDays: 7,
  referralRules: ART25_NOTICE_RULE_IDS,
  pregnancyToleranceDays: DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
  diagnosisDays: DEFAULT_POLICY.FOLLOW_UP_DIAGNOSIS_DAYS,
};

/** Builds the per-pregnancy summary of a store that has none yet, as the server's background refresh does after a migration. */
export async function buildSummary(audit: ComplianceSummaryStore, settings: SummarySettings = SHANGHAI_SUMMARY): Promise<void> {
  expect(await audit.summaryStatus(settings)).toMatchObject({ current: false });
  expect(await audit.refreshSummary(settings)).toBeGreaterThan(0);
  expect(await audit.summaryStatus(settings)).toEqual({ current: true, backlog: 0 });
}
