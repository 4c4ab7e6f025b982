import type { DiagnosticReport, Organization, PractitionerRole } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS, SYSTEMS } from '../../../src/clinical/codes.js';
import { IDENTIFIER_SYSTEMS } from '../../../src/clinical/registry-identifiers.js';
import type { Policy } from '../../../src/clinical/policy.js';
import { createSnapshot, type PatientSnapshot } from '../../../src/fhir/snapshot.js';
import type { InstitutionRole, RegistryStore } from '../../../src/orders/credential-records.js';
import { evaluateReferral } from '../../../src/referral/evaluate.js';
import { loadPerformerInstitutions } from '../../../src/referral/performer-institutions.js';
import { abnormalResultNoticeRule as rule } from '../../../src/referral/rules/abnormal-result-notice.js';
import { MemoryRegistryStore } from '../../../src/registry/memory-registry-store.js';
import { cc, code, eddObs, EDD, icd, nowOn, paramsOf, patient, PID, policy, pregnant, report, run, sct } from '../../clinical/fixtures.js';

const cn = (c: string, display?: string) => code(SYSTEMS.icd10cn, c, display);
const order = (c: string) => code(SYSTEMS.prenatalOrder, c);

/** 浙江大学医学院附属妇产科医院 as a prenatal-diagnosis institution; other roles on demand. */
function org(id: string, name: string, role?: string): Organization {
  return {
    resourceType: 'Organization',
    id,
    name,
    ...(role ? { extension: [{ url: EXTENSIONS.mchInstitutionRole, valueCode: role }] } : {}),
  };
}
const PD = org('org-pd', '浙江大学医学院附属妇产科医院', 'prenatal-diagnosis-institution');
const SCREENING = org('org-scr', '杭州市上城区妇幼保健院', 'prenatal-screening-institution');

/** An amniocentesis karyotype report (羊水染色体核型分析) of this pregnancy by `performer`. */
function karyotype(conclusion = cn('Q90.000', '21三体综合征'), opts: Partial<DiagnosticReport> = {}): DiagnosticReport {
  return report(conclusion, {
    category: [cc(code(SYSTEMS.prenatalObservation, 'prenatal-diagnosis'))],
    code: { coding: [order('karyotype')], text: '羊水染色体核型分析' },
    effectiveDateTime: '2025-05-20',
    issued: '2025-05-28T10:00:00+08:00',
    conclusion: '47,XX,+21，胎儿21三体综合征',
    performer: [{ reference: 'Organization/org-pd', display: '浙江大学医学院附属妇产科医院' }],
    ...opts,
  });
}

/**
 * docs/rules.md#abnormal-result-notice: an issued prenatal-diagnosis DiagnosticReport of this
 * pregnancy with an abnormal conclusion (fetal-anomaly or chromosomal set), performed by a
 * prenatal-diagnosis institution ⇒ the Art. 27 notice (ZJ-2023 Art.27).
 */
describe('abnormal-result-notice', () => {
  it('fires on 47,XX,+21 (ICD-10 clinical edition Q90.000) from a prenatal-diagnosis institution, citing Art.27', () => {
    const kt = karyotype();
    const o = run(rule, pregnant([kt, PD]));
    expect(o.status).toBe('fired');
    if (o.status !== 'fired') return;
    expect(o.findings[0]!.citation).toBe('ZJ-2023 Art.27');
    expect(o.findings[0]!.evidence).toEqual([`DiagnosticReport/${kt.id}`, 'Organization/org-pd']);
    expect(paramsOf(o)).toMatchObject({
      kinds: ['chromosomal'],
      ethicsReview: false,
      ethicsReviewGaDays: 196,
      gaDays: 158,
      items: [
        {
          reference: `DiagnosticReport/${kt.id}`,
          date: '2025-05-20',
          code: { code: 'Q90.000' },
          text: '47,XX,+21，胎儿21三体综合征',
          kind: 'chromosomal',
          performer: 'Organization/org-pd',
          performerName: '浙江大学医学院附属妇产科医院',
        },
      ],
    });
  });

  it.each([
    ['ICD-10 Q91.3 Edwards syndrome (microarray)', icd('Q91.3'), 'chromosomal-microarray', 'chromosomal'],
    ['SNOMED 41040004 trisomy 21', sct('41040004'), 'karyotype', 'chromosomal'],
    ['ICD-10-CN Q00.000 anencephaly (cordocentesis report)', cn('Q00.000'), 'cordocentesis', 'structural'],
    ['ICD-10 Q21.3 tetralogy of Fallot (产前超声诊断 coded prenatal-diagnosis)', icd('Q21.3'), 'po:prenatal-diagnosis', 'structural'],
    ['ICD-10 O35.1 maternal care for chromosomal abnormality in fetus', icd('O35.1'), 'amniocentesis', 'structural'],
  ])('fires on %s', (_n, conclusion, reportCode, kind) => {
    const reportCoding = reportCode.startsWith('po:') ? code(SYSTEMS.prenatalObservation, reportCode.slice(3)) : order(reportCode);
    const o = run(rule, pregnant([karyotype(conclusion, { code: cc(reportCoding), category: [] }), PD]));
    expect(paramsOf(o)).toMatchObject({ kinds: [kind] });
  });

  it.each([
    ['a normal karyotype 46,XX (SNOMED 119196007 normal karyotype)', sct('119196007')],
    ['ICD-10 O35.5 (drug exposure, not an anomaly)', icd('O35.5')],
  ])('does not fire on %s', (_n, conclusion) => {
    expect(run(rule, pregnant([karyotype(conclusion, { conclusion: '46,XX，未见异常' }), PD])).status).toBe('not-fired');
  });

  it('does not fire on an ultrasound report (not a prenatal-diagnosis report) — fetal-anomaly covers it', () => {
    expect(run(rule, pregnant([report(icd('Q03.9'), { performer: [{ reference: 'Organization/org-pd' }] }), PD])).status).toBe('not-fired');
  });

  it('an abnormal result issued by a prenatal-screening institution is not a prenatal diagnosis: not fired', () => {
    const kt = karyotype(undefined, { performer: [{ reference: 'Organization/org-scr' }] });
    expect(run(rule, pregnant([kt, SCREENING])).status).toBe('not-fired');
  });

  it.each(['preliminary', 'partial', 'registered', 'cancelled', 'entered-in-error'] as const)('status %s: not fired', (status) => {
    expect(run(rule, pregnant([karyotype(undefined, { status }), PD])).status).toBe('not-fired');
  });

  it.each(['amended', 'corrected', 'appended'] as const)('status %s (an issued report): fired', (status) => {
    expect(run(rule, pregnant([karyotype(undefined, { status }), PD])).status).toBe('fired');
  });

  it('a report of a previous pregnancy (dated before this LMP, 2024-12-25) does not fire', () => {
    const old = karyotype(undefined, { effectiveDateTime: '2024-03-02', issued: '2024-03-10T09:00:00+08:00' });
    expect(run(rule, pregnant([old, PD])).status).toBe('not-fired');
  });

  it('boundary: a report dated on the first day of this pregnancy (the LMP) counts; the day before does not', () => {
    expect(run(rule, pregnant([karyotype(undefined, { effectiveDateTime: '2024-12-25' }), PD])).status).toBe('fired');
    expect(run(rule, pregnant([karyotype(undefined, { effectiveDateTime: '2024-12-24' }), PD])).status).toBe('not-fired');
  });

  it('boundary: the ethics committee is flagged from GA 28+0 (ART27_ETHICS_REVIEW_GA_DAYS = 196), not at 27+6', () => {
    // EDD 2025-10-01: GA 28+0 on 2025-07-09, 27+6 on 2025-07-08.
    const snap = pregnant([karyotype(), PD]);
    expect(paramsOf(run(rule, snap, policy(), nowOn('2025-07-08')))).toMatchObject({ ethicsReview: false, gaDays: 195 });
    expect(paramsOf(run(rule, snap, policy(), nowOn('2025-07-09')))).toMatchObject({ ethicsReview: true, gaDays: 196 });
    expect(paramsOf(run(rule, snap, policy({ ART27_ETHICS_REVIEW_GA_DAYS: 150 })))).toMatchObject({ ethicsReview: true });
  });

  it('a PractitionerRole performer counts through its organization', () => {
    const role: PractitionerRole = { resourceType: 'PractitionerRole', id: 'pr-1', organization: { reference: 'Organization/org-pd' } };
    const kt = karyotype(undefined, { performer: [{ reference: 'PractitionerRole/pr-1' }] });
    expect(paramsOf(run(rule, pregnant([kt, role, PD])))).toMatchObject({ items: [{ performer: 'Organization/org-pd' }] });
  });

  describe('the performer cannot be verified: insufficient-data ("could not verify"), never a silent no', () => {
    it.each([
      ['the performer Organization is not in the record', [] as Organization[], 'Organization/org-pd (not in the record)'],
      ['the Organization has no institution role', [org('org-pd', '某医院')], 'Organization/org-pd (no institution role recorded)'],
    ])('%s', (_n, orgs, why) => {
      const kt = karyotype();
      const o = run(rule, pregnant([kt, ...orgs]));
      expect(o).toMatchObject({ status: 'insufficient-data', evidence: [`DiagnosticReport/${kt.id}`] });
      if (o.status === 'insufficient-data') expect(o.reason).toContain(`could not verify the performing institution: ${why}`);
    });

    it('no performer at all', () => {
      const o = run(rule, pregnant([karyotype(undefined, { performer: [] })]));
      expect(o.status).toBe('insufficient-data');
      if (o.status === 'insufficient-data') expect(o.reason).toContain('no performing organization');
    });

    it("the Organization could not be fetched: the loader's reason is named", () => {
      const snap = createSnapshot({
        patientId: PID,
        resources: [patient(), eddObs(EDD), karyotype()],
        unresolved: [{ reference: 'Organization/org-pd', reason: 'fetch failed: http-status 404' }],
      });
      const o = run(rule, snap);
      expect(o.status).toBe('insufficient-data');
      if (o.status === 'insufficient-data') expect(o.reason).toContain('Organization/org-pd (fetch failed: http-status 404)');
    });

    it('an undated report is insufficient-data; a verified abnormal report beside it still fires', () => {
      const undated = karyotype(undefined, { effectiveDateTime: undefined, issued: undefined });
      expect(run(rule, pregnant([undated, PD])).status).toBe('insufficient-data');
      expect(run(rule, pregnant([undated, karyotype(), PD])).status).toBe('fired');
    });
  });

  it('not currently pregnant: not-applicable', () => {
    expect(run(rule, createSnapshot({ patientId: PID, resources: [patient(), karyotype(), PD] })).status).toBe('not-applicable');
  });

  describe('the performer known to the provincial registry (loaded before the rules run)', () => {
    /** 浙大妇院 in the registry under another id, known by its USCC (统一社会信用代码). */
    const USCC = '12330000470051726F';
    async function registryWith(role: InstitutionRole | undefined): Promise<RegistryStore> {
      const registry = new MemoryRegistryStore();
      await registry.upsert({
        practitioners: [],
        organizations: [
          {
            organizationId: 'zj-reg-0571-0007',
            name: '浙江大学医学院附属妇产科医院',
            identifiers: [{ system: IDENTIFIER_SYSTEMS.uscc, value: USCC }],
            ...(role ? { institutionRole: role } : {}),
          },
        ],
        certificates: [],
        licences: [],
      });
      return registry;
    }
    const orgWithUscc = (over: Partial<Organization> = {}): Organization => ({
      resourceType: 'Organization',
      id: 'org-pd',
      identifier: [{ system: IDENTIFIER_SYSTEMS.uscc, value: USCC }],
      ...over,
    });
    async function evaluated(snap: PatientSnapshot, registry: Pick<RegistryStore, 'findOrganization'>, pol: Policy = policy()) {
      const performers = await loadPerformerInstitutions(snap, registry, pol);
      return { performers, outcome: evaluateReferral(snap, pol, nowOn(), [rule], performers).outcomes['abnormal-result-notice']! };
    }

    it('the record has the Organization without a role; the registry (found by its USCC) says prenatal-diagnosis institution: fired', async () => {
      const kt = karyotype();
      const { outcome } = await evaluated(pregnant([kt, orgWithUscc()]), await registryWith('prenatal-diagnosis-institution'));
      expect(outcome.status).toBe('fired');
      expect(paramsOf(outcome)).toMatchObject({
        items: [{ performer: 'Organization/org-pd', performerName: '浙江大学医学院附属妇产科医院' }],
      });
      // The same record without the registry: could not verify (as before).
      expect(run(rule, pregnant([kt, orgWithUscc()])).status).toBe('insufficient-data');
    });

    it('the Organization is not in the record at all; the registry knows its id: fired, named from the registry', async () => {
      const registry = new MemoryRegistryStore();
      await registry.upsert({
        practitioners: [],
        organizations: [
          { organizationId: 'org-pd', name: '浙江大学医学院附属妇产科医院', institutionRole: 'prenatal-diagnosis-institution' },
        ],
        certificates: [],
        licences: [],
      });
      const { outcome } = await evaluated(pregnant([karyotype()]), registry);
      expect(paramsOf(outcome)).toMatchObject({ items: [{ performerName: '浙江大学医学院附属妇产科医院' }] });
    });

    it('the registry says prenatal-screening institution: not fired, though the record claims diagnosis (the registry comes first)', async () => {
      const claims = orgWithUscc({ extension: [{ url: EXTENSIONS.mchInstitutionRole, valueCode: 'prenatal-diagnosis-institution' }] });
      const { outcome } = await evaluated(pregnant([karyotype(), claims]), await registryWith('prenatal-screening-institution'));
      expect(outcome.status).toBe('not-fired');
    });

    it("CERTIFICATE_SOURCE_ORDER ['ehr', 'registry']: the record's role comes first", async () => {
      const claims = orgWithUscc({ extension: [{ url: EXTENSIONS.mchInstitutionRole, valueCode: 'prenatal-diagnosis-institution' }] });
      const pol = policy({ CERTIFICATE_SOURCE_ORDER: ['ehr', 'registry'] });
      const { outcome } = await evaluated(pregnant([karyotype(), claims]), await registryWith('prenatal-screening-institution'), pol);
      expect(outcome.status).toBe('fired');
    });

    it('known to the registry without a role, the record gives none: could not verify (no institution role recorded)', async () => {
      const { outcome } = await evaluated(pregnant([karyotype(), orgWithUscc()]), await registryWith(undefined));
      expect(outcome.status).toBe('insufficient-data');
      if (outcome.status === 'insufficient-data') expect(outcome.reason).toContain('Organization/org-pd (no institution role recorded)');
    });

    it('unknown to the record and to the registry: could not verify, naming why for each source', async () => {
      const snap = createSnapshot({
        patientId: PID,
        resources: [patient(), eddObs(EDD), karyotype()],
        unresolved: [{ reference: 'Organization/org-pd', reason: 'fetch failed: http-status 404' }],
      });
      const { outcome } = await evaluated(snap, new MemoryRegistryStore());
      expect(outcome.status).toBe('insufficient-data');
      if (outcome.status === 'insufficient-data')
        expect(outcome.reason).toContain(
          'could not verify the performing institution: Organization/org-pd (could not be fetched (fetch failed: http-status 404); not in the registry)',
        );
    });

    it('a failing registry leaves the record to decide', async () => {
      const failing = { findOrganization: () => Promise.reject(new Error('registry down')) };
      const { performers, outcome } = await evaluated(pregnant([karyotype(), PD]), failing);
      expect(performers.get('Organization/org-pd')).toMatchObject({ registryUnavailable: true, role: 'prenatal-diagnosis-institution' });
      expect(outcome.status).toBe('fired');
    });

    it('only the performers of reports that could fire are looked up (a normal karyotype: no registry call)', async () => {
      const registry = new MemoryRegistryStore();
      const asked: unknown[] = [];
      const counting = { findOrganization: (k: unknown) => (asked.push(k), registry.findOrganization(k as never)) };
      await loadPerformerInstitutions(pregnant([karyotype(sct('119196007'), { conclusion: '46,XX' }), PD]), counting, policy());
      expect(asked).toEqual([]);
      await loadPerformerInstitutions(pregnant([karyotype(), PD]), counting, policy());
      expect(asked).toHaveLength(1);
    });
  });
});
