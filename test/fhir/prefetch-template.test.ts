import { describe, expect, it } from 'vitest';
import { renderPrefetchTemplate, resolveToken } from '../../src/fhir/prefetch-template.js';
import { definitionOf } from './support/definitions.js';

const context = { patientId: 'pat-zj-001', encounterId: 'enc-77', userId: 'Practitioner/dr-li', count: 42 };

describe('renderPrefetchTemplate (CDS Hooks 2.0 prefetch tokens)', () => {
  it('substitutes first-level context fields (strings and numbers)', () => {
    expect(renderPrefetchTemplate('Patient/{{context.patientId}}', context)).toEqual({ ok: true, query: 'Patient/pat-zj-001' });
    expect(renderPrefetchTemplate('Encounter/{{context.encounterId}}', context)).toEqual({ ok: true, query: 'Encounter/enc-77' });
    expect(renderPrefetchTemplate('Observation?patient={{ context.patientId }}&_count={{context.count}}', context)).toEqual({
      ok: true,
      query: 'Observation?patient=pat-zj-001&_count=42',
    });
  });

  it.each([
    ['Practitioner/dr-li', 'userPractitionerId', 'dr-li'],
    ['PractitionerRole/role-9', 'userPractitionerRoleId', 'role-9'],
    ['Patient/pat-zj-001', 'userPatientId', 'pat-zj-001'],
    ['RelatedPerson/rp-3', 'userRelatedPersonId', 'rp-3'],
    ['https://ehr.example.cn/fhir/Practitioner/dr-li', 'userPractitionerId', 'dr-li'],
  ])('derives %s → {{%s}} = %s', (userId, token, id) => {
    expect(renderPrefetchTemplate(`X?u={{${token}}}`, { userId })).toEqual({ ok: true, query: `X?u=${id}` });
  });

  it('a user token of another type than context.userId is not resolvable: the key does not apply to the call', () => {
    const r = renderPrefetchTemplate('PractitionerRole?practitioner={{userPractitionerId}}', { userId: 'PractitionerRole/role-9' });
    expect(r).toMatchObject({ ok: false, token: 'userPractitionerId', notApplicable: true });
    const p = renderPrefetchTemplate('PractitionerRole?_id={{userPractitionerRoleId}}', { userId: 'Practitioner/dr-li' });
    expect(p).toMatchObject({ ok: false, token: 'userPractitionerRoleId', notApplicable: true });
    expect(resolveToken('userPatientId', {})).toMatchObject({ ok: false });
  });

  it('a context field the hook does not carry makes the key not applicable; a present but unusable one does not', () => {
    expect(renderPrefetchTemplate('Encounter/{{context.encounterId}}', { patientId: 'p' })).toMatchObject({
      ok: false,
      notApplicable: true,
    });
    expect(renderPrefetchTemplate('Encounter/{{context.encounterId}}', { encounterId: null })).toMatchObject({
      ok: false,
      notApplicable: true,
    });
    for (const ctx of [{ encounterId: '' }, { encounterId: { id: 'e' } }, { encounterId: '..' }]) {
      const r = renderPrefetchTemplate('Encounter/{{context.encounterId}}', ctx);
      expect(r.ok).toBe(false);
      expect(r.ok ? undefined : r.notApplicable).toBeUndefined();
    }
    // A userId that is no reference at all, or none: the user forms cannot be asked — not "another user kind".
    for (const ctx of [{ userId: 'dr-li' }, {}]) {
      const r = renderPrefetchTemplate('Practitioner/{{userPractitionerId}}', ctx);
      expect(r.ok ? undefined : r.notApplicable).toBeUndefined();
    }
  });

  it.each([
    ['Encounter/{{context.encounterId}}', { patientId: 'p' }, 'context.encounterId'],
    ['X?x={{context.draftOrders}}', { draftOrders: { resourceType: 'Bundle' } }, 'context.draftOrders'],
    ['X?x={{context.patientId}}', { patientId: '' }, 'context.patientId'],
    ['X?x={{context.patient.id}}', { patient: { id: 'p' } }, 'context.patient.id'],
    ['X?x={{context.n}}', { n: Number.NaN }, 'context.n'],
    ['X?x={{unknownToken}}', context, 'unknownToken'],
  ])('%s with %j names the unresolved token', (template, ctx, token) => {
    const r = renderPrefetchTemplate(template, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.token).toBe(token);
      expect(r.reason).not.toBe('');
    }
  });

  it('percent-encodes values so an id cannot inject query parameters, fragments or path segments', () => {
    const evil = { patientId: 'p1&_include=*&subject=Patient/other#frag', userId: 'Practitioner/x?y=z' };
    const r = renderPrefetchTemplate('Observation?patient={{context.patientId}}&_count=1000', evil);
    expect(r).toEqual({ ok: true, query: 'Observation?patient=p1%26_include%3D*%26subject%3DPatient%2Fother%23frag&_count=1000' });
    const url = new URL(r.ok ? r.query : '', 'https://ehr.example.cn/fhir/');
    expect([...url.searchParams.keys()]).toEqual(['patient', '_count']);
    expect(url.searchParams.get('patient')).toBe(evil.patientId);
    expect(url.hash).toBe('');
    const path = renderPrefetchTemplate('Patient/{{context.patientId}}', { patientId: '../../admin/users' });
    expect(path).toEqual({ ok: true, query: 'Patient/..%2F..%2Fadmin%2Fusers' });
    expect(new URL(path.ok ? path.query : '', 'https://ehr.example.cn/fhir/').pathname).toBe('/fhir/Patient/..%2F..%2Fadmin%2Fusers');
    // `userId` with a query part is not a reference at all.
    expect(renderPrefetchTemplate('X?u={{userPractitionerId}}', evil)).toMatchObject({ ok: false });
  });

  it.each(['.', '..', '%2e%2e'])('refuses dot-segment value %s (URL parsers resolve it)', (patientId) => {
    const r = renderPrefetchTemplate('Patient/{{context.patientId}}', { patientId });
    if (patientId === '%2e%2e') {
      // `%` itself is encoded, so this stays one opaque segment.
      expect(r).toEqual({ ok: true, query: 'Patient/%252e%252e' });
    } else {
      expect(r).toMatchObject({ ok: false, token: 'context.patientId' });
    }
  });

  it('renders every template of the shipped service definitions for a Practitioner or a PractitionerRole user', () => {
    const def = definitionOf('special-technique-order-sign');
    const asRole = { ...context, userId: 'PractitionerRole/prr-li-7' };
    for (const template of Object.values(def.prefetch)) {
      const r = [renderPrefetchTemplate(template, context), renderPrefetchTemplate(template, asRole)].find((x) => x.ok);
      expect(r?.ok, template).toBe(true);
      if (r?.ok) expect(r.query).not.toMatch(/[{}]/);
    }
    expect(renderPrefetchTemplate(def.prefetch['practitionerRole']!, asRole)).toEqual({
      ok: true,
      query: 'PractitionerRole?_id=prr-li-7&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization',
    });
  });
});
