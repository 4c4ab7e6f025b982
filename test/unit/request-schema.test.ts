import { describe, expect, it } from 'vitest';
import { parseHookContext, parseHookRequest } from '../../src/cds-hooks/request-schema.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';

const base = { hook: 'patient-view', hookInstance: 'a1b2', context: { userId: 'Practitioner/1', patientId: 'p1' } };
const issuePaths = (r: { ok: boolean; issues?: { path?: string }[] }) => (r.ok ? [] : (r.issues ?? []).map((i) => i.path));
const bundle = { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'ServiceRequest', id: 'sr1', status: 'draft' } }] };

describe('CDS Hooks request envelope (https://cds-hooks.hl7.org/2.0/#http-request-1)', () => {
  it('accepts a minimal request and keeps unknown fields; the result is a HookRequest', () => {
    const r = parseHookRequest({ ...base, extension: { x: 1 } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      const req: HookRequest = r.value;
      expect((req as unknown as Record<string, unknown>).extension).toEqual({ x: 1 });
      expect(req.prefetch).toBeUndefined();
    }
  });

  it('prefetch values may be any JSON, including null', () => {
    expect(parseHookRequest({ ...base, prefetch: { patient: null, n: 1, s: 'x', a: [] } }).ok).toBe(true);
    expect(issuePaths(parseHookRequest({ ...base, prefetch: null }))).toEqual(['prefetch']);
  });

  it('requires hook, hookInstance (strings) and context (object)', () => {
    expect(issuePaths(parseHookRequest({})).sort()).toEqual(['context', 'hook', 'hookInstance']);
    expect(issuePaths(parseHookRequest({ ...base, hookInstance: 7, context: [] })).sort()).toEqual(['context', 'hookInstance']);
  });

  it('fhirServer must be an http(s) URL', () => {
    expect(parseHookRequest({ ...base, fhirServer: 'https://ehr.example/fhir' }).ok).toBe(true);
    expect(issuePaths(parseHookRequest({ ...base, fhirServer: 'file:///etc/passwd' }))).toEqual(['fhirServer']);
  });

  it('fhirAuthorization: required members, Bearer only, and it needs fhirServer', () => {
    const auth = { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds', patient: 'p1' };
    expect(parseHookRequest({ ...base, fhirServer: 'https://ehr.example/fhir', fhirAuthorization: auth }).ok).toBe(true);
    expect(issuePaths(parseHookRequest({ ...base, fhirAuthorization: auth }))).toEqual(['fhirServer']);
    expect(
      issuePaths(
        parseHookRequest({
          ...base,
          fhirServer: 'https://e.example',
          fhirAuthorization: { ...auth, token_type: 'MAC', subject: undefined },
        }),
      ).sort(),
    ).toEqual(['fhirAuthorization.subject', 'fhirAuthorization.token_type']);
  });
});

describe('hook contexts', () => {
  it('patient-view: userId reference, FHIR ids, optional encounterId', () => {
    expect(parseHookContext('patient-view', { userId: 'PractitionerRole/r-1', patientId: 'p.1-A' }).ok).toBe(true);
    expect(parseHookContext('patient-view', { userId: 'Patient/p1', patientId: 'p1', encounterId: 'e1' }).ok).toBe(true);
    expect(issuePaths(parseHookContext('patient-view', { userId: 'pr-1', patientId: 'p1&_include=*' }))).toEqual([
      'context.userId',
      'context.patientId',
    ]);
  });

  it('encounter-start: encounterId is required', () => {
    expect(issuePaths(parseHookContext('encounter-start', { userId: 'Practitioner/1', patientId: 'p1' }))).toEqual(['context.encounterId']);
    expect(parseHookContext('encounter-start', { userId: 'Practitioner/1', patientId: 'p1', encounterId: 'e1' }).ok).toBe(true);
  });

  it('order-select: non-empty selections that name draftOrders entries; draftOrders is a Bundle', () => {
    const ok = { userId: 'Practitioner/1', patientId: 'p1', selections: ['ServiceRequest/sr1'], draftOrders: bundle };
    expect(parseHookContext('order-select', ok).ok).toBe(true);
    expect(issuePaths(parseHookContext('order-select', { ...ok, selections: [] }))).toEqual(['context.selections']);
    expect(issuePaths(parseHookContext('order-select', { ...ok, selections: ['ServiceRequest/other'] }))).toEqual([
      'context.selections[0]',
    ]);
    expect(issuePaths(parseHookContext('order-select', { ...ok, draftOrders: { resourceType: 'Patient' } }))).toEqual([
      'context.draftOrders.resourceType',
    ]);
    expect(issuePaths(parseHookContext('order-select', { ...ok, userId: 'Patient/p1' }))).toEqual(['context.userId']);
  });

  it('order-sign: draftOrders Bundle required, selections not needed', () => {
    expect(parseHookContext('order-sign', { userId: 'Practitioner/1', patientId: 'p1', draftOrders: bundle }).ok).toBe(true);
    expect(issuePaths(parseHookContext('order-sign', { userId: 'Practitioner/1', patientId: 'p1' }))).toEqual(['context.draftOrders']);
  });
});
