import { describe, expect, it } from 'vitest';
import { ART25_NOTICE_RULE_IDS } from '../../src/engine/rule-ids.js';
import { computeCompliance } from '../../src/qc/compliance.js';
import type { AcknowledgementFact, ComplianceInput, ComplianceOptions, FindingFact } from '../../src/qc/compliance-types.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import type { FollowUpFact } from '../../src/qc/follow-up-types.js';
import { identityPresenter, pseudonym } from '../../src/qc/patient-identity.js';
import { ehrOf, resolvePregnancies, shownPregnancy, type PatientScope } from '../../src/qc/pregnancy-identity.js';

/**
 * A FHIR patient id is unique only within its EHR (docs/design.md#pregnancy-identity): two hospitals'
 * EHRs may both call a different woman `p-zhang-li-1989`. Every grouping is scoped by the call's
 * verified issuer and tenant, never by the institution (one EHR serving two campuses is one
 * namespace). Before the fix the province saw one case for the two women below.
 */
const TZ = 'Asia/Shanghai';
const PATIENT = 'p-zhang-li-1989';
const EDD = '2027-05-10';
const KEY = `Patient/${PATIENT}|${EDD}`;
const EHR_A: PatientScope = { issuer: 'https://ehr.hospital-a.example' };
const EHR_B: PatientScope = { issuer: 'https://ehr.hospital-b.example' };
const GROUP_WEST: PatientScope = { issuer: 'https://ehr.group.example', tenant: 'campus-west' };
const GROUP_EAST: PatientScope = { issuer: 'https://ehr.group.example', tenant: 'campus-east' };

let seq = 0;

/** A referral-rule finding of a call at 10:00 Shanghai on `day` by an EHR at an institution. */
function finding(ehr: PatientScope, org: string, day: string, rule = 'ama'): FindingFact {
  return {
    hookCallId: `call-${(seq += 1)}`,
    receivedAt: `${day}T10:00:00+08:00`,
    ...ehr,
    institutionId: org,
    patientId: PATIENT,
    pregnancyKey: KEY,
    edd: EDD,
    rule,
  };
}

/** Her signed acknowledgement of a notice issued by a call of `ehr`. */
function ack(ehr: PatientScope, day: string): AcknowledgementFact {
  return {
    noticeId: `n-${(seq += 1)}`,
    signedAt: `${day}T11:00:00+08:00`,
    ...ehr,
    patientId: PATIENT,
    pregnancyKey: KEY,
    edd: EDD,
    decision: 'accepted-referral',
  };
}

const OPTS: ComplianceOptions = {
  from: '2026-11-01',
  to: '2026-11-30',
  groupBy: 'institution',
  timeZone: TZ,
  deadlineDays: 7,
  today: '2026-11-20',
  referralRules: ART25_NOTICE_RULE_IDS,
};

function compliance(rows: Partial<ComplianceInput>) {
  return computeCompliance({ findings: [], cards: [], feedback: [], acknowledgements: [], ...rows }, OPTS);
}

describe('pregnancy identity is scoped by the EHR that owns the patient id', () => {
  it('resolves two EHRs’ women with one id and one EDD into two pregnancies, each shown by the raw key', () => {
    const ix = resolvePregnancies(
      [
        { ...EHR_A, patientId: PATIENT, pregnancyKey: KEY, edd: EDD, receivedAt: '2026-11-02T02:00:00Z' },
        { ...EHR_B, patientId: PATIENT, pregnancyKey: KEY, edd: EDD, receivedAt: '2026-11-03T02:00:00Z' },
        // EHR B's woman revises her EDD: still her one pregnancy, and not EHR A's.
        { ...EHR_B, patientId: PATIENT, edd: '2027-05-16', receivedAt: '2026-11-10T02:00:00Z' },
      ],
      { toleranceDays: 28, timeZone: TZ, ends: [{ ...EHR_B, patientId: PATIENT, on: '2027-05-14' }] },
    );
    const all = ix.all();
    expect(all).toHaveLength(2);
    const [a, b] = [all.find((p) => p.ehr === ehrOf(EHR_A))!, all.find((p) => p.ehr === ehrOf(EHR_B))!];
    expect(a.id).not.toBe(b.id);
    expect([shownPregnancy(a.id), shownPregnancy(b.id)]).toEqual([KEY, KEY]);
    expect([a.edd, b.edd]).toEqual([EDD, '2027-05-16']);
    // The delivery recorded in EHR B ends EHR B's pregnancy only.
    expect([a.endedOn, b.endedOn]).toEqual([undefined, '2027-05-14']);
    expect(ix.of({ ...EHR_A, patientId: PATIENT, pregnancyKey: KEY, edd: EDD })).toBe(a.id);
    expect(ix.of({ ...EHR_B, patientId: PATIENT, pregnancyKey: KEY, edd: EDD })).toBe(b.id);
    expect(ix.on({ ...EHR_A, patientId: PATIENT }, '2027-06-01')?.id).toBe(a.id);
    expect(ix.on({ ...EHR_B, patientId: PATIENT }, '2027-06-01')).toBeUndefined();
    // Without any EHR (the bulk audit: one export) ids stay the raw keys.
    const bulk = resolvePregnancies([{ patientId: PATIENT, edd: EDD, receivedAt: '2026-11-02T02:00:00Z' }], { toleranceDays: 28 });
    expect(bulk.all().map((p) => [p.id, p.ehr])).toEqual([[KEY, undefined]]);
  });

  it('compliance: two EHRs are two cases with their own notices; two tenants of one issuer are two EHRs', () => {
    for (const [x, y] of [
      [EHR_A, EHR_B],
      [GROUP_WEST, GROUP_EAST],
    ] as const) {
      const r = compliance({
        findings: [finding(x, 'org-a', '2026-11-02'), finding(y, 'org-b', '2026-11-03')],
        acknowledgements: [ack(x, '2026-11-04')],
      });
      expect(r.cases.map((c) => [c.pregnancy, c.patient, c.institution, c.status])).toEqual([
        [KEY, PATIENT, 'org-a', 'notified-in-time'],
        [KEY, PATIENT, 'org-b', 'missing'],
      ]);
      expect(r.cases.map((c) => c.ehr)).toEqual([ehrOf(x), ehrOf(y)]);
      expect(r.total).toMatchObject({ indicated: 2, due: 2, notified: 1, missing: 1 });
    }
  });

  it('compliance: one EHR serving two campuses (institutions) is one patient namespace: one case', () => {
    const r = compliance({
      findings: [
        finding(GROUP_WEST, 'org-group-west', '2026-11-02'),
        finding(GROUP_WEST, 'org-group-east', '2026-11-05', 'genetic-family-history'),
      ],
      acknowledgements: [ack(GROUP_WEST, '2026-11-06')],
    });
    expect(r.cases.map((c) => [c.pregnancy, c.institution, c.rules, c.status])).toEqual([
      [KEY, 'org-group-west', ['ama', 'genetic-family-history'], 'notified-in-time'],
    ]);
  });

  it('follow-up: two EHRs are two funnels; a procedure in one EHR’s record does not diagnose the other woman', () => {
    const procedure: FollowUpFact = {
      kind: 'procedure',
      reference: 'Procedure/amnio-1',
      on: '2026-11-12',
      day: '2026-11-12',
      detail: 'amniocentesis',
      receivedAt: '2026-11-12T09:00:00+08:00',
      ...EHR_A,
      patientId: PATIENT,
      institutionId: 'org-a',
    };
    const r = computeFollowUp(
      {
        compliance: {
          findings: [finding(EHR_A, 'org-a', '2026-11-02'), finding(EHR_B, 'org-b', '2026-11-03')],
          cards: [],
          feedback: [],
          acknowledgements: [],
        },
        events: [procedure],
      },
      { ...OPTS, groupBy: 'institution', diagnosisDays: 28 },
    );
    expect(r.rows.map((x) => [x.key, x.indicated, x.procedure])).toEqual([
      ['org-a', 1, 1],
      ['org-b', 1, 0],
    ]);
    expect(r.undiagnosed.map((u) => [u.pregnancy, u.institution, u.ehr])).toEqual([[KEY, 'org-b', ehrOf(EHR_B)]]);
  });

  it('pseudonyms: two EHRs’ women differ, the same woman keeps hers; no reader is sent the EHR', () => {
    const key = Buffer.from('k'.repeat(32));
    const r = compliance({
      findings: [finding(EHR_A, 'org-a', '2026-11-02'), finding(EHR_B, 'org-b', '2026-11-03')],
    });
    const province = identityPresenter({ role: 'province' }, key);
    const shown = r.cases.map((c) => province.case(c));
    expect(shown[0]!.patient).not.toBe(shown[1]!.patient);
    expect(shown[0]!.patient).toBe(pseudonym(PATIENT, key, ehrOf(EHR_A)));
    expect(shown[0]!.pregnancy).toBe(`${pseudonym(PATIENT, key, ehrOf(EHR_A))}|${EDD}`);
    // The same woman in a later report, and in a data-quality item, gets the same pseudonym.
    const later = compliance({ findings: [finding(EHR_B, 'org-b', '2026-11-20')] });
    expect(province.case(later.cases[0]!).patient).toBe(shown[1]!.patient);
    expect(province.patient(PATIENT, ehrOf(EHR_B))).toBe(shown[1]!.patient);
    for (const c of [...shown, identityPresenter({ role: 'institution' }).case(r.cases[0]!)]) expect('ehr' in c).toBe(false);
  });
});
