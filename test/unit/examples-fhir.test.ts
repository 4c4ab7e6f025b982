import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SERVICE_HOOKS, SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { parseHookContext, parseHookRequest } from '../../src/cds-hooks/request-schema.js';
import { packageRoot } from '../../src/package-root.js';
import { validationErrors } from '../support/fhir-validate.js';

interface Example {
  hook: string;
  context: Record<string, unknown>;
  prefetch: Record<string, unknown>;
}
const load = (id: string) => JSON.parse(readFileSync(join(packageRoot(), 'cds-hooks', 'examples', `${id}.json`), 'utf8')) as Example;

/** Every resource of an example: prefetch values (Bundles unwrapped) and draft orders. */
function resourcesOf(ex: Example): Resource[] {
  const out: Resource[] = [];
  const add = (v: unknown) => {
    const r = v as Resource | null;
    if (!r || typeof r !== 'object') return;
    out.push(r);
    if (r.resourceType === 'Bundle') for (const e of r.entry ?? []) if (e.resource) out.push(e.resource);
  };
  Object.values(ex.prefetch).forEach(add);
  add(ex.context.draftOrders);
  return out;
}

function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => referencesIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}

describe.each(SERVICE_IDS)('example request %s', (id) => {
  const ex = load(id);
  const resources = resourcesOf(ex);

  it('is a valid request for its hook', () => {
    expect(ex.hook).toBe(SERVICE_HOOKS[id]);
    expect(parseHookRequest(ex).ok).toBe(true);
    expect(parseHookContext(SERVICE_HOOKS[id], ex.context)).toMatchObject({ ok: true });
    expect(ex.context.userId).toMatch(/^Practitioner\//);
  });

  it('every resource is valid FHIR R4 (structure, invariants, our extensions)', () => {
    for (const r of resources) {
      expect(validationErrors(r), `${r.resourceType}/${r.id ?? ''}`).toEqual([]);
    }
  });

  it('ids are unique per type and patient references point at the context patient', () => {
    const keys = resources.filter((r) => r.resourceType !== 'Bundle').map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const patientRefs = referencesIn(resources.filter((r) => r.resourceType !== 'Bundle')).filter((r) => r.startsWith('Patient/'));
    expect(patientRefs.length).toBeGreaterThan(3);
    expect(new Set(patientRefs)).toEqual(new Set([`Patient/${String(ex.context.patientId)}`]));
  });

  it('describes a pregnant woman born 1989 with a final EDD (LOINC 11778-8) in 2027', () => {
    const patient = resources.find((r) => r.resourceType === 'Patient');
    expect(patient).toMatchObject({ gender: 'female', birthDate: expect.stringMatching(/^1989-/) });
    const edd = resources.find((r) => r.resourceType === 'Observation' && r.code.coding?.some((c) => c.code === '11778-8'));
    expect(edd).toMatchObject({ status: 'final', valueDateTime: expect.stringMatching(/^2027-/) });
  });
});

describe('order examples carry the draft order of their service', () => {
  it('order-select: a draft NIPT ServiceRequest (prenatal-order#nipt) that is selected', () => {
    const ex = load('nipt-order-check');
    const sr = resourcesOf(ex).find(
      (r) =>
        r.resourceType === 'ServiceRequest' &&
        r.code?.coding?.some((c) => c.system === 'http://prenatal-cds.org/fhir/CodeSystem/prenatal-order' && c.code === 'nipt'),
    );
    expect(sr).toMatchObject({ status: 'draft', intent: 'order' });
    expect(ex.context.selections).toEqual([`ServiceRequest/${sr?.id}`]);
  });

  it('order-sign: a draft amniocentesis ServiceRequest (SNOMED 34536000)', () => {
    const sr = resourcesOf(load('special-technique-order-sign')).find((r) => r.resourceType === 'ServiceRequest');
    expect(sr).toMatchObject({ status: 'draft', code: { coding: [{ system: 'http://snomed.info/sct', code: '34536000' }] } });
  });
});
