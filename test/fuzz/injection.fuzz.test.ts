import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import type { Harness } from '../support/app-fixture.js';
import { expectStillAnswers, goodReferral, tried, withValueAt } from './support/fuzz-check.js';
import { buildRealHarness } from './support/real-app.js';

/**
 * Markdown / HTML / script injection in every patient-derived string: it must come out escaped in
 * the card (`detail` is markdown) and on the notice page the card links to (HTML).
 */
const h = buildRealHarness();
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '![x](http://evil.example/x.png)',
  '**bold** _it_',
  '</td></tr><svg/onload=alert(1)>',
  '&lt;script&gt;',
  '"\'><iframe src=//evil.example>',
  '`code` <!-- c',
  'a\n# heading\n- item\n> quote',
  '<a href="javascript:alert(1)">x</a>',
  '\\<b>x\\</b>',
  '{{context.patientId}} ${x}',
];

/** Patient-derived strings of the referral example that reach the card or the notice. */
const FIELDS: readonly (readonly (string | number)[])[] = [
  ['prefetch', 'patient', 'name', 0, 'text'],
  ['prefetch', 'patient', 'name', 0, 'family'],
  ['prefetch', 'patient', 'name', 0, 'given', 0],
  ['prefetch', 'conditions', 'entry', 0, 'resource', 'code', 'text'],
  ['prefetch', 'familyHistory', 'entry', 0, 'resource', 'condition', 0, 'code', 'text'],
  ['prefetch', 'familyHistory', 'entry', 0, 'resource', 'relationship', 'coding', 0, 'display'],
  ['prefetch', 'observations', 'entry', 2, 'resource', 'code', 'coding', 0, 'display'],
  ['prefetch', 'observations', 'entry', 2, 'resource', 'code', 'text'],
  ['prefetch', 'observations', 'entry', 2, 'resource', 'valueQuantity', 'unit'],
  ['prefetch', 'observations', 'entry', 1, 'resource', 'valueString'],
  ['prefetch', 'observations', 'entry', 0, 'resource', 'note', 0, 'text'],
  ['prefetch', 'diagnosticReports', 'entry', 0, 'resource', 'conclusion'],
  ['prefetch', 'medicationStatements', 'entry', 0, 'resource', 'medicationCodeableConcept', 'text'],
];

interface Card {
  summary: string;
  detail?: string;
  links?: { url: string; type: string; label: string }[];
  suggestions?: { label: string }[];
}

/** Raw markdown constructs a patient string could smuggle into `detail`. */
function markdownHazards(md: string): string[] {
  const hazards: [string, RegExp][] = [
    ['raw HTML tag', /(?<!\\)<[A-Za-z!/?]/],
    ['javascript/data link', /(?<!\\)\]\(\s*(?:javascript|data|vbscript):/i],
    ['image', /(?<!\\)!\[[^\]]*(?<!\\)\]\(/],
    ['injected emphasis', /(?<!\\)\*\*bold/],
    ['injected heading', /^#+ heading/m],
    ['injected quote', /^> quote/m],
  ];
  return hazards.filter(([, re]) => re.test(md)).map(([name]) => name);
}

/** Active HTML a patient string could smuggle into the notice page. */
function htmlHazards(html: string): string[] {
  const hazards: [string, RegExp][] = [
    ['script/img/svg/iframe element', /<(?:script|img|svg|iframe|object|embed)\b/i],
    ['event-handler attribute', /<[^>]*\son[a-z]+\s*=/i],
    ['javascript: URL', /(?:href|src)\s*=\s*["']?\s*javascript:/i],
    ['unescaped quote breaking an attribute', /"'><iframe/],
  ];
  return hazards.filter(([, re]) => re.test(html)).map(([name]) => name);
}

/** Calls the referral service with `body`; returns the card and both notice pages. */
async function render(app: Harness['app'], body: unknown): Promise<{ card: Card; pages: string[] }> {
  const res = await request(app)
    .post(REFERRAL)
    .send(body as object);
  tried.count += 1;
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  const cards = (res.body as { cards: Card[] }).cards;
  expect(cards).toHaveLength(1);
  const card = cards[0] as Card;
  const link = card.links?.find((l) => l.type === 'absolute');
  expect(link).toBeDefined();
  // The link carries its token (docs/design.md#notice-links): path and query as the card gives them.
  const url = new URL(link?.url ?? '');
  const pages = await Promise.all(
    ['', '&lang=en'].map(async (q) => {
      const page = await request(app).get(`${url.pathname}${url.search}${q}`);
      expect(page.status).toBe(200);
      return page.text;
    }),
  );
  return { card, pages };
}

function cardMarkdown(card: Card): string {
  return [card.detail ?? '', ...(card.links ?? []).map((l) => l.label), ...(card.suggestions ?? []).map((s) => s.label)].join('\n');
}

afterAll(() => {
  console.log(`[fuzz] injection: ${tried.count} inputs tried`);
});

describe('patient-derived strings are escaped in cards and notice pages', () => {
  it.each(FIELDS.map((f) => [f.join('.'), f] as const))('%s', async (_name, field) => {
    let reached = 0;
    for (const payload of PAYLOADS) {
      const marker = `ZQX${PAYLOADS.indexOf(payload)}`;
      const { card, pages } = await render(h.app, withValueAt(goodReferral(), field, `${marker} ${payload}`));
      expect(card.summary.length, 'summary < 140').toBeLessThan(140);
      expect(markdownHazards(cardMarkdown(card)), `${field.join('.')} = ${payload} in the card`).toEqual([]);
      for (const page of pages) expect(htmlHazards(page), `${field.join('.')} = ${payload} on the notice page`).toEqual([]);
      if (cardMarkdown(card).includes(marker) || pages.some((p) => p.includes(marker))) reached += 1;
    }
    console.log(`[fuzz] injection ${field.join('.')}: reached the card or notice in ${reached}/${PAYLOADS.length}`);
  });

  it("the woman's name is shown, HTML-escaped, on the notice page", async () => {
    const { pages } = await render(
      h.app,
      withValueAt(goodReferral(), ['prefetch', 'patient', 'name', 0, 'text'], '张<script>x</script>丽'),
    );
    for (const page of pages) expect(page).toContain('张&lt;script&gt;x&lt;/script&gt;丽');
  });

  it('generated strings of markup characters in the name and family-history text', async () => {
    const special = fc.string({
      unit: fc.constantFrom(...'<>&"\'`*_[]()!#\\/:=-+|~ \nabcj'.split(''), 'javascript:', 'script', 'onerror='),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(special, special, async (name, text) => {
        let body = withValueAt(goodReferral(), FIELDS[0] as (string | number)[], name);
        body = withValueAt(body, FIELDS[4] as (string | number)[], text);
        const { card, pages } = await render(h.app, body);
        expect(
          markdownHazards(cardMarkdown(card)).filter((x) => x === 'raw HTML tag' || x === 'javascript/data link' || x === 'image'),
        ).toEqual([]);
        for (const page of pages) expect(htmlHazards(page)).toEqual([]);
      }),
      { numRuns: 100 },
    );
    await expectStillAnswers(h);
  });
});
