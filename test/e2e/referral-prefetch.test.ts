import type { Communication, FamilyMemberHistory, Patient, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/clinical/codes.js';
import { expectConformant } from '../support/expect-conformant.js';
import { validateAgainstProfile } from '../support/fhir-validate.js';
import {
  addToBundle,
  buildE2eApp,
  bundleOf,
  example,
  findingsOf,
  noticeIdOf,
  noticePath,
  PUBLIC_BASE_URL,
  removeFromBundle,
  ruleIds,
  type E2eApp,
  type HookBody,
  type WireCard,
} from './support/e2e-app.js';
import { canonicalJson, HAN, sha256Hex, unescapeMarkdown } from './support/markdown.js';

/**
 * The referral services end to end, with every key prefetched (cds-hooks/examples): real config,
 * services, snapshot loader and authenticator (AUTH_MODE=off here), fixed clock 2026-11-23.
 *
 * The example woman (张丽, born 1989-03-15; final EDD 2027-05-10 ⇒ LMP 2026-08-03, GA 16+0):
 * - `ama`: 38 full years at the EDD (≥ 35);
 * - `amniotic-fluid`: AFI 4.6 cm on 2026-11-20 (≤ 5 cm: oligohydramnios);
 * - `genetic-family-history`: brother with β-thalassaemia (SNOMED 40108008);
 * and nothing else: NT 1.6 mm (< 3.0), no screening result, folic acid only, no anomaly condition.
 */
const REFERRAL_SERVICES = ['prenatal-diagnosis-referral', 'prenatal-diagnosis-referral-encounter'] as const;
const EXPECTED_RULES = ['ama', 'amniotic-fluid', 'genetic-family-history'];
const PATIENT_ID = 'p-zhang-li-1989';
const NOTICE_SYSTEM = 'http://prenatal-cds.org/fhir/CodeSystem/notice-category';
const NOTICE_RULES_URL = 'http://prenatal-cds.org/fhir/StructureDefinition/notice-rules';
const ZH_LABELS = ['高龄孕妇', '羊水过多或过少', '遗传病家族史'];
const EN_LABELS = ['advanced maternal age', 'amniotic fluid anomaly', 'genetic family history'];

interface CdsBody {
  cards: WireCard[];
}

async function call(e: E2eApp, service: string, body: HookBody): Promise<WireCard[]> {
  const res = await request(e.app).post(`/cds-services/${service}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as CdsBody).cards;
}

async function oneCard(e: E2eApp, service: string, body: HookBody): Promise<WireCard> {
  const cards = await call(e, service, body);
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

function createdResources(card: WireCard): Resource[] {
  return (card.suggestions ?? []).flatMap((s) => (s.actions ?? []).filter((a) => a.type === 'create').map((a) => a.resource as Resource));
}

function noticeCommunication(id: string, sent: string, rules: readonly string[]): Communication {
  return {
    resourceType: 'Communication',
    id,
    extension: rules.map((r) => ({ url: NOTICE_RULES_URL, valueCode: r })),
    status: 'completed',
    category: [{ coding: [{ system: NOTICE_SYSTEM, code: 'prenatal-diagnosis-written-notice' }], text: '产前诊断书面告知' }],
    subject: { reference: `Patient/${PATIENT_ID}` },
    sent,
    sender: { reference: 'Practitioner/pr-wang-fang' },
    payload: [{ contentString: '产前诊断书面告知书（已签字存档）' }],
  };
}

describe.each(REFERRAL_SERVICES)('%s with the shipped example (all keys prefetched)', (service) => {
  it("answers one conformant warning card with exactly the example's findings, citing Art.24", async () => {
    const e = buildE2eApp();
    const card = await oneCard(e, service, example(service));
    expect(card.indicator).toBe('warning');
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
    const byRule = Object.fromEntries(findingsOf(card).map((f) => [f.rule, f]));
    expect(byRule['ama']?.params).toMatchObject({ ageYears: 38, reference: 'edd', referenceDate: '2027-05-10' });
    expect(byRule['ama']?.evidence).toEqual(expect.arrayContaining([`Patient/${PATIENT_ID}`, 'Observation/obs-edd-1']));
    expect(byRule['amniotic-fluid']?.params['kind']).toBe('oligohydramnios');
    expect(byRule['amniotic-fluid']?.evidence).toEqual(['Observation/obs-afi-1']);
    expect(byRule['genetic-family-history']?.evidence).toEqual(['FamilyMemberHistory/fmh-brother-thal-1']);
    for (const f of findingsOf(card)) expect(f.citation).toMatch(/^ZJ-2023 Art\.24\(\d\); PDM Art\.17\(\d\)$/);

    const detail = unescapeMarkdown(card.detail ?? '');
    expect(detail).toContain('Art.24');
    expect(detail).toContain('第二十四条');
    for (const label of ZH_LABELS) expect(detail).toContain(label);
    expect(card.summary.length).toBeLessThan(140);
    expect(card.selectionBehavior).toBe('any');
    expect(card.overrideReasons?.every((r) => typeof r.display === 'string' && r.display !== '')).toBe(true);
  });

  it('the notice link opens the stored printable notice: name, indications, informed choice, signature lines', async () => {
    const e = buildE2eApp();
    const card = await oneCard(e, service, example(service));
    const path = noticePath(card);
    expect(path).toMatch(/^\/notices\/[0-9a-f-]{36}\?t=[A-Za-z0-9_-]{43}$/);

    const page = await request(e.app).get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.text;
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain('张丽');
    for (const label of ZH_LABELS) expect(html).toContain(label);
    expect(html).toContain('知情选择');
    expect(html).toContain('自愿');
    expect(html).toContain('孕妇或家属签名');
    expect(html).toContain('医师签名');
    expect(html).toContain('日期');
    expect(html).not.toMatch(/<script/i);

    // Stable: the content was fixed (and hashed) when the card was issued.
    const again = await request(e.app).get(path).expect(200);
    expect(again.text).toBe(html);
    const stored = await e.notices.get(noticeIdOf(card));
    expect(stored?.patientId).toBe(PATIENT_ID);
    expect(stored?.hash).toBe(sha256Hex(canonicalJson(stored?.content)));
    expect(html).toContain(stored?.hash);

    const en = await request(e.app).get(`${path}&lang=en`).expect(200);
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).toContain('张丽');
    for (const label of EN_LABELS) expect(en.text).toContain(label);
    expect(en.text).toContain('informed choice');
    expect(en.text).toContain('Signature of the woman or a family member');
    expect(en.text).toContain(stored?.hash);
  });

  it('(a) the referral ServiceRequest it suggests validates against PROFILES.referralServiceRequest with no issues', async () => {
    const e = buildE2eApp();
    const card = await oneCard(e, service, example(service));
    const created = createdResources(card);
    expect(created.map((r) => r.resourceType)).toEqual(['ServiceRequest', 'Communication']);
    const referral = created[0]!;
    expect(validateAgainstProfile(referral, PROFILES.referralServiceRequest)).toEqual([]);
    expect(referral).toMatchObject({
      status: 'draft',
      intent: 'order',
      subject: { reference: `Patient/${PATIENT_ID}` },
      requester: { reference: 'Practitioner/pr-wang-fang' },
    });
    if (service === 'prenatal-diagnosis-referral-encounter')
      expect(referral).toMatchObject({ encounter: { reference: 'Encounter/enc-20261123-anc' } });
  });

  it('(b) the notice Communication it suggests validates against PROFILES.writtenNoticeCommunication with no issues', async () => {
    const e = buildE2eApp();
    const card = await oneCard(e, service, example(service));
    const [referral, notice] = createdResources(card) as [Resource, Communication];
    // The notice Communication covers every finding, points at the referral, and links the notice page.
    expect(
      (notice.extension ?? [])
        .filter((x) => x.url === NOTICE_RULES_URL)
        .map((x) => x.valueCode)
        .sort(),
    ).toEqual(EXPECTED_RULES);
    const referralId = (referral as { identifier?: { value?: string }[] }).identifier?.[0]?.value;
    expect(notice.about?.[0]?.identifier?.value).toBe(referralId);
    expect(notice).toMatchObject({ status: 'completed', subject: { reference: `Patient/${PATIENT_ID}` } });
    if (service === 'prenatal-diagnosis-referral-encounter') expect(notice.encounter).toEqual({ reference: 'Encounter/enc-20261123-anc' });
    expect(validateAgainstProfile(notice, PROFILES.writtenNoticeCommunication)).toEqual([]);
  });
});

describe('prenatal-diagnosis-referral: who gets no card', () => {
  it('a woman with no evidence of a current pregnancy → cards: []', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    removeFromBundle(body, 'observations', ['obs-edd-1']);
    removeFromBundle(body, 'conditions', ['cond-pregnancy-1']);
    removeFromBundle(body, 'episodes', ['eoc-pregnancy-1']);
    expect(await call(e, 'prenatal-diagnosis-referral', body)).toEqual([]);
  });

  it('a male patient with otherwise the same record → cards: []', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    (body.prefetch!['patient'] as Patient).gender = 'male';
    expect(await call(e, 'prenatal-diagnosis-referral', body)).toEqual([]);
  });
});

describe('prenatal-diagnosis-referral: a written notice already on file', () => {
  it('a completed notice sent after the LMP covering every finding → info card, no notice suggestion', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    addToBundle(body, 'communications', noticeCommunication('comm-notice-1', '2026-11-16T10:20:00+08:00', EXPECTED_RULES));
    const card = await oneCard(e, 'prenatal-diagnosis-referral', body);
    expect(card.indicator).toBe('info');
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
    expect(unescapeMarkdown(card.detail ?? '')).toContain('2026-11-16');
    expect(createdResources(card).map((r) => r.resourceType)).toEqual(['ServiceRequest']);
  });

  it('a notice covering only some findings → warning again, and the new notice covers them all', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    addToBundle(
      body,
      'communications',
      noticeCommunication('comm-notice-1', '2026-11-16T10:20:00+08:00', ['ama', 'genetic-family-history']),
    );
    const card = await oneCard(e, 'prenatal-diagnosis-referral', body);
    expect(card.indicator).toBe('warning');
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
    const notice = createdResources(card).find((r): r is Communication => r.resourceType === 'Communication');
    expect(
      (notice?.extension ?? [])
        .filter((x) => x.url === NOTICE_RULES_URL)
        .map((x) => x.valueCode)
        .sort(),
    ).toEqual(EXPECTED_RULES);
  });

  it('a notice of an earlier pregnancy (sent before this LMP, 2026-08-03) does not count', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    addToBundle(body, 'communications', noticeCommunication('comm-notice-old', '2024-05-06T09:00:00+08:00', EXPECTED_RULES));
    const card = await oneCard(e, 'prenatal-diagnosis-referral', body);
    expect(card.indicator).toBe('warning');
  });
});

describe('prenatal-diagnosis-referral: LOCALE=en', () => {
  it('gives English cards and an English notice link', async () => {
    const e = buildE2eApp({ env: { LOCALE: 'en' } });
    const card = await oneCard(e, 'prenatal-diagnosis-referral', example('prenatal-diagnosis-referral'));
    expect(card.summary).not.toMatch(HAN);
    expect(card.summary).toMatch(/prenatal diagnosis/i);
    const detail = unescapeMarkdown(card.detail ?? '');
    for (const label of EN_LABELS) expect(detail).toContain(label);
    expect(detail).toContain('Art.24');
    // (The referral suggestion names the configured institution, a Chinese default; the notice one is all English.)
    expect(card.suggestions?.[1]?.label).not.toMatch(HAN);
    expect(card.overrideReasons?.every((r) => !HAN.test(r.display ?? ''))).toBe(true);
    expect(card.links?.[0]?.url).toMatch(
      new RegExp(`^${PUBLIC_BASE_URL.replace(/\./g, '\\.')}/notices/[0-9a-f-]{36}\\?t=[A-Za-z0-9_-]{43}&lang=en$`),
    );
    const page = await request(e.app).get(noticePath(card)).expect(200);
    expect(page.text).toContain('<html lang="en"');
    // A link without ?lang follows LOCALE.
    const bare = await request(e.app).get(noticePath(card).replace('&lang=en', '')).expect(200);
    expect(bare.text).toContain('<html lang="en"');
  });
});

describe('prenatal-diagnosis-referral: record-derived text cannot inject markup', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const LINK = '[x](javascript:alert(1))';

  function hostile(): HookBody {
    const body = example('prenatal-diagnosis-referral');
    const patient = body.prefetch!['patient'] as Patient;
    patient.name = [{ use: 'official', text: SCRIPT, family: SCRIPT, given: [SCRIPT] }];
    const fmh = bundleOf(body, 'familyHistory').entry?.[0]?.resource as FamilyMemberHistory;
    fmh.condition![0]!.code!.text = LINK;
    return body;
  }

  it.each(['zh-CN', 'en'])('LOCALE=%s: card markdown and the notice page show the text, never the raw payload', async (locale) => {
    const e = buildE2eApp({ env: { LOCALE: locale } });
    const card = await oneCard(e, 'prenatal-diagnosis-referral', hostile());
    expect(ruleIds(card)).toEqual(EXPECTED_RULES);
    const md = card.detail ?? '';
    expect(md).not.toContain(SCRIPT);
    expect(md).not.toContain(LINK);
    expect(md).not.toMatch(/(^|[^\\])<script/i);
    expect(md).not.toMatch(/\]\(javascript:/i);
    // …but the woman's (odd) name and the condition text are still shown, as text.
    expect(unescapeMarkdown(md)).toContain(SCRIPT);
    expect(unescapeMarkdown(md)).toContain(LINK);
    expect(card.summary).not.toContain(SCRIPT);

    const page = await request(e.app).get(noticePath(card)).expect(200);
    expect(page.text).not.toContain(SCRIPT);
    expect(page.text).not.toMatch(/<script/i);
    expect(page.text).not.toMatch(/<a\s/i);
    expect(page.text).not.toMatch(/<[^>]*javascript:/i);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
