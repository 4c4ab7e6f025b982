import { createHash, randomUUID } from 'node:crypto';
import type { Communication, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../src/app.js';
import type { Composition } from '../../src/compose.js';
import { hashLinkToken } from '../../src/engine/notice-link.js';
import { isCurrentNoticeContent } from '../../src/referral/notice/content-schema.js';
import { addToBundle, example, type WireCard } from '../e2e/support/e2e-app.js';
import { composeSignedHookApp, issuerKeys } from '../helpers/signed-hook-app.js';

/**
 * A notice stored before the content schema v2 (schemaVersion 1, no `template`: the shape of
 * d570683's content-schema.ts) on the embedded store (PGlite), through HTTP: its link answers 410
 * with "issued in an earlier format; print a new one from the EHR" (never a 500), recorded as
 * `earlier-format`; a later call whose EHR holds its notice Communication issues a new notice in the
 * current form instead of re-linking it; the stored row (content bytes, hash) is never changed.
 */
const BASE = 'https://cds.earlier-format.example';
const ISS = 'https://ehr.earlier-format.example/oauth';
const NOW = Date.parse('2026-11-23T02:00:00Z');
const OLD_ID = '6b1c2f0e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const OLD_TOKEN = 'Q'.repeat(43);

/** Content as stored by schemaVersion 1 (the shape before the rewrite). */
function oldContent(patientId: string, rules: readonly string[]) {
  const texts = {
    indications: [
      {
        rule: rules[0],
        label: '高龄孕妇',
        sentence: '预产期时年龄达到或超过35周岁。',
        citation: 'ZJ-2023 Art.24(5)',
        evidence: ['出生日期 1989-03-14'],
      },
    ],
    recommendation: '建议到具有产前诊断资质的医疗机构进行产前诊断。',
    about: ['产前诊断是对胎儿进行先天性缺陷和遗传性疾病的诊断。'],
    choice: '是否接受产前诊断由孕妇本人知情选择。',
    legalBasis: 'ZJ-2023 Art.22, Art.24, Art.25',
  };
  return {
    schemaVersion: 1,
    noticeId: OLD_ID,
    issuedAt: '2026-10-09T01:30:00.000Z',
    issuedOn: '2026-10-09',
    patientId,
    institution: { id: 'org-1', name: '杭州市某区妇幼保健院' },
    referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
    woman: { name: '张丽', birthDate: '1989-03-14', ageYears: 37, ageAtEddYears: 37 },
    pregnancy: { edd: '2027-04-20', eddSource: 'lmp', lmp: '2026-07-14', ga: '12+3', gaDays: 87 },
    rules,
    indications: rules.map((rule) => ({ rule, citation: 'ZJ-2023 Art.24', evidence: ['Patient/p'], params: {} })),
    texts: { 'zh-CN': texts, en: { ...texts, recommendation: 'Prenatal diagnosis is recommended.' } },
  };
}

interface Harness {
  readonly app: ReturnType<typeof createApp>;
  readonly composition: Composition;
  call(body?: ReturnType<typeof example>): Promise<WireCard>;
}

async function harness(): Promise<Harness> {
  const h = await composeSignedHookApp({ base: BASE, keys: await issuerKeys(ISS), instant: NOW });
  return {
    app: h.app,
    composition: h.composition,
    async call(body = example('prenatal-diagnosis-referral')) {
      const cards = await h.call(body);
      expect(cards).toHaveLength(1);
      return cards[0]!;
    },
  };
}

function linkOf(card: WireCard): { path: string; id: string } {
  const url = new URL(card.links?.find((l) => l.type === 'absolute')?.url ?? '');
  return { path: url.pathname + url.search, id: url.pathname.replace('/notices/', '') };
}

/** The card's notice Communication, as the EHR would hold it for the notice `noticeId`. */
function noticeCommunication(card: WireCard, from: string, noticeId: string): Communication {
  const resources = (card.suggestions ?? []).flatMap((s) => (s.actions ?? []).map((a) => a.resource as Resource | undefined));
  const c = resources.find((r): r is Communication => r?.resourceType === 'Communication');
  if (!c) throw new Error('the card suggests no notice Communication');
  return JSON.parse(JSON.stringify({ ...c, id: 'comm-earlier-format-1' }).replaceAll(from, noticeId)) as Communication;
}

interface Row {
  content: string;
  hash: string;
}

describe('a notice stored in an earlier content format (PGlite)', () => {
  let h: Harness;
  let first: WireCard;
  let before: Row;
  const readRow = async () =>
    (await h.composition.store.sql.query<Row>('SELECT content::text AS content, hash FROM notice WHERE id = $1', [OLD_ID]))[0];

  beforeAll(async () => {
    h = await harness();
    first = await h.call();
    const fresh = linkOf(first).id;
    const sql = h.composition.store.sql;
    const [row] = await sql.query<{ patient_id: string; hook_call_id: string; rules: string[] }>(
      'SELECT patient_id, hook_call_id, rules FROM notice WHERE id = $1',
      [fresh],
    );
    const content = oldContent(row!.patient_id, row!.rules);
    expect(isCurrentNoticeContent(content)).toBe(false);
    const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    // Stored by the same EHR for the same woman (so the store would accept re-linking it), with a link.
    await sql.query(
      `INSERT INTO notice (id, created_at, hash, patient_id, institution_id, hook_call_id, rules, content)
       VALUES ($1, '2026-10-09T01:30:00Z', $2, $3, 'org-1', $4::uuid, $5::text[], $6::jsonb)`,
      [OLD_ID, hash, row!.patient_id, row!.hook_call_id, row!.rules, JSON.stringify(content)],
    );
    await sql.query(
      `INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at)
       VALUES ($1::uuid, $2, $3, $4::uuid, '2026-11-20T00:00:00Z', '2026-12-20T00:00:00Z')`,
      [randomUUID(), hashLinkToken(OLD_TOKEN), OLD_ID, row!.hook_call_id],
    );
    before = (await readRow())!;
  }, 90_000);
  afterAll(async () => h?.composition.close());

  it.each([
    ['zh-CN', '', '此告知书为旧版格式', '电子病历'],
    ['en', '&lang=en', 'issued in an earlier format', 'EHR'],
  ] as const)(
    '%s: its valid link answers 410 "issued in an earlier format; print a new one from the EHR", recorded, nothing of the woman',
    async (lang, q, title, ehr) => {
      const res = await request(h.app).get(`/notices/${OLD_ID}?t=${OLD_TOKEN}${q}`);
      expect(res.status).toBe(410);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain(`<html lang="${lang}"`);
      expect(res.text).toContain(title);
      expect(res.text).toContain(ehr);
      expect(res.text).toContain(OLD_ID);
      expect(res.text).not.toContain('张丽');
      expect(res.text).not.toContain('1989');
      const views = await h.composition.store.audit.listViews(OLD_ID);
      expect(views.at(-1)).toMatchObject({ noticeId: OLD_ID, result: 'earlier-format', linkId: expect.any(String) });
      expect(await readRow()).toEqual(before);
    },
  );

  it('a later call whose EHR holds its notice Communication issues a new notice in the current form, never re-links it', async () => {
    const body = example('prenatal-diagnosis-referral');
    addToBundle(body, 'communications', noticeCommunication(first, linkOf(first).id, OLD_ID));
    const card = await h.call(body);
    const link = linkOf(card);
    expect(link.id).not.toBe(OLD_ID);
    const stored = await h.composition.store.audit.get(link.id);
    expect(isCurrentNoticeContent(stored?.content)).toBe(true);
    const page = await request(h.app).get(link.path).expect(200);
    expect(page.text).toContain('张丽');
    expect(page.text).toContain(stored!.hash);
    const links = await h.composition.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_link WHERE notice_id = $1', [
      OLD_ID,
    ]);
    expect(links[0]?.n).toBe(1);
    expect(await readRow()).toEqual(before);
  });

  it('when the stored notice cannot be read at call time the call still answers (re-linked as before), and that link opens the 410 page', async () => {
    const audit = h.composition.store.audit;
    const get = audit.get;
    audit.get = () => Promise.reject(new Error('notice read failed'));
    try {
      const body = example('prenatal-diagnosis-referral');
      addToBundle(body, 'communications', noticeCommunication(first, linkOf(first).id, OLD_ID));
      const link = linkOf(await h.call(body));
      expect(link.id).toBe(OLD_ID);
      audit.get = get;
      const res = await request(h.app).get(link.path);
      expect(res.status).toBe(410);
      expect(res.text).toContain('此告知书为旧版格式');
    } finally {
      audit.get = get;
    }
    expect(await readRow()).toEqual(before);
  });
});
