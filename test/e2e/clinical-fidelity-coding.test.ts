import { Writable } from 'node:stream';
import type { Condition, FamilyMemberHistory, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { expectConformant } from '../support/expect-conformant.js';
import { validateAgainstBase } from '../support/fhir-validate.js';
import {
  addToBundle,
  buildE2eApp,
  example,
  findingsOf,
  noticePath,
  NOW,
  removeFromBundle,
  ruleIds,
  type E2eApp,
  type HookBody,
  type WireCard,
} from './support/e2e-app.js';
import { againstEhr, startFallbackEhr, type FallbackEhr } from './support/fhir-fallback.js';
import { unescapeMarkdown } from './support/markdown.js';

/**
 * Records as Chinese obstetric EHRs send them (docs/rules.md#fetal-finding, #genetic-family-history,
 * #prior-affected-birth, #value-sets), through HTTP — prefetched, and fetched from the FHIR server:
 * the woman's own conditions are not fetal anomalies; a child's birth defect is a prior affected birth,
 * never family history; ICD-10 national clinical-edition codes under `…/icd-10-cn` are read.
 *
 * The example woman (张丽, final EDD 2027-05-10 ⇒ LMP 2026-08-03; today 2026-11-23): `ama` and
 * `amniotic-fluid` fire; her brother's β-thalassaemia (SNOMED 40108008) fires `genetic-family-history`.
 */
const REFERRAL = 'prenatal-diagnosis-referral';
const NIPT = 'nipt-order-check';
const PATIENT = { reference: 'Patient/p-zhang-li-1989' };
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD10_CN = 'http://hl7.org/fhir/sid/icd-10-cn';
const SNOMED = 'http://snomed.info/sct';
const V3_ROLE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const FETAL_FINDING = 'http://prenatal-cds.org/fhir/StructureDefinition/fetal-finding';
const CONFIRMED = {
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
};

/** Her own cleft lip, put on the problem list at the booking visit of this pregnancy. */
function ownCleftLip(fetal = false): Condition {
  return {
    resourceType: 'Condition',
    id: fetal ? 'cond-fetal-cleft-lip-1' : 'cond-cleft-lip-1',
    ...(fetal ? { extension: [{ url: FETAL_FINDING, valueBoolean: true }] } : {}),
    ...CONFIRMED,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: {
      coding: [{ system: SNOMED, code: '80281008', display: 'Cleft lip' }],
      text: fetal ? '胎儿唇裂（孕22周系统超声）' : '唇裂术后（孕妇本人，幼时已修补）',
    },
    subject: PATIENT,
    recordedDate: fetal ? '2026-11-20' : '2026-09-14',
  };
}

/** Fetal growth restriction as the clinical edition codes it (O36.500x001 胎儿生长受限). */
const fgr: Condition = {
  resourceType: 'Condition',
  id: 'cond-fgr-1',
  ...CONFIRMED,
  code: { coding: [{ system: ICD10_CN, code: 'O36.500x001', display: '胎儿生长受限' }], text: '胎儿生长受限' },
  subject: PATIENT,
  recordedDate: '2026-11-20',
};

function relative(id: string, role: string, roleDisplay: string, system: string, code: string, display: string): FamilyMemberHistory {
  return {
    resourceType: 'FamilyMemberHistory',
    id,
    status: 'completed',
    patient: PATIENT,
    date: '2026-09-14',
    relationship: { coding: [{ system: V3_ROLE, code: role, display: roleDisplay }] },
    condition: [{ code: { coding: [{ system, code, display }], text: display } }],
  };
}

const sonDown = relative('fmh-son-t21-1', 'SON', 'son', SNOMED, '41040004', '21-三体综合征');
const daughterNtd = relative('fmh-dau-ntd-1', 'DAU', 'daughter', ICD10_CN, 'Q05.900', '脊柱裂');
const childQ909 = relative('fmh-child-q909-1', 'CHILD', 'child', ICD10, 'Q90.9', '唐氏综合征');
const brotherD561 = relative('fmh-brother-d561-1', 'BRO', 'brother', ICD10, 'D56.1', 'β-地中海贫血');

/** The shipped example with `edit` applied (resources added to prefetch keys, ids removed). */
function body(service: typeof REFERRAL | typeof NIPT, add: Record<string, Resource[]>, remove: Record<string, string[]> = {}): HookBody {
  const b = example(service);
  for (const [key, ids] of Object.entries(remove)) removeFromBundle(b, key, ids);
  for (const [key, resources] of Object.entries(add)) for (const r of resources) addToBundle(b, key, r);
  return b;
}

async function cards(app: E2eApp, service: string, b: HookBody): Promise<WireCard[]> {
  const res = await request(app.app).post(`/cds-services/${service}`).set('Content-Type', 'application/fhir+json').send(JSON.stringify(b));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectConformant(res.body);
  return (res.body as { cards: WireCard[] }).cards;
}

const ehrs: FallbackEhr[] = [];
afterEach(async () => {
  for (const e of ehrs.splice(0)) {
    await e.stub.close();
    expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
    expect(e.badAuth).toEqual([]);
  }
});

/** The cards of the call with every key prefetched, and of the same call with nothing prefetched (FHIR fallback). */
async function bothWays(
  service: typeof REFERRAL | typeof NIPT,
  b: HookBody,
): Promise<{ app: E2eApp; prefetched: WireCard[]; fetched: WireCard[] }> {
  const app = buildE2eApp();
  const prefetched = await cards(app, service, b);
  const fhir = await startFallbackEhr(service, b);
  ehrs.push(fhir);
  const fetched = await cards(app, service, againstEhr(b, fhir.stub.fhirServer, undefined));
  return { app, prefetched, fetched };
}

it('the fixtures are valid FHIR R4', () => {
  for (const r of [ownCleftLip(), ownCleftLip(true), fgr, sonDown, daughterNtd, childQ909, brotherD561])
    expect(
      validateAgainstBase(r).filter((i) => i.severity === 'error'),
      r.id,
    ).toEqual([]);
});

describe('the woman’s own conditions are not fetal anomalies', () => {
  it('her own cleft lip (SNOMED 80281008) recorded this pregnancy: no fetal-anomaly, nothing says 胎儿发育异常', async () => {
    const { app, prefetched, fetched } = await bothWays(REFERRAL, body(REFERRAL, { conditions: [ownCleftLip()] }));
    for (const cs of [prefetched, fetched]) {
      expect(cs).toHaveLength(1);
      expect(ruleIds(cs[0])).toEqual(['ama', 'amniotic-fluid', 'genetic-family-history']);
      expect(unescapeMarkdown(cs[0]!.detail ?? '')).not.toContain('胎儿发育异常');
      const page = await request(app.app).get(noticePath(cs[0]!)).expect(200);
      expect(page.text).not.toContain('胎儿发育异常');
      expect(page.text).not.toContain('cond-cleft-lip-1');
    }
  });

  it('the same code marked as a fetal finding (extension fetal-finding) fires fetal-anomaly', async () => {
    const { prefetched, fetched } = await bothWays(REFERRAL, body(REFERRAL, { conditions: [ownCleftLip(true)] }));
    for (const cs of [prefetched, fetched]) {
      const f = findingsOf(cs[0]).find((x) => x.rule === 'fetal-anomaly');
      expect(f?.evidence).toEqual(['Condition/cond-fetal-cleft-lip-1']);
      expect(unescapeMarkdown(cs[0]!.detail ?? '')).toContain('胎儿发育异常');
    }
  });

  it('NIPT: her own cleft lip is no fetal structural anomaly; a marked fetal one is', async () => {
    const own = await bothWays(NIPT, body(NIPT, { conditions: [ownCleftLip()] }));
    const fetal = await bothWays(NIPT, body(NIPT, { conditions: [ownCleftLip(true)] }));
    for (const cs of [own.prefetched, own.fetched]) expect(cs.flatMap((c) => ruleIds(c))).not.toContain('nipt-fetal-structural-anomaly');
    for (const cs of [fetal.prefetched, fetal.fetched]) expect(cs.flatMap((c) => ruleIds(c))).toContain('nipt-fetal-structural-anomaly');
  });

  it('fetal growth restriction O36.500x001 fires fetal-anomaly (source fgr), but is no structural anomaly for NIPT', async () => {
    const referral = await bothWays(REFERRAL, body(REFERRAL, { conditions: [fgr] }));
    for (const cs of [referral.prefetched, referral.fetched]) {
      const f = findingsOf(cs[0]).find((x) => x.rule === 'fetal-anomaly');
      expect(f).toMatchObject({ evidence: ['Condition/cond-fgr-1'], params: { sources: ['fgr'] } });
      expect(unescapeMarkdown(cs[0]!.detail ?? '')).toContain('胎儿生长受限');
    }
    const nipt = await bothWays(NIPT, body(NIPT, { conditions: [fgr] }));
    for (const cs of [nipt.prefetched, nipt.fetched]) expect(cs.flatMap((c) => ruleIds(c))).not.toContain('nipt-fetal-structural-anomaly');
  });
});

describe('a prior affected birth is not family history', () => {
  it.each([
    ['a son with Down syndrome (SNOMED 41040004)', sonDown],
    ['a daughter with spina bifida (ICD-10 clinical edition Q05.900)', daughterNtd],
  ])('%s: prior-affected-birth only, and the audit records it under that rule', async (_n, child) => {
    const { app, prefetched, fetched } = await bothWays(
      REFERRAL,
      body(REFERRAL, { familyHistory: [child] }, { familyHistory: ['fmh-brother-thal-1'] }),
    );
    for (const cs of [prefetched, fetched]) {
      expect(ruleIds(cs[0])).toEqual(['ama', 'amniotic-fluid', 'prior-affected-birth']);
      expect(findingsOf(cs[0]).find((f) => f.rule === 'prior-affected-birth')?.evidence).toEqual([`FamilyMemberHistory/${child.id}`]);
    }
    const calls = app.hookCalls.all();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.cards.flatMap((c) => c.rules)).toContain('prior-affected-birth');
      expect(call.cards.flatMap((c) => c.rules)).not.toContain('genetic-family-history');
    }
  });

  describe('QC counts it under prior-affected-birth', () => {
    let c: Composition | undefined;
    afterAll(() => c?.close());

    it('GET /qc/notification-compliance?groupBy=rule after the call', async () => {
      const token = 'province-token-0123456789';
      const config = loadConfig({
        PUBLIC_BASE_URL: 'https://cds.e2e.example',
        AUTH_MODE: 'off',
        LOG_LEVEL: 'silent',
        DATA_DIR: 'memory://',
        QC_TOKENS: JSON.stringify({ [token]: { role: 'province' } }),
      });
      c = await compose(config, createLogger(config, new Writable({ write: (_x, _e, cb) => cb() })), {
        clock: fixedClock(NOW, config.clinicTimeZone),
      });
      const app = createApp(c.deps);
      const b = body(REFERRAL, { familyHistory: [sonDown] }, { familyHistory: ['fmh-brother-thal-1'] });
      await request(app).post(`/cds-services/${REFERRAL}`).send(b).expect(200);
      const res = await request(app)
        .get('/qc/notification-compliance')
        .query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'rule' })
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const keys = (res.body as { rows: { key: string; indicated: number }[] }).rows.map((r) => [r.key, r.indicated]);
      expect(keys).toEqual([
        ['ama', 1],
        ['amniotic-fluid', 1],
        ['prior-affected-birth', 1],
      ]);
    }, 60_000);
  });
});

describe('ICD-10 as Chinese EHRs code it', () => {
  it('brother with D56.1 fires genetic-family-history; child with Q90.9 fires prior-affected-birth; O36.5 fires fetal-anomaly', async () => {
    const b = body(REFERRAL, { familyHistory: [brotherD561, childQ909], conditions: [fgr] }, { familyHistory: ['fmh-brother-thal-1'] });
    const { prefetched, fetched } = await bothWays(REFERRAL, b);
    for (const cs of [prefetched, fetched]) {
      expect(ruleIds(cs[0])).toEqual(['ama', 'amniotic-fluid', 'fetal-anomaly', 'genetic-family-history', 'prior-affected-birth']);
      const byRule = Object.fromEntries(findingsOf(cs[0]).map((f) => [f.rule, f.evidence]));
      expect(byRule['genetic-family-history']).toEqual(['FamilyMemberHistory/fmh-brother-d561-1']);
      expect(byRule['prior-affected-birth']).toEqual(['FamilyMemberHistory/fmh-child-q909-1']);
      expect(byRule['fetal-anomaly']).toEqual(['Condition/cond-fgr-1']);
    }
  });

  it('NIPT: a brother with D56.1 only (ICD-10, no SNOMED) is a monogenic risk', async () => {
    const b = body(NIPT, { familyHistory: [brotherD561] }, { familyHistory: ['fmh-brother-thal-1'] });
    const { prefetched, fetched } = await bothWays(NIPT, b);
    for (const cs of [prefetched, fetched]) {
      const f = cs.flatMap((c) => findingsOf(c)).find((x) => x.rule === 'nipt-monogenic-risk');
      expect(f?.evidence).toEqual(['FamilyMemberHistory/fmh-brother-d561-1']);
    }
  });
});
