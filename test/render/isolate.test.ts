import type { Observation, Patient, ServiceRequest } from '@medplum/fhirtypes';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fitSummary, orderLabel, SUMMARY_MAX } from '../../src/render/card-kit.js';
import { evidenceLine } from '../../src/render/evidence-text.js';
import { balanceIsolates, FSI, isolate, isolatedHtml, PDI } from '../../src/render/isolate.js';
import { hashNoticeContent } from '../../src/referral/notice/content.js';
import { expectConformant } from '../support/expect-conformant.js';
import { buildE2eApp, bundleOf, example, noticeIdOf, noticePath, type WireCard } from '../e2e/support/e2e-app.js';

/**
 * Bidi isolation of record-derived text (src/render/isolate.ts, docs/conventions.md#escaping): an
 * unterminated RIGHT-TO-LEFT OVERRIDE in a name must not reverse the rest of the card line or of the
 * notice greeting (the ages after it read "73" for "37").
 */
const RLO = '\u202E';
const NAME = `张${RLO}丽`;
const ISOLATED_NAME = `${FSI}${NAME}${PDI}`;

describe('isolate()', () => {
  it('wraps text holding a bidi control or a right-to-left letter in FSI … PDI', () => {
    expect(isolate(NAME)).toBe(ISOLATED_NAME);
    expect(isolate('مريم')).toBe(`${FSI}مريم${PDI}`);
    expect(isolate('אסתר 37')).toBe(`${FSI}אסתר 37${PDI}`);
  });

  it('leaves text without either unchanged (Chinese, Latin, digits): it displays the same', () => {
    for (const s of ['张丽', '王小红', 'Zhang Li', '羊水指数 4.2 cm', 'Observation/afi-1']) expect(isolate(s)).toBe(s);
  });

  it('removes isolate controls inside, so a stray PDI cannot close the isolate early; idempotent', () => {
    expect(isolate(`a${PDI}${RLO}b`)).toBe(`${FSI}a${RLO}b${PDI}`);
    expect(isolate(isolate(NAME))).toBe(ISOLATED_NAME);
  });

  it('balanceIsolates closes what a cut left open and drops a PDI with nothing open', () => {
    expect(balanceIsolates(`x${FSI}ab…`)).toBe(`x${FSI}ab…${PDI}`);
    expect(balanceIsolates(`x${PDI}y`)).toBe('xy');
  });

  it('isolatedHtml escapes and turns each isolate into <bdi>', () => {
    expect(isolatedHtml(`<b>${ISOLATED_NAME}女士：`)).toBe(`&lt;b&gt;<bdi>${NAME}</bdi>女士：`);
  });
});

describe('evidence lines and order labels', () => {
  it('a display text with an override is isolated: the value, date and reference after it stay in order', () => {
    const line = evidenceLine(
      { reference: 'Observation/afi-1', text: `羊水指数${RLO}`, value: 4.2, unit: 'cm', date: '2026-11-20' },
      'zh-CN',
    );
    expect(line).toContain(`${FSI}羊水指数${RLO}${PDI}`);
    expect(line.indexOf(PDI)).toBeLessThan(line.indexOf('4.2'));
  });

  it('an order name with an override is isolated in the summary, which stays under 140 with its isolates balanced', () => {
    const order: ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p-1' },
      code: { text: `无创产前基因检测${RLO}${'检测'.repeat(80)}` },
    };
    const label = orderLabel(order, '未命名医嘱');
    expect(label.startsWith(FSI) && label.endsWith(PDI)).toBe(true);
    const summary = fitSummary((o) => `医嘱「${o}」：证书已过期`, label);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(summary).toMatch(new RegExp(`^医嘱「${FSI}无创产前基因检测${RLO}检测.*…${PDI}」：证书已过期$`, 'u'));
    expect(balanceIsolates(summary)).toBe(summary);
  });
});

describe('a name with an unterminated U+202E through HTTP', () => {
  it('the card detail isolates the name before the ages; the notice page puts it in <bdi>; the stored content keeps the name as recorded', async () => {
    const e = buildE2eApp();
    const body = example('prenatal-diagnosis-referral');
    const patient = body.prefetch!['patient'] as Patient;
    patient.name = [{ use: 'official', text: NAME, family: '张', given: ['丽'] }];
    const afi = bundleOf(body, 'observations').entry!.map((x) => x.resource as Observation)[0]!;
    expect(afi.resourceType).toBe('Observation');
    const res = await request(e.app).post('/cds-services/prenatal-diagnosis-referral').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expectConformant(res.body);
    const card = (res.body as { cards: WireCard[] }).cards[0]!;
    expect(card.detail).toMatch(new RegExp(`告知对象：${ISOLATED_NAME}，\\d+周岁，预产期时\\d+周岁`, 'u'));
    expect(card.detail).not.toContain(`：${NAME}`);

    const page = await request(e.app).get(noticePath(card)).expect(200);
    expect(page.text).toContain(`<p class="greeting"><bdi>${NAME}</bdi>女士：</p>`);
    expect(page.text).toContain(`<td><bdi>${NAME}</bdi></td>`);
    expect(page.text).not.toMatch(new RegExp(`[^>]${NAME}`, 'u'));
    expect(page.text).toMatch(/<p class="institution">[^<]*<bdi>/);

    // Isolation is applied when rendering: the stored content has the name as recorded, and its hash.
    const stored = await e.notices.get(noticeIdOf(card));
    const content = stored!.content as { woman: { name: string } };
    expect(content.woman.name).toBe(NAME);
    expect(stored!.hash).toBe(hashNoticeContent(stored!.content));
  });

  it('an ordinary name gives the same text as before: no isolate characters anywhere', async () => {
    const e = buildE2eApp();
    const res = await request(e.app)
      .post('/cds-services/prenatal-diagnosis-referral')
      .set('Content-Type', 'application/json')
      .send(example('prenatal-diagnosis-referral'));
    const card = (res.body as { cards: WireCard[] }).cards[0]!;
    expect(JSON.stringify(res.body)).not.toMatch(/[\u2066-\u2069]/);
    expect(card.detail).toContain('告知对象：张丽，');
    const page = await request(e.app).get(noticePath(card)).expect(200);
    expect(page.text).toContain('<p class="greeting"><bdi>张丽</bdi>女士：</p>');
  });
});
