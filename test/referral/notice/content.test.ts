import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/canonical-json.js';
import { buildNoticeContent, hashNoticeContent, type NoticeContentInput } from '../../../src/referral/notice/content.js';
import { noticeContentSchema } from '../../../src/referral/notice/content-schema.js';
import { fullYearsBetween, patientDisplayName } from '../../../src/referral/notice/woman.js';
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
      noticeId: 'n-1',
      issuedOn: '2026-03-10',
      issuedAt: NOW.instant,
      patientId: 'p1',
      practitioner: 'Practitioner/dr1',
      institution: { id: 'org-1', name: '杭州市某区妇幼保健院' },
      referralInstitution: POLICY.referralInstitution,
      woman: { name: '王小红', birthDate: '1990-05-20', ageYears: 35, ageAtEddYears: 36 },
      pregnancy: { edd: '2026-08-01', eddSource: 'ultrasound', ga: '19+3', gaDays: 136, lmp: '2025-10-25' },
    });
    expect(c.rules).toEqual(ALL_FINDINGS.map((f) => f.rule));
    expect(c.indications.map((i) => i.citation)).toEqual(ALL_FINDINGS.map((f) => f.citation));
    for (const l of ['zh-CN', 'en'] as const) {
      expect(c.texts[l].indications).toHaveLength(7);
      expect(c.texts[l].about.length).toBeGreaterThanOrEqual(3);
      expect(c.texts[l].legalBasis).toContain('Art.22');
    }
    expect(c.texts['zh-CN'].about.join('')).toMatch(/羊膜腔穿刺.*脐血穿刺/s);
    expect(c.texts['zh-CN'].about.join('')).toContain('绒毛取样');
    expect(c.texts['zh-CN'].choice).toContain('知情选择、孕妇自愿');
    expect(c.texts.en.choice).toContain('informed choice');
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
