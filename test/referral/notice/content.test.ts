import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/canonical-json.js';
import { buildNoticeContent, hashNoticeContent, type NoticeContentInput } from '../../../src/referral/notice/content.js';
import { noticeContentSchema } from '../../../src/referral/notice/content-schema.js';
import { fullYearsBetween, patientDisplayName } from '../../../src/referral/notice/woman.js';
import { DEFAULT_POLICY } from '../../../src/clinical/policy.js';
import { ALL_FINDINGS, FACTS, finding, NOW, patient, POLICY } from '../fixtures.js';

const input = (over: Partial<NoticeContentInput> = {}): NoticeContentInput => ({
  noticeId: 'n-1',
  findings: ALL_FINDINGS,
  facts: FACTS,
  patient: patient(),
  policy: POLICY,
  now: NOW,
  practitionerRef: 'Practitioner/dr1',
  ...over,
});

describe('notice content', () => {
  it('fixes everything the notice shows, as data', () => {
    const c = buildNoticeContent(input());
    expect(noticeContentSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({
      schemaVersion: 2,
      template: 'art25',
      noticeId: 'n-1',
      issuedOn: '2026-03-10',
      issuedAt: NOW.instant,
      patientId: 'p1',
      physician: { reference: 'Practitioner/dr1' },
      referralInstitution: POLICY.referralInstitution,
      woman: { name: '王小红', birthDate: '1990-05-20', ageYears: 35, ageAtEddYears: 36 },
      pregnancy: { edd: '2026-08-01', eddSource: 'ultrasound', ga: '19+3', gaDays: 136, lmp: '2025-10-25' },
      languages: ['zh-CN', 'en'],
    });
    expect(c.rules).toEqual([...new Set(ALL_FINDINGS.map((f) => f.rule))]);
    expect(c.indications.map((i) => i.citation)).toEqual(ALL_FINDINGS.map((f) => f.citation));
    for (const l of ['zh-CN', 'en'] as const) {
      expect(c.texts[l].indications).toHaveLength(ALL_FINDINGS.length);
      expect(c.texts[l].about.length).toBeGreaterThanOrEqual(3);
      expect(c.texts[l].legalBasis).not.toMatch(/Art\./);
    }
    expect(c.texts['zh-CN'].legalBasis).toContain('《浙江省母婴保健专项技术服务管理办法》第二十五条、第二十二条');
    expect(c.texts['zh-CN'].about.join('')).toMatch(/羊膜腔穿刺.*脐带血穿刺/s);
    expect(c.texts['zh-CN'].about.join('')).toContain('绒毛取样');
    expect(c.texts['zh-CN'].choice).toContain('知情选择、孕妇自愿');
    expect(c.texts.en.choice).toContain('informed choice');
    expect(c.texts['zh-CN'].choices).toEqual({
      accept: '同意转诊到浙江大学医学院附属妇产科医院产前诊断中心进行遗传咨询和产前诊断',
      decline: '经医师告知和咨询，我已了解不做产前诊断的后果，决定不做产前诊断',
      postponed: '尚未决定，我将于2026年3月17日前回来告诉医师我的决定',
    });
    expect(c.texts['zh-CN'].declining.join('')).toContain('孕期检查和保健服务都照常进行');
  });

  it('prints her record number (MRN_SYSTEM) and the physician name from the Practitioner', () => {
    const mrn = 'https://hospital.example.cn/fhir/sid/mrn';
    const c = buildNoticeContent(
      input({
        mrnSystem: mrn,
        patient: patient({
          identifier: [
            { system: 'https://hospital.example.cn/fhir/sid/card', value: 'C-1' },
            { system: mrn, value: 'MRN-OLD', use: 'old' },
            { system: mrn, value: '0012345' },
          ],
        }),
        practitioner: { resourceType: 'Practitioner', id: 'dr1', name: [{ family: '李', given: ['建华'] }] },
      }),
    );
    expect(c.recordNumber).toBe('0012345');
    expect(c.physician).toEqual({ reference: 'Practitioner/dr1', name: '李建华' });
    expect(buildNoticeContent(input()).recordNumber).toBeUndefined();
  });

  it('never takes the policy default wording as an institution name', () => {
    const c = buildNoticeContent(input({ policy: DEFAULT_POLICY }));
    expect(c.institution).toBeUndefined();
    expect(c.referralInstitution).toBeUndefined();
    expect(JSON.stringify(c)).not.toMatch(/（本机构）|（合作产前诊断机构）/);
    expect(c.texts['zh-CN'].choices.accept).toContain('具有产前诊断资质的医疗保健机构');
  });

  it('takes ages from the caller when given, and says unknown for a partial birth date', () => {
    expect(buildNoticeContent(input({ ages: { now: 40, atEdd: 41 } })).woman).toMatchObject({ ageYears: 40, ageAtEddYears: 41 });
    const w = buildNoticeContent(input({ patient: patient({ birthDate: '1990' }) })).woman;
    expect(w.ageYears).toBeUndefined();
    expect(w.ageAtEddYears).toBeUndefined();
  });

  it('is deterministic, and its hash ignores key order but not content', () => {
    const a = buildNoticeContent(input());
    const b = buildNoticeContent(input());
    expect(hashNoticeContent(a)).toBe(hashNoticeContent(b));
    expect(hashNoticeContent(a)).toMatch(/^[0-9a-f]{64}$/);
    const reversed = JSON.parse(canonicalJson(a), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as unknown;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(a));
    expect(hashNoticeContent(reversed)).toBe(hashNoticeContent(a));
    expect(hashNoticeContent({ ...a, issuedOn: '2026-03-11' })).not.toBe(hashNoticeContent(a));
    expect(hashNoticeContent(buildNoticeContent(input({ findings: [finding('ama')] })))).not.toBe(hashNoticeContent(a));
  });

  it('survives a JSON round trip (as stored) with the same hash', () => {
    const a = buildNoticeContent(input());
    expect(hashNoticeContent(JSON.parse(JSON.stringify(a)))).toBe(hashNoticeContent(a));
  });
});

describe('woman name and age', () => {
  it('prefers the official name; Chinese family+given without a space', () => {
    expect(patientDisplayName(patient())).toBe('王小红');
    expect(patientDisplayName(patient({ name: [{ use: 'official', family: 'Smith', given: ['Jane', 'A'] }] }))).toBe('Jane A Smith');
    expect(
      patientDisplayName(
        patient({
          name: [
            { use: 'usual', text: '小红' },
            { use: 'official', text: '王小红', family: '王' },
          ],
        }),
      ),
    ).toBe('王小红');
    expect(
      patientDisplayName(
        patient({
          name: [
            { use: 'old', text: '旧名' },
            { given: ['丽'], family: '李' },
          ],
        }),
      ),
    ).toBe('李丽');
    expect(patientDisplayName(patient({ name: undefined }))).toBeUndefined();
  });

  it('counts full years (周岁), birthday inclusive', () => {
    expect(fullYearsBetween('1990-05-20', '2025-05-19')).toBe(34);
    expect(fullYearsBetween('1990-05-20', '2025-05-20')).toBe(35);
    expect(fullYearsBetween('1992-02-29', '2027-02-28')).toBe(34);
    expect(fullYearsBetween('1992-02-29', '2027-03-01')).toBe(35);
    expect(fullYearsBetween('1990-05', '2025-06-01')).toBeUndefined();
    expect(fullYearsBetween('1990-05-20', undefined)).toBeUndefined();
  });
});
