import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { renderPrefetchTemplate } from '../../src/fhir/prefetch-template.js';
import { packageRoot } from '../../src/package-root.js';
import { buildHarness } from '../support/app-fixture.js';
import { expectConformant } from '../support/expect-conformant.js';

const examplesDir = join(packageRoot(), 'cds-hooks', 'examples');

describe('cds-hooks/examples: one realistic request per service', () => {
  it.each(SERVICE_IDS)('%s: accepted with 200 and a conformant response; every required prefetch key supplied', async (id) => {
    const body = JSON.parse(readFileSync(join(examplesDir, `${id}.json`), 'utf8')) as {
      context: Record<string, unknown>;
      prefetch: Record<string, unknown>;
    };
    const h = buildHarness();
    const def = h.deps.definitions.find((d) => d.id === id);
    // Every key that applies to the example's context (an EHR omits e.g. the PractitionerRole-user
    // form for a Practitioner user, the encounter when there is none).
    const applicable = Object.entries(def?.prefetch ?? {}).filter(([, t]) => {
      const r = renderPrefetchTemplate(t, body.context);
      return r.ok || !r.notApplicable;
    });
    expect(Object.keys(body.prefetch).sort()).toEqual(applicable.map(([k]) => k).sort());
    const res = await request(h.app)
      .post(`/cds-services/${id}`)
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(body))
      .expect(200);
    expectConformant(res.body);
    expect(h.handled.map((c) => c.service)).toEqual([id]);
  });
});
