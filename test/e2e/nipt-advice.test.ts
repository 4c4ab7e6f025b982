import type { Condition, EpisodeOfCare, Observation, Patient, Procedure, ServiceRequest } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import type { NiptAdvice } from '../../src/nipt/advice.js';
import { expectConformant } from '../support/expect-conformant.js';
import {
  addToBundle,
  buildE2eApp,
  bundleOf,
  example,
  findingsOf,
  removeFromBundle,
  type E2eApp,
  type HookBody,
  type WireCard,
} from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';

/**
 * NIPT advice follows the reason (docs/rules.md#nipt-advice), through HTTP with the data prefetched
 * and fetched from the FHIR server: too early ⇒ the date from which NIPT can be done, no referral;
 * too late ⇒ the window has passed, a referral only with a prenatal-diagnosis indication; a recent
 * transfusion ⇒ the date NIPT becomes reliable; a monogenic risk ⇒ prenatal diagnosis, as before.
 * A reason of a lower category is not listed under a higher one.
 *
 * The clinic day is 2026-11-23 (e2e NOW). The shipped example is a 37-year-old (born 1989-03-15)
 * at 16+0 whose brother has β-thalassaemia major; `young` is the same record for a woman born
 * 2003 with nothing else: no family history, no abnormal ultrasound.
 */
const SERVICE = 'nipt-order-check';
const TODAY = '2026-11-23';
const MODES = ['prefetch', 'FHIR fallback'] as const;
type Mode = (typeof MODES)[number];

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
    expect(e.badAuth).toEqual([]);
  }
});

async function post(app: E2eApp, body: HookBody): Promise<WireCard[]> {
  const res = await request(app.app).post(`/cds-services/${SERVICE}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

/** The one NIPT card of `body`, prefetched or fetched from a FHIR server holding the same data. */
async function niptCard(body: HookBody, mode: Mode, env?: Record<string, string>): Promise<WireCard> {
  const app = buildE2eApp(env ? { env } : {});
  let cards: WireCard[];
  if (mode === 'prefetch') cards = await post(app, body);
  else {
    const fhir = await startFallbackEhr(SERVICE, body);
    ehrs.push(fhir);
    cards = await post(app, againstEhr(body, fhir.stub.fhirServer, undefined));
  }
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

const entries = <T>(body: HookBody, key: string) => bundleOf(body, key).entry!.map((e) => e.resource as T);

/** The example for a woman born `birthDate` at GA `weeks+days` today, dated by a scan at 10+5. */
function young(weeks: number, days: number, birthDate = '2003-06-18'): HookBody {
  const body = example(SERVICE);
  const gaDays = weeks * 7 + days;
  const lmp = addDays(TODAY, -gaDays);
  const scan = addDays(lmp, 75);
  (body.prefetch!['patient'] as Patient).birthDate = birthDate;
  removeFromBundle(body, 'familyHistory', ['fmh-brother-thal-1']);
  removeFromBundle(body, 'observations', ['obs-afi-1', 'obs-nt-1']);
  removeFromBundle(body, 'diagnosticReports', ['dr-us-20261120']);
  const edd = entries<Observation>(body, 'observations').find((o) => o.id === 'obs-edd-1')!;
  edd.valueDateTime = addDays(lmp, 280);
  edd.effectiveDateTime = `${scan}T10:15:00+08:00`;
  edd.issued = `${scan}T10:40:00+08:00`;
  const pregnancy = entries<Condition>(body, 'conditions').find((c) => c.id === 'cond-pregnancy-1')!;
  pregnancy.onsetDateTime = lmp;
  pregnancy.recordedDate = scan;
  entries<EpisodeOfCare>(body, 'episodes')[0]!.period = { start: scan };
  return body;
}

const adviceOf = (card: WireCard) => findingsOf(card)[0]!.params['advice'] as NiptAdvice | undefined;
const actionTypes = (card: WireCard) => (card.suggestions ?? []).map((s) => (s.actions ?? []).map((a) => a.type));

describe.each(MODES)('NIPT advice follows the reason (%s)', (mode) => {
  it('too early: a 23-year-old at 11+3 with nothing else ⇒ NIPT from 12+0 (2026-11-27), withdraw, no referral', async () => {
    const card = await niptCard(young(11, 3), mode);
    expect(card.indicator).toBe('critical');
    expect(adviceOf(card)).toEqual({
      kind: 'reorder',
      basis: ['nipt-ga-too-early'],
      from: '2026-11-27',
      fromGa: '12+0',
      windowEnds: '2027-02-11',
      referral: false,
    });
    expect(card.summary).toBe('无创产前基因检测：NIPT不适用（孕周不足12周），2026-11-27起可做');
    expect(card.detail).toContain('自 2026-11-27（孕 12+0）起可以检测');
    expect(card.detail).not.toContain('应当进行产前诊断');
    expect(card.detail).not.toContain('改为产前诊断转诊');
    expect(card.suggestions).toHaveLength(1);
    expect(card.suggestions![0]).toMatchObject({
      label: '撤销本次NIPT医嘱，2026-11-27起重新开具',
      isRecommended: true,
      actions: [{ type: 'delete', resourceId: ['ServiceRequest/sr-nipt-draft-1'] }],
    });
    expect(card.overrideReasons?.map((o) => o.code)).toEqual(['data-incorrect']);
  });

  it('too late, no indication: the window has passed, withdraw only; missed screening (suitable) is not listed', async () => {
    const card = await niptCard(young(23, 2), mode);
    expect(adviceOf(card)).toEqual({ kind: 'window-passed', basis: ['nipt-ga-too-late'], windowEnds: '2026-11-20', referral: false });
    // the audit keeps every reason in the category finding's params …
    expect(findingsOf(card)[0]!.params['reasons']).toEqual(['nipt-ga-too-late', 'nipt-late-missed-screening']);
    // … the card's words do not list the suitable one
    expect(card.summary).toBe('无创产前基因检测：NIPT不适用（孕周超过22+6周）');
    expect(card.detail).not.toContain('错过血清学筛查');
    expect(card.detail).toContain('本次妊娠不再进行NIPT');
    expect(card.detail).toContain('记录中未见产前诊断指征');
    expect(actionTypes(card)).toEqual([['delete']]);
    expect(card.suggestions![0]!.label).toBe('撤销NIPT医嘱');
  });

  it('too late with an Art.24 indication (37 at the EDD): withdraw and refer for prenatal-diagnosis counselling', async () => {
    const card = await niptCard(young(23, 2, '1989-03-15'), mode);
    expect(adviceOf(card)).toMatchObject({ kind: 'window-passed', referral: true });
    expect(card.detail).toContain('可转诊产前诊断机构进行遗传咨询和产前诊断');
    expect(card.detail).toMatch(/该孕妇存在产前诊断指征：高龄孕妇/);
    expect(actionTypes(card)).toEqual([['delete', 'create']]);
    expect(card.suggestions![0]!.label).toBe('撤销NIPT医嘱，转诊产前诊断咨询');
    const referral = card.suggestions![0]!.actions![1]!.resource as unknown as ServiceRequest;
    expect(referral.code?.coding?.[0]?.code).toBe('prenatal-diagnosis-referral');
    expect(referral.reasonCode?.[0]?.text).toBe('产前诊断指征：高龄孕妇（NIPT不适用：孕周超过22+6周）');
    expect(referral.reasonReference?.map((r) => r.reference)).toContain('Observation/obs-edd-1');
  });

  it('a red-cell transfusion 340 days ago at 16+0: NIPT reliable from 2026-12-19 (19+5), withdraw, no referral', async () => {
    const body = young(16, 0);
    const transfusion: Procedure = {
      resourceType: 'Procedure',
      id: 'proc-transfusion-1',
      status: 'completed',
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '116859006', display: 'Transfusion of blood product' }],
        text: '输注去白悬浮红细胞 2U',
      },
      subject: { reference: 'Patient/p-zhang-li-1989' },
      performedDateTime: `${addDays(TODAY, -340)}T15:30:00+08:00`,
      reasonCode: [{ text: '重度贫血' }],
    };
    addToBundle(body, 'procedures', transfusion);
    const card = await niptCard(body, mode);
    expect(adviceOf(card)).toEqual({
      kind: 'reorder',
      basis: ['nipt-recent-transfusion-transplant'],
      from: '2026-12-19',
      fromGa: '19+5',
      windowEnds: '2027-01-10',
      referral: false,
    });
    expect(card.detail).toContain('自 2026-12-19（孕 19+5）起NIPT结果可靠');
    expect(card.summary).toBe('无创产前基因检测：NIPT不适用（1年内异体输血/移植/细胞治疗），2026-12-19起可做');
    expect(actionTypes(card)).toEqual([['delete']]);
  });

  it('a monogenic risk (the shipped example): prenatal diagnosis, replace by referral, as before', async () => {
    const card = await niptCard(example(SERVICE), mode);
    expect(adviceOf(card)).toEqual({ kind: 'prenatal-diagnosis', basis: ['nipt-monogenic-risk'], referral: true });
    expect(card.detail).toContain('本例不适用NIPT，应当进行产前诊断');
    expect(card.suggestions![0]!.label).toBe('撤销NIPT医嘱，改为产前诊断转诊');
    expect(actionTypes(card)).toEqual([['delete', 'create']]);
    expect(card.overrideReasons?.map((o) => o.code)).toEqual(['declined-after-counselling', 'data-incorrect']);
  });
});

describe('English', () => {
  it('too early: "can be done from"', async () => {
    const card = await niptCard(young(11, 3), 'prefetch', { LOCALE: 'en' });
    expect(card.summary).toBe('无创产前基因检测: NIPT not applicable (before 12+0 weeks); possible from 2026-11-27');
    expect(card.suggestions![0]!.label).toBe('Withdraw this NIPT order; order it again from 2026-11-27');
  });
});
