import type { Organization, Practitioner, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import {
  amnio,
  condition,
  day,
  ehrResources,
  licenceExtension,
  organization,
  practitioner,
  qualification,
  sexDetermination,
  yearsAgo,
  type LicenceOpts,
  type QualOpts,
} from './support/fixtures.js';
import { ruleReasons, runOrderSign } from './support/run.js';
import { eddForGa, termination, terminationCodedAs, terminationCredentials } from './support/pregnancy.js';

/** One table row per rule of docs/rules.md#orders and boundary (today = 2025-06-15, Asia/Shanghai). */
const withCert = (o: QualOpts): Practitioner =>
  practitioner('prac-li', [qualification('prenatal-diagnosis', { number: 'ZJ-CQ-2022-0018', lastTraining: yearsAgo(1), ...o })]);
const withLicence = (o: LicenceOpts): Organization => organization('org-hz-mch', [licenceExtension({ lastVerified: yearsAgo(1), ...o })]);

async function amnioFindings(resources: Resource[]): Promise<string[]> {
  const { findings } = await runOrderSign({ resources, orders: [amnio()], userId: 'Practitioner/prac-li' });
  return ruleReasons(findings);
}

describe('certificate rules (ZJ-2023 Art.15, 17, 19)', () => {
  it.each([
    ['valid certificate, trained a year ago', {}, []],
    ['certificate ended yesterday', { end: day(-1) }, ['cert-expired:period-ended']],
    ['certificate ends today (still valid)', { end: day(0) }, []],
    ['certificate ends tomorrow', { end: day(1) }, []],
    ['partial end date 2025-06 (= 2025-06-30)', { end: '2025-06' }, []],
    ['partial end date 2025-05', { end: '2025-05' }, ['cert-expired:period-ended']],
    ['unreadable end date', { end: '2025-13-40' }, ['cert-expired:validity-unusable']],
    ['certificate starts tomorrow', { start: day(1), end: '2030-01-01' }, ['cert-missing:not-yet-valid']],
    ['training 2 years minus a day ago', { lastTraining: yearsAgo(2, 1) }, []],
    ['training exactly 2 years ago', { lastTraining: yearsAgo(2) }, []],
    ['training 2 years plus a day ago', { lastTraining: yearsAgo(2, -1) }, ['cert-training-overdue:overdue']],
    ['training unknown', { lastTraining: undefined }, ['cert-training-overdue:unknown']],
    ['training date unreadable', { lastTraining: '2024-02-30' }, ['cert-training-overdue:unusable']],
  ] as const)('%s', async (_name, q, expected) => {
    expect(await amnioFindings(ehrResources({ practitioner: withCert(q as QualOpts) }))).toEqual(expected);
  });

  it('no certificate for the technique → cert-missing (critical)', async () => {
    const p = practitioner('prac-li', [qualification('midwifery', { lastTraining: yearsAgo(1) })]);
    const { cards, findings } = await runOrderSign({
      resources: ehrResources({ practitioner: p }),
      orders: [amnio()],
      userId: 'Practitioner/prac-li',
    });
    expect(ruleReasons(findings)).toEqual(['cert-missing:no-certificate']);
    expect(cards[0]!.indicator).toBe('critical');
    expect(findings[0]!.citation).toBe('ZJ-2023 Art.15, 17');
    expect(findings[0]!.evidence).toEqual(['ServiceRequest/sr-amnio', 'Practitioner/prac-li']);
  });

  it('expired certificate and a renewed one: the one in force decides', async () => {
    const p = practitioner('prac-li', [
      qualification('prenatal-diagnosis', { number: 'OLD', end: '2022-02-28', lastTraining: yearsAgo(3) }),
      qualification('prenatal-diagnosis', { number: 'NEW', start: '2022-03-01', end: '2027-02-28', lastTraining: yearsAgo(1) }),
    ]);
    expect(await amnioFindings(ehrResources({ practitioner: p }))).toEqual([]);
  });

  it('CERT_TRAINING_YEARS_SCREENING applies to prenatal-screening only', async () => {
    const { serum } = await import('./support/fixtures.js');
    const p = practitioner('prac-li', [qualification('prenatal-screening', { lastTraining: yearsAgo(1, -1) })]);
    const run = (policy: object) =>
      runOrderSign({ resources: ehrResources({ practitioner: p }), orders: [serum()], userId: 'Practitioner/prac-li' }, { policy });
    expect(ruleReasons((await run({})).findings)).toEqual([]);
    const strict = await run({ CERT_TRAINING_YEARS_SCREENING: 1 });
    expect(ruleReasons(strict.findings)).toEqual(['cert-training-overdue:overdue']);
    expect(strict.findings[0]!.params).toMatchObject({ intervalYears: 1, technique: 'prenatal-screening' });
    expect(strict.cards[0]!.indicator).toBe('warning');
  });
});

describe('licence rules (ZJ-2023 Art.3, 10, 13, 17)', () => {
  it.each([
    ['licence verified a year ago', {}, []],
    ['verified 3 years minus a day ago', { lastVerified: yearsAgo(3, 1) }, []],
    ['verified exactly 3 years ago', { lastVerified: yearsAgo(3) }, []],
    ['verified 3 years plus a day ago', { lastVerified: yearsAgo(3, -1) }, ['licence-expired:verification-overdue']],
    ['licence period ended yesterday', { end: day(-1) }, ['licence-expired:period-ended']],
    ['licence period ends today', { end: day(0) }, []],
    [
      'licence does not list the technique',
      { techniques: ['midwifery', 'pregnancy-termination'] },
      ['licence-missing:technique-not-licensed'],
    ],
    ['licence not yet valid', { start: day(3), end: '2030-01-01', lastVerified: undefined }, ['licence-missing:not-yet-valid']],
    ['unreadable verification date', { lastVerified: '2023/01/05' }, ['licence-expired:verification-unusable']],
  ] as const)('%s', async (_name, l, expected) => {
    expect(await amnioFindings(ehrResources({ organization: withLicence(l as LicenceOpts) }))).toEqual(expected);
  });

  it('no lastVerified: the issue date (period.start) counts as the last verification', async () => {
    const recent = organization('org-hz-mch', [licenceExtension({ start: yearsAgo(2) })]);
    expect(await amnioFindings(ehrResources({ organization: recent }))).toEqual([]);
    const old = organization('org-hz-mch', [licenceExtension({ start: yearsAgo(4), end: '2030-01-01' })]);
    const { findings } = await runOrderSign({
      resources: ehrResources({ organization: old }),
      orders: [amnio()],
      userId: 'Practitioner/prac-li',
    });
    expect(ruleReasons(findings)).toEqual(['licence-expired:verification-overdue']);
    expect(findings[0]!.params).toMatchObject({ verificationReference: 'issued', verificationYears: 3, source: 'ehr' });
    expect(findings[0]!.citation).toBe('ZJ-2023 Art.13; NHC-2021 §1, §4');
    expect(findings[0]!.evidence).toEqual([
      'ServiceRequest/sr-amnio',
      'Practitioner/prac-li',
      'PractitionerRole/role-li',
      'Organization/org-hz-mch',
    ]);
  });

  it('organization without any licence → licence-missing:no-licence', async () => {
    const bare = organization('org-hz-mch', []);
    expect(await amnioFindings(ehrResources({ organization: bare }))).toEqual(['licence-missing:no-licence']);
  });
});

describe('sex-determination-prohibited (ZJ-2023 Art.31)', () => {
  const run = async (orders: Resource[], extra: Resource[] = []) =>
    ruleReasons((await runOrderSign({ resources: [...ehrResources(), ...extra], orders, userId: 'Practitioner/prac-li' })).findings);

  it.each([
    ['no reason', sexDetermination('sr-sex'), ['sex-determination-prohibited:no-reason']],
    ['haemophilia A (ICD-10 D66)', sexDetermination('sr-sex', { system: SYSTEMS.icd10, code: 'D66' }), []],
    ['DMD (ICD-10-CN G71.001 extension)', sexDetermination('sr-sex', { system: SYSTEMS.icd10cn, code: 'G71.001' }), []],
    ['haemophilia A (SNOMED 28293008)', sexDetermination('sr-sex', { system: SYSTEMS.snomed, code: '28293008' }), []],
    [
      'advanced maternal age is not a sex-linked reason',
      sexDetermination('sr-sex', { system: SYSTEMS.icd10, code: 'O09.5' }),
      ['sex-determination-prohibited:reason-not-sex-linked'],
    ],
  ] as const)('%s', async (_name, o, expected) => {
    expect(await run([o])).toEqual(expected);
  });

  it('a reasonReference to a sex-linked Condition counts; a refuted one does not', async () => {
    const o = { ...sexDetermination('sr-sex'), reasonReference: [{ reference: 'Condition/c-hemo' }] };
    expect(await run([o], [condition('c-hemo', SYSTEMS.icd10, 'D67')])).toEqual([]);
    const refuted = { ...condition('c-hemo', SYSTEMS.icd10, 'D67'), verificationStatus: { coding: [{ code: 'refuted' }] } };
    expect(await run([o], [refuted])).toEqual(['sex-determination-prohibited:reason-not-sex-linked']);
  });

  it('local codes extend the value set through policy', async () => {
    const o = sexDetermination('sr-sex', { system: 'http://hospital.example.cn/dx', code: 'XLR-01' });
    const { findings } = await runOrderSign(
      { resources: ehrResources(), orders: [o], userId: 'Practitioner/prac-li' },
      { policy: { localCodes: { 'sex-linked-disorder': [{ system: 'http://hospital.example.cn/dx', code: 'XLR-01' }] } } },
    );
    expect(findings).toEqual([]);
  });

  it('the sex-determination order is still a prenatal-diagnosis technique (certificate checked too)', async () => {
    const p = practitioner('prac-li', [qualification('midwifery', { lastTraining: yearsAgo(1) })]);
    const { cards, findings } = await runOrderSign({
      resources: ehrResources({ practitioner: p }),
      orders: [sexDetermination()],
      userId: 'Practitioner/prac-li',
    });
    expect(ruleReasons(findings)).toEqual(['cert-missing:no-certificate', 'sex-determination-prohibited:no-reason']);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.overrideReasons!.map((r) => r.code)).toEqual([
      'emergency-clinical-need',
      'certificate-data-outdated',
      'registry-not-updated',
      'medical-necessity-documented',
    ]);
  });
});

describe('termination-reason-missing (ZJ-2023 Art.31)', () => {
  const reasons = async (orders: Resource[], extra: Resource[] = [], policy?: object) =>
    ruleReasons(
      (
        await runOrderSign(
          { resources: [...terminationCredentials(), ...extra], orders, userId: 'Practitioner/prac-li' },
          policy ? { policy } : {},
        )
      ).findings,
    );
  const fired = ['termination-reason-missing:no-reason'];
  const dx = (system: string, code: string, display: string) => ({ coding: [{ system, code, display }], text: display });

  it.each([
    ['GA 13+6, no reason', eddForGa(13, 6), termination(), []],
    ['GA 14+0, no reason (the threshold itself)', eddForGa(14, 0), termination(), fired],
    ['GA 14+1, no reason', eddForGa(14, 1), termination(), fired],
    [
      'GA 22+3, reason ICD-10-CN Q00.000 无脑畸形',
      eddForGa(22, 3),
      termination({ reasonCode: [dx(SYSTEMS.icd10cn, 'Q00.000', '无脑畸形')] }),
      [],
    ],
    [
      'GA 22+3, reason as free text only',
      eddForGa(22, 3),
      termination({ reasonCode: [{ text: '胎儿严重畸形，孕妇及家属要求终止妊娠' }] }),
      [],
    ],
    ['GA 22+3, an empty reasonCode', eddForGa(22, 3), termination({ reasonCode: [{}] }), fired],
    ['GA 13+6 today, planned for 14+0 tomorrow', eddForGa(13, 6), termination({ occurrenceDateTime: '2025-06-16T08:30:00+08:00' }), fired],
    ['GA 14+0 today, planned date in the past is ignored', eddForGa(14, 0), termination({ occurrenceDateTime: '2025-06-01' }), fired],
  ] as const)('%s', async (_name, edd, o, expected) => {
    expect(await reasons([o], [edd])).toEqual(expected);
  });

  it('a reasonReference to a Condition documents a reason; a refuted or entered-in-error one does not', async () => {
    const o = termination({ reasonReference: [{ reference: 'Condition/c-t18' }] });
    const t18 = condition('c-t18', SYSTEMS.icd10cn, 'Q91.300');
    expect(await reasons([o], [eddForGa(20), t18])).toEqual([]);
    for (const code of ['refuted', 'entered-in-error']) {
      const voided = { ...t18, verificationStatus: { coding: [{ code }] } };
      expect(await reasons([o], [eddForGa(20), voided])).toEqual(fired);
    }
  });

  it('orders recognised: mch-technique#pregnancy-termination, SNOMED 57797005, and ICD-9-CM-3 codes through policy', async () => {
    const byTechnique = terminationCodedAs('sr-top-2', SYSTEMS.mchTechnique, 'pregnancy-termination', '终止妊娠');
    const bySnomed = terminationCodedAs('sr-top-3', SYSTEMS.snomed, '57797005', '人工流产');
    const icd9 = 'http://hospital.example.cn/fhir/CodeSystem/icd-9-cm-3';
    const byLocal = terminationCodedAs('sr-top-4', icd9, '75.0x00', '羊膜腔内注射终止妊娠');
    expect(await reasons([byTechnique, bySnomed], [eddForGa(16)])).toEqual([...fired, ...fired]);
    expect(await reasons([byLocal], [eddForGa(16)])).toEqual([]);
    const local = { localCodes: { 'mch-technique-orders:pregnancy-termination': [{ system: icd9, code: '75.0x00' }] } };
    expect(await reasons([byLocal], [eddForGa(16)], local)).toEqual(fired);
  });

  it('TERMINATION_CHECK_GA_DAYS is a policy parameter', async () => {
    expect(await reasons([termination()], [eddForGa(12)], { TERMINATION_CHECK_GA_DAYS: 84 })).toEqual(fired);
    expect(await reasons([termination()], [eddForGa(13, 6)], { TERMINATION_CHECK_GA_DAYS: 99 })).toEqual([]);
  });

  it('GA unknown: no finding, an undecided outcome "could not verify GA"', async () => {
    const { result, findings } = await runOrderSign({
      resources: terminationCredentials(),
      orders: [termination()],
      userId: 'Practitioner/prac-li',
    });
    expect(findings).toEqual([]);
    expect(result.undecided).toEqual([
      expect.objectContaining({
        rule: 'termination-reason-missing',
        reason: expect.stringMatching(/^could not verify GA/),
        evidence: ['ServiceRequest/sr-top'],
      }),
    ]);
  });

  it('the card: critical, Art.31, GA and threshold in the text, override reasons and a delete suggestion', async () => {
    const { cards, findings } = await runOrderSign({
      resources: [...terminationCredentials(), eddForGa(16)],
      orders: [termination()],
      userId: 'Practitioner/prac-li',
    });
    expect(cards).toHaveLength(1);
    expect(cards[0]!.indicator).toBe('critical');
    expect(findings[0]).toMatchObject({
      rule: 'termination-reason-missing',
      citation: 'ZJ-2023 Art.31',
      evidence: ['ServiceRequest/sr-top', 'Observation/obs-edd'],
      params: { order: 'ServiceRequest/sr-top', reason: 'no-reason', gaDays: 112, ga: '16+0', thresholdDays: 98, threshold: '14+0' },
    });
    expect(cards[0]!.detail).toContain('16\\+0 weeks');
    expect(cards[0]!.overrideReasons!.map((r) => r.code)).toEqual(['emergency-clinical-need', 'medical-necessity-documented']);
    expect(cards[0]!.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete', resourceId: ['ServiceRequest/sr-top'] });
  });
});
