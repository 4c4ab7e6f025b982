import type { DiagnosticReport, Encounter, Organization, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import { EXTENSIONS, SYSTEMS } from '../../src/clinical/codes.js';
import { MAX_PERFORMER_REPORTS } from '../../src/clinical/data-elements/prenatal-diagnosis-report.js';
import { parsePolicy } from '../../src/clinical/policy.js';
import { resolveOrderingContext } from '../../src/clinical/ordering-context.js';
import { createSnapshotLoader } from '../../src/fhir/load-snapshot.js';
import { MAX_REFERENCE_READS } from '../../src/fhir/reference-fetch.js';
import { captureLogger, definitionWith } from './support/definitions.js';
import { hang, json, type FhirStub, type StubHandler, useFhirStubs } from './support/fhir-stub.js';
import { PATIENT_ID, operationOutcome, patient, searchset } from './support/fixtures.js';

/**
 * The second fetch stage (docs/design.md#reference-fetch) through the loader, against a FHIR server
 * on loopback: what the prefetch and its fallback left out is read by reference, within the same
 * deadline, never from a foreign URL; what cannot be read is `snapshot.unresolved`.
 */
const TOKEN = 'ehr-access-token-8c2e';
const ONLY_PATIENT = definitionWith({ patient: 'Patient/{{context.patientId}}' }, ['patient']);
const WITH_ROLE_KEYS = definitionWith(
  {
    patient: 'Patient/{{context.patientId}}',
    practitioner: 'Practitioner/{{userPractitionerId}}',
    practitionerRoles: 'PractitionerRole?practitioner={{userPractitionerId}}&_include=PractitionerRole:organization',
    observations: 'Observation?patient={{context.patientId}}&_count=1000',
  },
  ['patient'],
);

const practitioner: Practitioner = {
  resourceType: 'Practitioner',
  id: 'pr-chen-jing',
  name: [{ use: 'official', text: '陈静', family: '陈', given: ['静'] }],
};
const screeningHospital: Organization = {
  resourceType: 'Organization',
  id: 'org-xh-mch',
  name: '西湖区妇幼保健院',
  extension: [
    { url: EXTENSIONS.mchInstitutionRole, valueCode: 'prenatal-screening-institution' },
    {
      url: EXTENSIONS.niptCooperation,
      extension: [
        { url: 'partner', valueReference: { reference: 'Organization/org-zju-women' } },
        { url: 'period', valuePeriod: { start: '2025-01-01', end: '2027-12-31' } },
      ],
    },
  ],
};
const partner: Organization = {
  resourceType: 'Organization',
  id: 'org-zju-women',
  name: '浙江大学医学院附属妇产科医院',
  extension: [{ url: EXTENSIONS.mchInstitutionRole, valueCode: 'prenatal-diagnosis-institution' }],
};
function role(organization = 'Organization/org-xh-mch'): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: 'prr-chen-jing-1',
    active: true,
    practitioner: { reference: 'Practitioner/pr-chen-jing' },
    organization: { reference: organization },
    code: [{ text: '产科医师' }],
  };
}

const stub = useFhirStubs({ checkUnexpected: false });

function request(fhirServer: string | undefined, prefetch: Record<string, unknown>, context: Record<string, unknown>): HookRequest {
  return {
    hook: 'order-select',
    hookInstance: '6b1f3c0e-3f0f-4b4e-9d0c-7c4f2d8e1a55',
    ...(fhirServer
      ? {
          fhirServer,
          fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'prenatal-cds' },
        }
      : {}),
    context: { patientId: PATIENT_ID, ...context },
    prefetch,
  };
}

function loader(timeoutMs = 5_000, policy?: ReturnType<typeof parsePolicy>) {
  const { logger, lines } = captureLogger();
  return { load: createSnapshotLoader({ timeoutMs, maxPages: 5, logger, ...(policy ? { policy } : {}) }), lines };
}

const paths = (s: FhirStub): string[] => s.calls.map((c) => c.url);

describe('second fetch stage: references the decision needs', () => {
  it('a PractitionerRole user: the role, then its practitioner and organization, then the cooperation partner (three rounds)', async () => {
    const s = await stub({
      '/fhir/PractitionerRole/prr-chen-jing-1': json(role()),
      '/fhir/Practitioner/pr-chen-jing': json(practitioner),
      '/fhir/Organization/org-xh-mch': json(screeningHospital),
      '/fhir/Organization/org-zju-women': json(partner),
    });
    const { load, lines } = loader();
    const snap = await load(ONLY_PATIENT, request(s.fhirServer, { patient }, { userId: 'PractitionerRole/prr-chen-jing-1' }));
    expect(paths(s)).toHaveLength(4);
    expect(paths(s)[0]).toBe('/fhir/PractitionerRole/prr-chen-jing-1');
    // The second round reads both in parallel: their order is not part of the contract.
    expect(paths(s).slice(1, 3).sort()).toEqual(['/fhir/Organization/org-xh-mch', '/fhir/Practitioner/pr-chen-jing']);
    expect(paths(s)[3]).toBe('/fhir/Organization/org-zju-women');
    expect(s.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(snap.unresolved).toEqual([]);
    const ctx = resolveOrderingContext(snap);
    expect(ctx).toMatchObject({ practitionerId: 'pr-chen-jing', organizationId: 'org-xh-mch', organizationVia: 'practitioner-role' });
    expect(ctx.practitioner?.id).toBe('pr-chen-jing');
    expect(snap.byReference('Organization/org-zju-women')?.id).toBe('org-zju-women');
    // The log names what was read (ids and counts), never a token or a resource.
    const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'prefetch resolved');
    expect(log?.['references']).toEqual({
      rounds: 3,
      reads: 4,
      fetched: expect.arrayContaining([
        'PractitionerRole/prr-chen-jing-1',
        'Practitioner/pr-chen-jing',
        'Organization/org-xh-mch',
        'Organization/org-zju-women',
      ]),
      unresolved: [],
    });
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('陈静');
  });

  it('a Practitioner user whose role came without its Organization (a server that ignored _include): the organization is read', async () => {
    const s = await stub({ '/fhir/Organization/org-xh-mch': json(screeningHospital), '/fhir/Organization/org-zju-women': json(partner) });
    const snap = await loader().load(
      WITH_ROLE_KEYS,
      request(
        s.fhirServer,
        { patient, practitioner, practitionerRoles: searchset([role()]), observations: null },
        { userId: 'Practitioner/pr-chen-jing' },
      ),
    );
    expect(paths(s)).toEqual(['/fhir/Organization/org-xh-mch', '/fhir/Organization/org-zju-women']);
    expect(resolveOrderingContext(snap).organization?.name).toBe('西湖区妇幼保健院');
    expect(snap.unresolved).toEqual([]);
  });

  it("the encounter's serviceProvider when no role names the organization", async () => {
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'enc-20261123-anc',
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${PATIENT_ID}` },
      serviceProvider: { reference: 'Organization/org-zju-women' },
    };
    const def = definitionWith({ ...WITH_ROLE_KEYS.prefetch, encounter: 'Encounter/{{context.encounterId}}' }, ['patient']);
    const s = await stub({ '/fhir/Organization/org-zju-women': json(partner) });
    const snap = await loader().load(
      def,
      request(
        s.fhirServer,
        { patient, practitioner, practitionerRoles: null, observations: null, encounter },
        { userId: 'Practitioner/pr-chen-jing', encounterId: 'enc-20261123-anc' },
      ),
    );
    expect(paths(s)).toEqual(['/fhir/Organization/org-zju-women']);
    expect(resolveOrderingContext(snap)).toMatchObject({ organizationId: 'org-zju-women', organizationVia: 'encounter' });
  });

  it('an absolute reference under fhirServer is read; a foreign absolute URL never is (unresolved)', async () => {
    const s = await stub({ '/fhir/Practitioner/pr-chen-jing': json(practitioner) });
    const foreign: PractitionerRole = {
      ...role('https://other-ehr.example.cn/fhir/Organization/org-xh-mch'),
      practitioner: { reference: `${s.fhirServer}/Practitioner/pr-chen-jing` },
    };
    const def = definitionWith(
      { patient: 'Patient/{{context.patientId}}', practitionerRole: 'PractitionerRole?_id={{userPractitionerRoleId}}' },
      ['patient'],
    );
    const snap = await loader().load(
      def,
      request(s.fhirServer, { patient, practitionerRole: searchset([foreign]) }, { userId: 'PractitionerRole/prr-chen-jing-1' }),
    );
    expect(paths(s)).toEqual(['/fhir/Practitioner/pr-chen-jing']);
    expect(snap.unresolved).toEqual([{ reference: 'Organization/org-xh-mch', reason: 'not read: absolute reference outside fhirServer' }]);
    expect(resolveOrderingContext(snap).organizationUnresolved?.reference).toBe('Organization/org-xh-mch');
  });

  it('404 → unresolved with the status; without fhirServer → unresolved, nothing read', async () => {
    const s = await stub({ '/fhir/PractitionerRole/prr-chen-jing-1': json(operationOutcome, 404) });
    const snap = await loader().load(ONLY_PATIENT, request(s.fhirServer, { patient }, { userId: 'PractitionerRole/prr-chen-jing-1' }));
    expect(snap.unresolved).toEqual([{ reference: 'PractitionerRole/prr-chen-jing-1', reason: 'fetch failed: http-status 404' }]);
    const ctx = resolveOrderingContext(snap);
    expect(ctx.practitionerUnresolved?.reference).toBe('PractitionerRole/prr-chen-jing-1');
    expect(ctx.organizationUnresolved?.reference).toBe('PractitionerRole/prr-chen-jing-1');

    const offline = await loader().load(ONLY_PATIENT, request(undefined, { patient }, { userId: 'PractitionerRole/prr-chen-jing-1' }));
    expect(offline.unresolved).toEqual([
      { reference: 'PractitionerRole/prr-chen-jing-1', reason: 'not read: no fhirServer with fhirAuthorization' },
    ]);
  });

  it('shares the first stage deadline: after the fallback used it up, the reference read fails as a timeout though the server would answer', async () => {
    const s = await stub({
      [`/fhir/Observation?patient=${PATIENT_ID}&_count=1000`]: hang(),
      '/fhir/PractitionerRole/prr-chen-jing-1': json(role()),
    });
    const def = definitionWith(
      { patient: 'Patient/{{context.patientId}}', observations: 'Observation?patient={{context.patientId}}&_count=1000' },
      ['patient'],
    );
    const snap = await loader(300).load(def, request(s.fhirServer, { patient }, { userId: 'PractitionerRole/prr-chen-jing-1' }));
    expect(snap.unavailable).toEqual(['observations']);
    expect(snap.unresolved).toEqual([{ reference: 'PractitionerRole/prr-chen-jing-1', reason: 'fetch failed: timeout' }]);
  });

  it('a key that applied and failed is not read again by reference: its failure is the reason', async () => {
    const s = await stub({
      '/fhir/Practitioner/pr-chen-jing': json(operationOutcome, 404),
      '/fhir/PractitionerRole?practitioner=pr-chen-jing&_include=PractitionerRole:organization': json(
        searchset([role(), screeningHospital, partner]),
      ),
      [`/fhir/Observation?patient=${PATIENT_ID}&_count=1000`]: json(searchset([])),
    });
    const snap = await loader().load(WITH_ROLE_KEYS, request(s.fhirServer, { patient }, { userId: 'Practitioner/pr-chen-jing' }));
    expect(paths(s).filter((p) => p === '/fhir/Practitioner/pr-chen-jing')).toHaveLength(1);
    expect(snap.unresolved).toEqual([{ reference: 'Practitioner/pr-chen-jing', reason: 'not prefetched; fetch failed: http-status 404' }]);
    expect(resolveOrderingContext(snap).practitionerUnresolved?.reference).toBe('Practitioner/pr-chen-jing');
  });

  it(`reads at most ${MAX_REFERENCE_READS} references per call; the rest are unresolved`, async () => {
    const partners = Array.from({ length: 12 }, (_, i) => `org-partner-${i}`);
    const hospital: Organization = {
      ...screeningHospital,
      extension: partners.map((p) => ({
        url: EXTENSIONS.niptCooperation,
        extension: [{ url: 'partner', valueReference: { reference: `Organization/${p}` } }],
      })),
    };
    const routes: Record<string, StubHandler> = {};
    for (const p of partners) routes[`/fhir/Organization/${p}`] = json({ ...partner, id: p });
    const s = await stub(routes);
    const snap = await loader().load(
      WITH_ROLE_KEYS,
      request(
        s.fhirServer,
        { patient, practitioner, practitionerRoles: searchset([role(), hospital]), observations: null },
        { userId: 'Practitioner/pr-chen-jing' },
      ),
    );
    expect(s.calls).toHaveLength(MAX_REFERENCE_READS);
    expect(snap.unresolved).toHaveLength(partners.length - MAX_REFERENCE_READS);
    expect(snap.unresolved.every((u) => u.reason === 'not read: reference read limit reached')).toBe(true);
  });

  it('keys whose token does not apply to the call are neither fetched nor unavailable', async () => {
    const def = definitionWith(
      {
        patient: 'Patient/{{context.patientId}}',
        practitioner: 'Practitioner/{{userPractitionerId}}',
        practitionerRole:
          'PractitionerRole?_id={{userPractitionerRoleId}}&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization',
        encounter: 'Encounter/{{context.encounterId}}',
      },
      ['patient'],
    );
    const s = await stub({
      '/fhir/PractitionerRole?_id=prr-chen-jing-1&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization': json(
        searchset([role(), practitioner, screeningHospital]),
      ),
      '/fhir/Organization/org-zju-women': json(partner),
    });
    const { load, lines } = loader();
    const snap = await load(def, request(s.fhirServer, { patient }, { userId: 'PractitionerRole/prr-chen-jing-1' }));
    expect(s.unexpected).toEqual([]);
    expect(snap.unavailable).toEqual([]);
    expect(snap.unresolved).toEqual([]);
    const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'prefetch resolved');
    expect(log?.['notApplicable']).toEqual(['practitioner', 'encounter']);
  });
});

describe('second fetch stage: the performer of a prenatal-diagnosis report that could fire abnormal-result-notice', () => {
  const WITH_REPORTS = definitionWith(
    { patient: 'Patient/{{context.patientId}}', diagnosticReports: 'DiagnosticReport?patient={{context.patientId}}&_count=1000' },
    ['patient'],
  );
  /** 羊水染色体核型分析 47,XX,+21 (ICD-10 clinical edition Q90.000), issued by the performer. */
  function karyotype(id: string, performer: string, opts: Partial<DiagnosticReport> = {}): DiagnosticReport {
    return {
      resourceType: 'DiagnosticReport',
      id,
      status: 'final',
      category: [{ coding: [{ system: SYSTEMS.prenatalObservation, code: 'prenatal-diagnosis', display: '产前诊断' }] }],
      code: { coding: [{ system: SYSTEMS.prenatalOrder, code: 'karyotype' }], text: '羊水染色体核型分析' },
      subject: { reference: `Patient/${PATIENT_ID}` },
      effectiveDateTime: '2024-06-20T09:30:00+08:00',
      issued: '2024-07-02T15:00:00+08:00',
      performer: [{ reference: performer, display: '浙江大学医学院附属妇产科医院' }],
      conclusion: '47,XX,+21，胎儿21三体综合征',
      conclusionCode: [{ coding: [{ system: SYSTEMS.icd10cn, code: 'Q90.000', display: '21三体综合征' }] }],
      ...opts,
    };
  }
  const load = (fhirServer: string, reports: readonly DiagnosticReport[], policy?: ReturnType<typeof parsePolicy>) =>
    loader(5_000, policy).load(WITH_REPORTS, request(fhirServer, { patient, diagnosticReports: searchset(reports) }, {}));

  it('the performer Organization the prefetch left out is read by reference', async () => {
    const s = await stub({ '/fhir/Organization/org-zju-women': json(partner) });
    const snap = await load(s.fhirServer, [karyotype('dr-kt-1', 'Organization/org-zju-women')]);
    expect(paths(s)).toEqual(['/fhir/Organization/org-zju-women']);
    expect(s.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(snap.byReference('Organization/org-zju-women')).toMatchObject({ name: '浙江大学医学院附属妇产科医院' });
    expect(snap.unresolved).toEqual([]);
  });

  it('a PractitionerRole performer: the role, then its organization (two rounds)', async () => {
    const lab: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: 'prr-wang-lab',
      practitioner: { reference: 'Practitioner/pr-wang-min' },
      organization: { reference: 'Organization/org-zju-women' },
      code: [{ text: '遗传咨询医师' }],
    };
    const s = await stub({ '/fhir/PractitionerRole/prr-wang-lab': json(lab), '/fhir/Organization/org-zju-women': json(partner) });
    const snap = await load(s.fhirServer, [karyotype('dr-kt-1', 'PractitionerRole/prr-wang-lab')]);
    expect(paths(s)).toEqual(['/fhir/PractitionerRole/prr-wang-lab', '/fhir/Organization/org-zju-women']);
    expect(snap.byReference('Organization/org-zju-women')?.id).toBe('org-zju-women');
  });

  it('a 404 leaves the performer unresolved with the status', async () => {
    const s = await stub({ '/fhir/Organization/org-zju-women': json(operationOutcome, 404) });
    const snap = await load(s.fhirServer, [karyotype('dr-kt-1', 'Organization/org-zju-women')]);
    expect(snap.unresolved).toEqual([{ reference: 'Organization/org-zju-women', reason: 'fetch failed: http-status 404' }]);
  });

  it.each([
    ['a normal karyotype 46,XX', karyotype('dr-normal', 'Organization/org-zju-women', { conclusion: '46,XX', conclusionCode: [] })],
    ['a preliminary report', karyotype('dr-prelim', 'Organization/org-zju-women', { status: 'preliminary' })],
    [
      'an obstetric ultrasound report (not a prenatal-diagnosis report)',
      karyotype('dr-us', 'Organization/org-zju-women', {
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '11525-3' }] },
        conclusionCode: [{ coding: [{ system: SYSTEMS.icd10cn, code: 'Q03.900', display: '先天性脑积水' }] }],
      }),
    ],
    ['another patient’s report', karyotype('dr-other', 'Organization/org-zju-women', { subject: { reference: 'Patient/pat-zj-999' } })],
  ])('%s: its performer is not read', async (_n, report) => {
    const s = await stub({});
    const snap = await load(s.fhirServer, [report]);
    expect(s.calls).toEqual([]);
    expect(snap.unresolved).toEqual([]);
  });

  it(`only the ${MAX_PERFORMER_REPORTS} most recent qualifying reports have their performer read`, async () => {
    const days = ['2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01', '2024-07-01'];
    const reports = days.map((d, i) => karyotype(`dr-kt-${i}`, `Organization/org-lab-${i}`, { effectiveDateTime: d }));
    const routes: Record<string, StubHandler> = {};
    for (let i = 0; i < days.length; i++) routes[`/fhir/Organization/org-lab-${i}`] = json({ ...partner, id: `org-lab-${i}` });
    const s = await stub(routes);
    await load(s.fhirServer, reports);
    expect(paths(s).sort()).toEqual(['/fhir/Organization/org-lab-2', '/fhir/Organization/org-lab-3', '/fhir/Organization/org-lab-4']);
  });

  it("a report coded with the hospital's local code counts when the loader has the policy", async () => {
    const local = { system: 'urn:oid:1.2.156.112636.hosp.report', code: 'CQ-HX' };
    const report = karyotype('dr-local', 'Organization/org-zju-women', { category: [], code: { coding: [local], text: '产前诊断核型' } });
    const without = await stub({ '/fhir/Organization/org-zju-women': json(partner) });
    await load(without.fhirServer, [report]);
    expect(without.calls).toEqual([]);
    const withPolicy = await stub({ '/fhir/Organization/org-zju-women': json(partner) });
    await load(withPolicy.fhirServer, [report], parsePolicy({ localCodes: { 'prenatal-diagnosis-report': [local] } }));
    expect(paths(withPolicy)).toEqual(['/fhir/Organization/org-zju-women']);
  });
});
