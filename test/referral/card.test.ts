import type { Communication, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { cardSchema, type Card } from '../../src/cds-hooks/card-schema.js';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, PROFILES, SYSTEMS } from '../../src/clinical/codes.js';
import type { Finding } from '../../src/engine/rule.js';
import { FINDINGS_EXTENSION } from '../../src/cds-hooks/extensions.js';
import { buildReferralCard, CARD_SOURCE_LABEL, type ReferralCardInput } from '../../src/referral/card.js';
import { buildNoticeContent } from '../../src/referral/notice/content.js';
import { ALL_FINDINGS, ART25_RULE_IDS, FACTS, finding, idSequence, NOW, patient, POLICY } from './fixtures.js';

const NOTICE_URL = 'https://cds.example.org/notices/n-1';

/** The card's input with the notice content the referral service builds once from the same facts. */
function input(over: Partial<ReferralCardInput> = {}): ReferralCardInput {
  const base = {
    findings: [finding('ama')],
    facts: FACTS,
    patient: patient(),
    noticeId: 'n-1',
    noticeUrl: NOTICE_URL,
    locale: 'zh-CN' as const,
    newId: idSequence(),
    policy: POLICY,
    now: NOW,
    practitionerRef: 'Practitioner/dr1',
    encounterRef: 'Encounter/e1',
    ...over,
  };
  return { ...base, notice: over.notice ?? buildNoticeContent(base) };
}

function build(over: Partial<ReferralCardInput> = {}): Card {
  const card = buildReferralCard(input(over));
  if (!card) throw new Error('expected a card');
  expect(() => cardSchema.parse(card)).not.toThrow();
  return card;
}

const resourceOf = <T>(card: Card, i: number): T => card.suggestions![i]!.actions![0]!.resource as T;

describe('referral card', () => {
  it('returns undefined when there are no findings', () => {
    expect(buildReferralCard({ ...input(), findings: [] })).toBeUndefined();
  });

  it('one finding: warning, zh-CN wording, GA/EDD, citation, evidence', () => {
    const card = build();
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('高龄孕妇');
    expect(card.detail).toContain('孕周 19\\+3，预产期 2026\\-08\\-01（超声推算）');
    expect(card.detail).toContain('ZJ\\-2023 Art\\.24\\(5\\); PDM Art\\.17\\(5\\)');
    expect(card.detail).toContain('Patient/p1');
    expect(card.detail).toContain('ZJ\\-2023 Art\\.25');
    expect(card.detail).toContain('ZJ\\-2023 Art\\.22');
    expect(card.source).toMatchObject({ label: CARD_SOURCE_LABEL });
    expect(card.uuid).toBe('id-1');
  });

  it('all 7 findings: one card listing each, summary < 140 in both locales', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const card = build({ findings: ALL_FINDINGS, locale });
      expect([...card.summary].length).toBeLessThan(140);
      expect(card.detail!.match(/^\d+\. \*\*/gm)).toHaveLength(7);
      const rules = (card.extension![FINDINGS_EXTENSION] as Finding[]).map((f) => f.rule);
      expect(rules).toEqual([...ART25_RULE_IDS]);
    }
    expect(build({ findings: ALL_FINDINGS, locale: 'en' }).detail).toContain('Possible teratogen exposure — physician to confirm');
    expect(build({ findings: ALL_FINDINGS }).detail).toContain('可能存在致畸物暴露，请医师核实');
  });

  it('summary stays < 140 characters in every variant and locale, even with 7 findings', () => {
    const notices = [
      undefined,
      { date: '2026-02-01', rules: [], reference: 'Communication/c1' },
      { date: '2026-02-01', rules: ['ama'], reference: 'Communication/c1' },
    ];
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const existingNotice of notices) {
        for (const findings of [[finding('teratogen-exposure')], ALL_FINDINGS]) {
          expect([...build({ findings, locale, existingNotice }).summary].length).toBeLessThan(140);
        }
      }
    }
  });

  it('extension carries rule, citation, evidence and params exactly', () => {
    const f = finding('amniotic-fluid');
    const card = build({ findings: [f] });
    expect(card.extension).toEqual({
      [FINDINGS_EXTENSION]: [{ rule: 'amniotic-fluid', citation: f.citation, evidence: ['Observation/afi1'], params: f.params }],
    });
  });

  it('is info, without a notice suggestion, when the notice on file covers every finding', () => {
    const card = build({
      findings: [finding('ama'), finding('screening-high-risk')],
      existingNotice: { date: '2026-02-01T10:00:00+08:00', rules: ['ama', 'screening-high-risk'], reference: 'Communication/c9' },
    });
    expect(card.indicator).toBe('info');
    expect(card.summary).toContain('2026-02-01');
    expect(card.detail).toContain('Communication/c9');
    expect(card.suggestions).toHaveLength(1);
    expect(resourceOf<ServiceRequest>(card, 0).resourceType).toBe('ServiceRequest');
  });

  it('is warning again when a finding is not covered by the notice on file, and names it', () => {
    const card = build({
      findings: [finding('ama'), finding('fetal-anomaly')],
      existingNotice: { date: '2026-02-01', rules: ['ama'], reference: 'Communication/c9' },
    });
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('胎儿发育异常或可疑畸形');
    expect(card.detail).toContain('未涵盖以下新增指征：胎儿发育异常或可疑畸形');
    const comm = resourceOf<Communication>(card, 1);
    expect(comm.extension!.filter((e) => e.url === EXTENSIONS.noticeRules).map((e) => e.valueCode)).toEqual(['ama', 'fetal-anomaly']);
  });

  it('suggestion (a): draft referral ServiceRequest', () => {
    const card = build({ findings: ALL_FINDINGS });
    expect(card.selectionBehavior).toBe('any');
    const sr = resourceOf<ServiceRequest>(card, 0);
    expect(sr).toMatchObject({
      resourceType: 'ServiceRequest',
      status: 'draft',
      intent: 'order',
      meta: { profile: [PROFILES.referralServiceRequest] },
      category: [{ coding: [{ system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral' }] }],
      code: { coding: [{ system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral' }] },
      subject: { reference: 'Patient/p1' },
      encounter: { reference: 'Encounter/e1' },
      requester: { reference: 'Practitioner/dr1' },
      performer: [{ display: POLICY.referralInstitution.name, reference: 'Organization/org-pd' }],
      occurrenceDateTime: NOW.instant,
      authoredOn: NOW.instant,
    });
    expect(sr.reasonReference!.map((r) => r.reference)).toEqual(['Observation/afi1', 'Condition/c1', 'Observation/nt1', 'Observation/s1']);
    expect(sr.supportingInfo!.map((r) => r.reference)).toEqual([
      'Patient/p1',
      'MedicationStatement/m1',
      'FamilyMemberHistory/f1',
      'FamilyMemberHistory/f2',
    ]);
    expect(build().suggestions!.map((s) => s.uuid)).toEqual(['id-2', 'id-4']);
  });

  it('suggestion (b): notice Communication about the referral, with covered rules and notice id', () => {
    const card = build({ findings: ALL_FINDINGS });
    const sr = resourceOf<ServiceRequest>(card, 0);
    const comm = resourceOf<Communication>(card, 1);
    expect(comm).toMatchObject({
      resourceType: 'Communication',
      status: 'completed',
      meta: { profile: [PROFILES.writtenNoticeCommunication] },
      category: [{ coding: [{ system: SYSTEMS.noticeCategory, code: NOTICE_CATEGORY_CODE }] }],
      subject: { reference: 'Patient/p1' },
      sender: { reference: 'Practitioner/dr1' },
      sent: NOW.instant,
    });
    expect(comm.about).toEqual([{ type: 'ServiceRequest', identifier: sr.identifier![0] }]);
    expect(comm.extension!.filter((e) => e.url === EXTENSIONS.noticeRules).map((e) => e.valueCode)).toEqual([...ART25_RULE_IDS]);
    expect(comm.extension!.find((e) => e.url === EXTENSIONS.noticeId)).toEqual({ url: EXTENSIONS.noticeId, valueString: 'n-1' });
    const text = comm.payload![0]!.contentString!;
    expect(text).toContain('产前诊断书面告知书');
    expect(text).toContain('王小红');
    expect(text).toContain('知情选择、孕妇自愿');
    expect(text).toContain(POLICY.referralInstitution.name);
  });

  it('override reasons with display in the card locale; one absolute print link', () => {
    const zh = build();
    expect(zh.overrideReasons!.map((o) => o.code)).toEqual([
      'already-referred',
      'declined-after-counselling',
      'data-incorrect',
      'not-currently-pregnant',
    ]);
    for (const o of zh.overrideReasons!) expect(o).toMatchObject({ system: SYSTEMS.overrideReason, display: expect.any(String) });
    expect(zh.overrideReasons![0]!.display).toBe('已转诊至产前诊断机构');
    expect(zh.links).toEqual([{ label: '打印书面告知书', url: NOTICE_URL, type: 'absolute' }]);
    const en = build({ locale: 'en' });
    expect(en.overrideReasons![1]!.display).toBe('Declined after counselling');
    expect(en.links).toEqual([{ label: 'Print written notice', url: `${NOTICE_URL}?lang=en`, type: 'absolute' }]);
    expect(en.summary).toContain('advanced maternal age');
  });

  it('escapes patient-derived text in the card markdown', () => {
    const payload = '<script>alert(1)</script>**x**[x](javascript:alert(1))<img src=x onerror=alert(1)>';
    const card = build({
      patient: patient({ name: [{ use: 'official', text: payload }] }),
      findings: [
        finding('fetal-anomaly', {
          items: [{ reference: 'Condition/c1', code: { system: 's', code: 'c', display: payload }, text: payload }],
        }),
        finding('genetic-family-history', {
          items: [{ reference: 'FamilyMemberHistory/f1', text: payload, relationship: { system: 's', code: 'X', display: payload } }],
        }),
      ],
    });
    expect(card.detail).not.toContain('<script>');
    // Every markup metacharacter that came from the payload is backslash-escaped.
    expect(card.detail).not.toMatch(/(?<!\\)[<>[\]()]/);
    expect(card.detail).not.toContain('](javascript');
    expect(card.detail).not.toContain('**x**');
    expect(card.detail).toContain('\\<script\\>alert\\(1\\)\\</script\\>');
    expect(JSON.stringify(card.summary)).not.toContain('<');
  });
});
